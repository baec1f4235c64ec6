#include "core/model/logrecord.h"

#include "core/model/crc32.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace inkstream::core {

namespace {

// The fixed pieces of a line: {"c":"<crc>","t":<time>,"<kind>":<value>}\n
constexpr QByteArrayView kPrefix = "{\"c\":\"";
constexpr qsizetype kCrcDigits = 8;
constexpr QByteArrayView kCrcClose = "\",";
constexpr QByteArrayView kTimeKey = "\"t\":";
constexpr QByteArrayView kKindOpen = ",\"";
constexpr QByteArrayView kKindClose = "\":";
constexpr QByteArrayView kLineEnd = "}\n";
// Where the checksummed part starts: at the time's key.
constexpr qsizetype kBodyStart = kPrefix.size() + kCrcDigits + kCrcClose.size();

void writeHex(char *text, quint32 value)
{
    static constexpr char digits[] = "0123456789abcdef";
    for (int i = kCrcDigits - 1; i >= 0; --i) {
        text[i] = digits[value & 0xF];
        value >>= 4;
    }
}

bool readHex(QByteArrayView text, quint32 *value)
{
    quint32 result = 0;
    for (char c : text) {
        int digit = 0;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else
            return false;
        result = (result << 4) | quint32(digit);
    }
    *value = result;
    return true;
}

} // namespace

void LogRecord::append(QByteArray *out, qint64 atMs, QByteArrayView kind, QByteArrayView value)
{
    // Sized once and written in place: a log appends one of these per event.
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, std::max<qint64>(0, atMs));
    const QByteArrayView time(digits, written.ptr - digits);
    const qsizetype lineStart = out->size();
    out->resize(lineStart + kBodyStart + kTimeKey.size() + time.size() + kKindOpen.size()
                + kind.size() + kKindClose.size() + value.size() + kLineEnd.size());
    char *line = out->data() + lineStart;
    char *p = line;
    const auto put = [&p](QByteArrayView bytes) {
        if (bytes.isEmpty())
            return; // (a null view's data() is null, which memcpy may not be given)
        std::memcpy(p, bytes.data(), size_t(bytes.size()));
        p += bytes.size();
    };
    put(kPrefix);
    p += kCrcDigits; // filled in below
    put(kCrcClose);
    put(kTimeKey);
    put(time);
    put(kKindOpen);
    put(kind);
    put(kKindClose);
    put(value);
    put(kLineEnd);
    const quint32 crc
        = Crc32::compute(QByteArrayView(line + kBodyStart, p - 1 - (line + kBodyStart)));
    writeHex(line + kPrefix.size(), crc);
}

QByteArray LogRecord::encode(qint64 atMs, QByteArrayView kind, QByteArrayView value)
{
    QByteArray line;
    line.reserve(value.size() + 48);
    append(&line, atMs, kind, value);
    return line;
}

bool LogRecord::isChecksummed(QByteArrayView line)
{
    return line.startsWith(kPrefix);
}

LogRecord::Parse LogRecord::parse(QByteArrayView line, qint64 *atMs, QByteArrayView *kind,
                                  QByteArrayView *value)
{
    if (!line.endsWith('\n'))
        return Parse::Incomplete;
    const QByteArrayView body = line.chopped(1);
    if (body.size() < kBodyStart + 8 || !body.startsWith(kPrefix)
        || body.sliced(kPrefix.size() + kCrcDigits, kCrcClose.size()) != kCrcClose)
        return Parse::Damaged;
    quint32 expected = 0;
    if (!readHex(body.sliced(kPrefix.size(), kCrcDigits), &expected))
        return Parse::Damaged;
    const QByteArrayView checked = body.sliced(kBodyStart);
    if (Crc32::compute(checked) != expected)
        return Parse::Damaged;
    // "t":<digits>,"<kind>":<value>}
    if (!checked.startsWith(kTimeKey) || !checked.endsWith('}'))
        return Parse::Damaged;
    const char *p = checked.data() + kTimeKey.size();
    const char *end = checked.data() + checked.size() - 1; // before the closing brace
    qint64 at = 0;
    const auto [afterNumber, ec] = std::from_chars(p, end, at);
    if (ec != std::errc() || at < 0 || end - afterNumber < 5 || afterNumber[0] != ','
        || afterNumber[1] != '"')
        return Parse::Damaged;
    const char *kindStart = afterNumber + 2;
    const char *kindEnd = static_cast<const char *>(std::memchr(kindStart, '"', end - kindStart));
    if (!kindEnd || kindEnd == kindStart || end - kindEnd < 3 || kindEnd[1] != ':')
        return Parse::Damaged;
    *atMs = at;
    *kind = QByteArrayView(kindStart, kindEnd - kindStart);
    *value = QByteArrayView(kindEnd + 2, end - (kindEnd + 2));
    return Parse::Ok;
}

} // namespace inkstream::core
