#include "core/model/logrecord.h"

#include <array>
#include <charconv>
#include <cstring>

namespace inkstream::core {

namespace {

constexpr QByteArrayView kPrefix = "{\"c\":\"";
constexpr qsizetype kCrcDigits = 8;
// `{"c":"` + 8 hex digits + `",`: where the checksummed part starts.
constexpr qsizetype kBodyStart = 6 + kCrcDigits + 2;

using CrcTables = std::array<std::array<quint32, 256>, 8>;

constexpr CrcTables makeTables()
{
    CrcTables tables {};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 crc = i;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        tables[0][i] = crc;
    }
    for (quint32 i = 0; i < 256; ++i) {
        for (std::size_t t = 1; t < tables.size(); ++t)
            tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][tables[t - 1][i] & 0xFF];
    }
    return tables;
}

constexpr CrcTables kTables = makeTables();

void appendHex(QByteArray *out, quint32 value)
{
    static constexpr char digits[] = "0123456789abcdef";
    char text[kCrcDigits];
    for (int i = kCrcDigits - 1; i >= 0; --i) {
        text[i] = digits[value & 0xF];
        value >>= 4;
    }
    out->append(text, kCrcDigits);
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

quint32 LogRecord::crc32(QByteArrayView bytes, quint32 crc)
{
    crc = ~crc;
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    qsizetype left = bytes.size();
    while (left >= 8) {
        quint32 low = 0;
        quint32 high = 0;
        std::memcpy(&low, p, 4);
        std::memcpy(&high, p + 4, 4);
        low ^= crc; // little-endian, as every machine this builds for
        crc = kTables[7][low & 0xFF] ^ kTables[6][(low >> 8) & 0xFF]
            ^ kTables[5][(low >> 16) & 0xFF] ^ kTables[4][low >> 24] ^ kTables[3][high & 0xFF]
            ^ kTables[2][(high >> 8) & 0xFF] ^ kTables[1][(high >> 16) & 0xFF]
            ^ kTables[0][high >> 24];
        p += 8;
        left -= 8;
    }
    while (left-- > 0)
        crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xFF];
    return ~crc;
}

void LogRecord::append(QByteArray *out, qint64 atMs, QByteArrayView kind, QByteArrayView value)
{
    const qsizetype lineStart = out->size();
    out->append(kPrefix);
    out->append(kCrcDigits, '0'); // filled in below
    out->append("\",\"t\":");
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, std::max<qint64>(0, atMs));
    out->append(digits, written.ptr - digits);
    out->append(",\"");
    out->append(kind);
    out->append("\":");
    out->append(value);
    out->append('}');
    const quint32 crc = crc32(QByteArrayView(*out).sliced(lineStart + kBodyStart));
    QByteArray hex;
    appendHex(&hex, crc);
    std::memcpy(out->data() + lineStart + kPrefix.size(), hex.constData(), kCrcDigits);
    out->append('\n');
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
        || body.sliced(kPrefix.size() + kCrcDigits, 2) != "\",")
        return Parse::Damaged;
    quint32 expected = 0;
    if (!readHex(body.sliced(kPrefix.size(), kCrcDigits), &expected))
        return Parse::Damaged;
    const QByteArrayView checked = body.sliced(kBodyStart);
    if (crc32(checked) != expected)
        return Parse::Damaged;
    // "t":<digits>,"<kind>":<value>}
    if (!checked.startsWith("\"t\":") || !checked.endsWith('}'))
        return Parse::Damaged;
    const char *p = checked.data() + 4;
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
