#include "core/protocol/eventcodec.h"

#include "core/protocol/protocollog.h"
#include "core/protocol/utf8.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace inkstream::core {

namespace {

// Wire names in EventPayload index order.
constexpr std::array<std::string_view, std::variant_size_v<EventPayload>> kEventNames
    = {"connected", "code", "step", "progress", "chat", "session", "snapshot", "shutdown", "usage"};
constexpr std::array<std::string_view, 4> kCodeTypes = {"start", "delta", "complete", "error"};
constexpr std::array<std::string_view, StepCount> kStepNames
    = {"planning", "generating", "validating", "complete"};
constexpr std::array<std::string_view, 3> kStepStatuses = {"start", "complete", "error"};
constexpr std::array<std::string_view, 4> kChatRoles = {"assistant", "user", "system", "event"};
constexpr std::array<std::string_view, 3> kChatTypes = {"start", "delta", "complete"};
constexpr std::array<std::string_view, 2> kSessionTypes = {"complete", "error"};

template<std::size_t N>
std::string_view nameAt(const std::array<std::string_view, N> &names, auto value)
{
    return names[static_cast<std::size_t>(value)];
}

// Appends JSON straight into one growing buffer: no intermediate QJsonObject, no per-field
// allocation. Capacity grows geometrically, so a frame costs amortised O(bytes).
class JsonWriter final
{
public:
    explicit JsonWriter(QByteArray &out)
        : m_out(out)
    { }

    void beginObject()
    {
        raw("{");
        m_first = true;
    }
    void endObject()
    {
        raw("}");
        m_first = false;
    }
    void key(std::string_view name)
    {
        char *p = reserve(static_cast<qsizetype>(name.size()) + 4);
        if (!m_first)
            *p++ = ',';
        m_first = false;
        *p++ = '"';
        p = std::copy(name.begin(), name.end(), p);
        *p++ = '"';
        *p++ = ':';
        commit(p);
    }
    void raw(std::string_view text)
    {
        char *p = reserve(static_cast<qsizetype>(text.size()));
        commit(std::copy(text.begin(), text.end(), p));
    }
    void rawBytes(const QByteArray &text)
    {
        raw(std::string_view(text.constData(), size_t(text.size())));
    }
    void asciiString(std::string_view text)
    {
        char *p = reserve(static_cast<qsizetype>(text.size()) + 2);
        *p++ = '"';
        p = std::copy(text.begin(), text.end(), p);
        *p++ = '"';
        commit(p);
    }
    void number(quint64 value)
    {
        char *p = reserve(20);
        commit(std::to_chars(p, p + 20, value).ptr);
    }
    void string(QStringView text)
    {
        // Worst case per UTF-16 code unit is a six-byte \uXXXX escape.
        char *p = reserve(text.size() * 6 + 2);
        *p++ = '"';
        const char16_t *it = text.utf16();
        const char16_t *const end = it + text.size();
        while (it != end) {
            const char16_t c = *it++;
            if (c < 0x80) {
                if (c >= 0x20 && c != u'"' && c != u'\\') {
                    *p++ = static_cast<char>(c);
                    continue;
                }
                *p++ = '\\';
                switch (c) {
                case u'"':
                    *p++ = '"';
                    break;
                case u'\\':
                    *p++ = '\\';
                    break;
                case u'\n':
                    *p++ = 'n';
                    break;
                case u'\r':
                    *p++ = 'r';
                    break;
                case u'\t':
                    *p++ = 't';
                    break;
                case u'\b':
                    *p++ = 'b';
                    break;
                case u'\f':
                    *p++ = 'f';
                    break;
                default:
                    p = hexEscape(p, c, false);
                    break;
                }
            } else if (c < 0x800) {
                *p++ = static_cast<char>(0xC0 | (c >> 6));
                *p++ = static_cast<char>(0x80 | (c & 0x3F));
            } else if (QChar::isHighSurrogate(c) && it != end && QChar::isLowSurrogate(*it)) {
                const char32_t u = QChar::surrogateToUcs4(c, *it++);
                *p++ = static_cast<char>(0xF0 | (u >> 18));
                *p++ = static_cast<char>(0x80 | ((u >> 12) & 0x3F));
                *p++ = static_cast<char>(0x80 | ((u >> 6) & 0x3F));
                *p++ = static_cast<char>(0x80 | (u & 0x3F));
            } else if (QChar::isSurrogate(c)) {
                // A lone surrogate has no UTF-8 form; the escape keeps the QString intact.
                p = hexEscape(p, c, true);
            } else {
                *p++ = static_cast<char>(0xE0 | (c >> 12));
                *p++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
                *p++ = static_cast<char>(0x80 | (c & 0x3F));
            }
        }
        *p++ = '"';
        commit(p);
    }

private:
    static char *hexEscape(char *p, char16_t c, bool afterBackslash)
    {
        static constexpr char digits[] = "0123456789abcdef";
        if (afterBackslash)
            *p++ = '\\';
        *p++ = 'u';
        *p++ = digits[(c >> 12) & 0xF];
        *p++ = digits[(c >> 8) & 0xF];
        *p++ = digits[(c >> 4) & 0xF];
        *p++ = digits[c & 0xF];
        return p;
    }
    // Makes room for `extra` bytes past the logical end and returns where to write them;
    // commit() then sets the logical end. Shrinking never reallocates.
    char *reserve(qsizetype extra)
    {
        const qsizetype used = m_out.size();
        if (m_out.capacity() - used < extra)
            m_out.reserve(std::max(used + extra, m_out.capacity() * 2));
        m_out.resize(used + extra);
        return m_out.data() + used;
    }
    void commit(char *end) { m_out.truncate(end - m_out.constData()); }

    QByteArray &m_out;
    bool m_first = true;
};

void writeEvent(JsonWriter &w, const Event &event)
{
    w.beginObject();
    w.key("seq");
    w.number(event.sequence);
    if (event.firstSequence != 0 && event.firstSequence < event.sequence) {
        w.key("from");
        w.number(event.firstSequence);
    }
    w.key("event");
    w.asciiString(kEventNames[event.payload.index()]);
    w.key("sessionId");
    w.string(event.sessionId);

    struct Visitor
    {
        JsonWriter &w;
        void operator()(const ConnectedEvent &e) const
        {
            w.key("clientId");
            w.string(e.clientId);
            if (!e.epoch.isEmpty()) {
                w.key("epoch");
                w.string(e.epoch);
                w.key("lastSequence");
                w.number(e.lastSequence);
                w.key("resumeAfter");
                w.number(e.resumeAfter);
            }
        }
        void operator()(const CodeEvent &e) const
        {
            w.key("fileName");
            w.string(e.fileName);
            w.key("type");
            w.asciiString(nameAt(kCodeTypes, e.type));
            if (e.type == CodeEvent::Type::Delta || !e.delta.isEmpty()) {
                w.key("delta");
                w.string(e.delta);
            }
            if (e.offset >= 0) {
                w.key("offset");
                w.number(static_cast<quint64>(e.offset));
            }
            if (e.hasPosition) {
                w.key("position");
                w.beginObject();
                w.key("line");
                w.number(static_cast<quint64>(std::max(0, e.position.line)));
                w.key("column");
                w.number(static_cast<quint64>(std::max(0, e.position.column)));
                w.endObject();
            }
            if (e.hasFullContent) {
                w.key("fullContent");
                w.string(e.fullContent);
            }
            if (e.type == CodeEvent::Type::Error || !e.error.isEmpty()) {
                w.key("error");
                w.string(e.error);
            }
            if (!e.language.isEmpty()) {
                w.key("language");
                w.string(e.language);
            }
        }
        void operator()(const StepEvent &e) const
        {
            w.key("step");
            w.asciiString(nameAt(kStepNames, e.step));
            w.key("status");
            w.asciiString(nameAt(kStepStatuses, e.status));
            if (!e.detail.isEmpty()) {
                w.key("detail");
                w.string(e.detail);
            }
            if (!e.source.isEmpty()) {
                w.key("source");
                w.string(e.source);
            }
        }
        void operator()(const ProgressEvent &e) const
        {
            w.key("percent");
            w.number(static_cast<quint64>(std::clamp(e.percent, 0, 100)));
            if (!e.detail.isEmpty()) {
                w.key("detail");
                w.string(e.detail);
            }
        }
        void operator()(const ChatEvent &e) const
        {
            w.key("messageId");
            w.string(e.messageId);
            w.key("role");
            w.asciiString(nameAt(kChatRoles, e.role));
            w.key("type");
            w.asciiString(nameAt(kChatTypes, e.type));
            if (e.type == ChatEvent::Type::Delta || !e.delta.isEmpty()) {
                w.key("delta");
                w.string(e.delta);
            }
            if (e.offset >= 0) {
                w.key("offset");
                w.number(static_cast<quint64>(e.offset));
            }
        }
        void operator()(const SessionEvent &e) const
        {
            w.key("type");
            w.asciiString(nameAt(kSessionTypes, e.type));
            if (e.type == SessionEvent::Type::Error || !e.error.isEmpty()) {
                w.key("error");
                w.string(e.error);
            }
        }
        void operator()(const SnapshotEvent &e) const
        {
            w.key("state");
            w.rawBytes(QJsonDocument(e.state).toJson(QJsonDocument::Compact));
        }
        void operator()(const ShutdownEvent &e) const
        {
            w.key("reason");
            w.string(e.reason);
        }
        void operator()(const UsageEvent &e) const
        {
            if (!e.messageId.isEmpty()) {
                w.key("messageId");
                w.string(e.messageId);
            }
            if (!e.stopReason.isEmpty()) {
                w.key("stopReason");
                w.string(e.stopReason);
            }
            if (e.inputTokens >= 0) {
                w.key("inputTokens");
                w.number(static_cast<quint64>(e.inputTokens));
            }
            if (e.outputTokens >= 0) {
                w.key("outputTokens");
                w.number(static_cast<quint64>(e.outputTokens));
            }
        }
    };
    std::visit(Visitor {w}, event.payload);
    w.endObject();
}

// The QJsonValue-like view of one member that FastJson parsed.
class FastJson;
class FastObject;

class FastValue final
{
public:
    FastValue() = default;
    FastValue(const FastJson *document, int index)
        : m_document(document)
        , m_index(index)
    { }

    QJsonValue::Type type() const;
    bool isUndefined() const { return type() == QJsonValue::Undefined; }
    bool isString() const { return type() == QJsonValue::String; }
    bool isDouble() const { return type() == QJsonValue::Double; }
    bool isObject() const { return type() == QJsonValue::Object; }
    QString toString() const;
    qint64 toInteger(qint64 defaultValue) const;
    double toDouble() const { return double(toInteger(0)); }
    FastObject toObject() const;
    bool equalsAscii(std::string_view text) const;

private:
    const FastJson *m_document = nullptr;
    int m_index = -1;
};

class FastObject final
{
public:
    FastObject() = default;
    FastObject(const FastJson *document, int id)
        : m_document(document)
        , m_id(id)
    { }
    FastValue value(QLatin1String key) const;

private:
    const FastJson *m_document = nullptr;
    int m_id = -1; // -1: the top-level object, else the index of the member holding it
};

// A strict, allocation-free reader for the flat objects the hot events are: strings, integers
// and small nested objects. Anything else (arrays, literals, fractions, negative numbers,
// escaped keys, duplicates, ill-formed UTF-8, more than kMaxMembers members) makes parse()
// return false and the caller falls back to QJsonDocument, which then decides and explains.
class FastJson final
{
public:
    struct Member
    {
        QByteArrayView key;
        QByteArrayView text; // string contents between the quotes, escapes still in place
        qint64 integer = 0;
        int parent = -1;
        QJsonValue::Type type = QJsonValue::Undefined;
        bool escaped = false;
    };

    bool parse(QByteArrayView json)
    {
        m_p = json.data();
        m_end = m_p + json.size();
        m_count = 0;
        if (!parseObject(-1, 0))
            return false;
        skipSpace();
        return m_p == m_end;
    }

    FastObject root() const { return FastObject(this, -1); }
    const Member &member(int index) const { return m_members[std::size_t(index)]; }
    int find(int parent, QLatin1String key) const
    {
        for (int i = 0; i < m_count; ++i) {
            const Member &m = m_members[std::size_t(i)];
            if (m.parent == parent && m.key.size() == key.size() && !key.isEmpty()
                && m.key.front() == key.front()
                && std::memcmp(m.key.data(), key.data(), size_t(key.size())) == 0)
                return i;
        }
        return -1;
    }

private:
    static constexpr int kMaxMembers = 32;
    static constexpr int kMaxDepth = 3;

    void skipSpace()
    {
        while (m_p != m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }
    bool expect(char c)
    {
        skipSpace();
        if (m_p == m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }
    // Skips string bytes that need no attention (not '"', '\\' or a control character), 16 at a
    // time; clears *ascii when a skipped byte is not ASCII.
    static const char *skipPlain(const char *p, const char *end, bool *ascii)
    {
#if defined(__SSE2__)
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i control = _mm_set1_epi8(0x1F);
        while (end - p >= 16) {
            const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
            const __m128i special = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)),
                _mm_cmpeq_epi8(_mm_min_epu8(chunk, control), chunk));
            const int mask = _mm_movemask_epi8(special);
            const int high = _mm_movemask_epi8(chunk);
            if (mask != 0) {
                const int stop = __builtin_ctz(static_cast<unsigned>(mask));
                if ((high & ((1 << stop) - 1)) != 0)
                    *ascii = false;
                return p + stop;
            }
            if (high != 0)
                *ascii = false;
            p += 16;
        }
#endif
        for (; p != end; ++p) {
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"' || c == '\\' || c < 0x20)
                return p;
            if (c >= 0x80)
                *ascii = false;
        }
        return p;
    }

    // At the opening quote; leaves m_p after the closing one.
    bool parseString(QByteArrayView *text, bool *escaped)
    {
        ++m_p;
        const char *begin = m_p;
        bool hasEscape = false;
        bool ascii = true;
        while (m_p != m_end) {
            m_p = skipPlain(m_p, m_end, &ascii);
            if (m_p == m_end)
                break;
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"')
                break;
            if (c < 0x20)
                return false;
            if (c == '\\') {
                hasEscape = true;
                if (++m_p == m_end)
                    return false;
                switch (*m_p) {
                case '"':
                case '\\':
                case '/':
                case 'b':
                case 'f':
                case 'n':
                case 'r':
                case 't':
                    break;
                case 'u':
                    for (int k = 0; k < 4; ++k) {
                        if (++m_p == m_end || !std::isxdigit(static_cast<unsigned char>(*m_p)))
                            return false;
                    }
                    break;
                default:
                    return false;
                }
            }
            ++m_p;
        }
        if (m_p == m_end)
            return false;
        *text = QByteArrayView(begin, m_p - begin);
        *escaped = hasEscape;
        ++m_p;
        return ascii || Utf8::isValid(*text);
    }
    bool parseObject(int id, int depth)
    {
        if (depth >= kMaxDepth || !expect('{'))
            return false;
        skipSpace();
        if (m_p != m_end && *m_p == '}') {
            ++m_p;
            return true;
        }
        for (;;) {
            skipSpace();
            if (m_p == m_end || *m_p != '"' || m_count == kMaxMembers)
                return false;
            Member &m = m_members[std::size_t(m_count)];
            m = Member {}; // the document is reused: nothing may survive from the last parse
            bool keyEscaped = false;
            if (!parseString(&m.key, &keyEscaped) || keyEscaped)
                return false;
            if (find(id, QLatin1String(m.key.data(), m.key.size())) >= 0)
                return false;
            m.parent = id;
            const int index = m_count++;
            if (!expect(':'))
                return false;
            skipSpace();
            if (m_p == m_end)
                return false;
            if (*m_p == '"') {
                m.type = QJsonValue::String;
                if (!parseString(&m.text, &m.escaped))
                    return false;
            } else if (*m_p >= '0' && *m_p <= '9') {
                m.type = QJsonValue::Double;
                if (!parseInteger(&m.integer))
                    return false;
            } else if (*m_p == '{') {
                m.type = QJsonValue::Object;
                if (!parseObject(index, depth + 1))
                    return false;
            } else {
                return false;
            }
            skipSpace();
            if (m_p == m_end)
                return false;
            if (*m_p == '}') {
                ++m_p;
                return true;
            }
            if (*m_p++ != ',')
                return false;
        }
    }
    bool parseInteger(qint64 *out)
    {
        const char *begin = m_p;
        while (m_p != m_end && *m_p >= '0' && *m_p <= '9')
            ++m_p;
        // At most 18 digits always fit in qint64; longer numbers go to the slow path.
        const qsizetype digits = m_p - begin;
        if (digits > 18 || (digits > 1 && *begin == '0'))
            return false;
        qint64 value = 0;
        for (const char *d = begin; d != m_p; ++d)
            value = value * 10 + (*d - '0');
        if (m_p != m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E'))
            return false;
        *out = value;
        return true;
    }

    std::array<Member, kMaxMembers> m_members;
    int m_count = 0;
    const char *m_p = nullptr;
    const char *m_end = nullptr;
};

QJsonValue::Type FastValue::type() const
{
    return m_index < 0 ? QJsonValue::Undefined : m_document->member(m_index).type;
}

QString FastValue::toString() const
{
    if (!isString())
        return {};
    const FastJson::Member &m = m_document->member(m_index);
    if (!m.escaped) {
        // Identifiers repeat in every event of a stream: hand out one shared QString for them
        // instead of converting (and allocating) again.
        struct Cached
        {
            std::string_view key;
            QByteArray bytes;
            QString text;
        };
        thread_local std::array<Cached, 3> cache
            = {Cached {"sessionId", {}, {}}, Cached {"fileName", {}, {}},
               Cached {"messageId", {}, {}}};
        for (Cached &c : cache) {
            if (m.key != QByteArrayView(c.key.data(), qsizetype(c.key.size())))
                continue;
            if (m.text != c.bytes) {
                c.bytes = m.text.toByteArray();
                c.text = QString::fromUtf8(m.text);
            }
            return c.text;
        }
        return QString::fromUtf8(m.text);
    }
    QString out;
    out.reserve(m.text.size());
    const char *p = m.text.data();
    const char *const end = p + m.text.size();
    while (p != end) {
        const char *run = p;
        while (p != end && *p != '\\')
            ++p;
        if (p != run)
            out += QString::fromUtf8(run, p - run);
        if (p == end)
            break;
        ++p; // the backslash; parse() checked what follows
        switch (*p++) {
        case 'b':
            out += QChar(u'\b');
            break;
        case 'f':
            out += QChar(u'\f');
            break;
        case 'n':
            out += QChar(u'\n');
            break;
        case 'r':
            out += QChar(u'\r');
            break;
        case 't':
            out += QChar(u'\t');
            break;
        case 'u': {
            unsigned unit = 0;
            std::from_chars(p, p + 4, unit, 16);
            p += 4;
            // Surrogates pass through unit by unit: a pair rebuilds itself, as in QJsonDocument.
            out += QChar(char16_t(unit));
            break;
        }
        default:
            out += QLatin1Char(p[-1]);
            break; // " \ /
        }
    }
    return out;
}

qint64 FastValue::toInteger(qint64 defaultValue) const
{
    return isDouble() ? m_document->member(m_index).integer : defaultValue;
}

FastObject FastValue::toObject() const
{
    return isObject() ? FastObject(m_document, m_index) : FastObject();
}

bool FastValue::equalsAscii(std::string_view text) const
{
    if (!isString())
        return false;
    const FastJson::Member &m = m_document->member(m_index);
    if (m.escaped)
        return toString() == QLatin1String(text.data(), qsizetype(text.size()));
    return m.text == QByteArrayView(text.data(), qsizetype(text.size()));
}

FastValue FastObject::value(QLatin1String key) const
{
    if (!m_document)
        return {};
    return FastValue(m_document, m_document->find(m_id, key));
}

bool equalsAscii(const QJsonValue &value, std::string_view text)
{
    return value.toString() == QLatin1String(text.data(), qsizetype(text.size()));
}

bool equalsAscii(const FastValue &value, std::string_view text)
{
    return value.equalsAscii(text);
}

// Reads the members of one event object (a QJsonObject, or a FastObject on the fast path); the
// first failure is kept as a readable message naming the event and the field.
template<typename Object> class FieldReader final
{
public:
    FieldReader(const Object &object, std::string_view eventName)
        : m_object(object)
        , m_eventName(eventName)
    { }

    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }

    // `required` strings must be present; `nonEmpty` ones must also have text.
    bool string(QLatin1String key, QString *out, bool required, bool nonEmpty = false,
                bool *present = nullptr)
    {
        const auto value = m_object.value(key);
        if (present)
            *present = !value.isUndefined();
        if (value.isUndefined()) {
            if (required)
                fail(key, QStringLiteral("is missing"));
            return !required;
        }
        if (!value.isString())
            return fail(key, QStringLiteral("must be a string, got ") % typeName(value));
        *out = value.toString();
        if (nonEmpty && out->isEmpty())
            return fail(key, QStringLiteral("must not be empty"));
        return true;
    }

    bool integer(QLatin1String key, qint64 min, qint64 max, qint64 *out, bool required,
                 bool *present = nullptr)
    {
        return integerIn(m_object, key, min, max, out, required, present);
    }

    bool integerIn(const Object &object, QLatin1String key, qint64 min, qint64 max, qint64 *out,
                   bool required, bool *present = nullptr)
    {
        const auto value = object.value(key);
        if (present)
            *present = !value.isUndefined();
        if (value.isUndefined()) {
            if (required)
                fail(key, QStringLiteral("is missing"));
            return !required;
        }
        // Built only on failure: this runs for every event's "seq".
        const auto range = [min, max]() -> QString {
            return QString::number(min) % QStringLiteral("..") % QString::number(max);
        };
        if (!value.isDouble())
            return fail(key,
                        QStringLiteral("must be an integer in ") % range()
                            % QStringLiteral(", got ") % typeName(value));
        constexpr qint64 notIntegral = std::numeric_limits<qint64>::min();
        const qint64 number = value.toInteger(notIntegral);
        if (number == notIntegral || number < min || number > max) {
            return fail(key,
                        QStringLiteral("must be an integer in ") % range()
                            % QStringLiteral(", got ")
                            % QString::number(value.toDouble(), 'g', 17));
        }
        *out = number;
        return true;
    }

    template<typename Enum, std::size_t N>
    bool enumeration(QLatin1String key, const std::array<std::string_view, N> &names, Enum *out)
    {
        const auto value = m_object.value(key);
        if (value.isUndefined())
            return fail(key, QStringLiteral("is missing"));
        if (!value.isString())
            return fail(key, QStringLiteral("must be a string, got ") % typeName(value));
        for (std::size_t i = 0; i < N; ++i) {
            if (equalsAscii(value, names[i])) {
                *out = static_cast<Enum>(i);
                return true;
            }
        }
        QString allowed;
        for (std::size_t i = 0; i < N; ++i) {
            if (i)
                allowed += QStringLiteral(", ");
            allowed += QLatin1String(names[i].data(), qsizetype(names[i].size()));
        }
        return fail(key,
                    QStringLiteral("must be one of ") % allowed % QStringLiteral(", got \"")
                        % value.toString() % QLatin1Char('"'));
    }

    template<typename Nested>
    bool object(QLatin1String key, Nested *out, bool required, bool *present = nullptr)
    {
        const auto value = m_object.value(key);
        if (present)
            *present = !value.isUndefined();
        if (value.isUndefined()) {
            if (required)
                fail(key, QStringLiteral("is missing"));
            return !required;
        }
        if (!value.isObject())
            return fail(key, QStringLiteral("must be an object, got ") % typeName(value));
        *out = value.toObject();
        return true;
    }

    bool fail(QLatin1String key, const QString &what)
    {
        if (m_error.isEmpty()) {
            m_error = QLatin1String(m_eventName.data(), qsizetype(m_eventName.size()))
                % QStringLiteral(" event: field \"") % key % QStringLiteral("\" ") % what;
        }
        return false;
    }

    template<typename Value> static QString typeName(const Value &value)
    {
        switch (value.type()) {
        case QJsonValue::Null:
            return QStringLiteral("null");
        case QJsonValue::Bool:
            return QStringLiteral("a boolean");
        case QJsonValue::Double:
            return QStringLiteral("a number");
        case QJsonValue::String:
            return QStringLiteral("a string");
        case QJsonValue::Array:
            return QStringLiteral("an array");
        case QJsonValue::Object:
            return QStringLiteral("an object");
        case QJsonValue::Undefined:
            break;
        }
        return QStringLiteral("nothing");
    }

private:
    const Object &m_object;
    std::string_view m_eventName;
    QString m_error;
};

constexpr qint64 kMaxCoordinate = std::numeric_limits<int>::max();
constexpr qint64 kMaxSequenceValue = qint64(EventCodec::kMaxSequence);

template<typename Object>
bool readPayload(FieldReader<Object> &r, std::size_t kind, EventPayload *out)
{
    switch (kind) {
    case 0: {
        ConnectedEvent e;
        r.string(QLatin1String("clientId"), &e.clientId, true);
        r.string(QLatin1String("epoch"), &e.epoch, false);
        qint64 last = 0;
        qint64 resumeAfter = 0;
        r.integer(QLatin1String("lastSequence"), 0, kMaxSequenceValue, &last, false);
        r.integer(QLatin1String("resumeAfter"), 0, kMaxSequenceValue, &resumeAfter, false);
        e.lastSequence = quint64(last);
        e.resumeAfter = quint64(resumeAfter);
        *out = std::move(e);
        break;
    }
    case 1: {
        CodeEvent e;
        r.string(QLatin1String("fileName"), &e.fileName, true, true);
        r.enumeration(QLatin1String("type"), kCodeTypes, &e.type);
        r.string(QLatin1String("delta"), &e.delta, r.ok() && e.type == CodeEvent::Type::Delta);
        r.integer(QLatin1String("offset"), 0, kMaxSequenceValue, &e.offset, false);
        Object position;
        if (r.object(QLatin1String("position"), &position, false, &e.hasPosition)
            && e.hasPosition) {
            qint64 line = 0;
            qint64 column = 0;
            r.integerIn(position, QLatin1String("line"), 0, kMaxCoordinate, &line, true);
            r.integerIn(position, QLatin1String("column"), 0, kMaxCoordinate, &column, true);
            e.position = TextPosition {int(line), int(column)};
        }
        r.string(QLatin1String("fullContent"), &e.fullContent, false, false, &e.hasFullContent);
        r.string(QLatin1String("error"), &e.error, false);
        r.string(QLatin1String("language"), &e.language, false);
        *out = std::move(e);
        break;
    }
    case 2: {
        StepEvent e;
        r.enumeration(QLatin1String("step"), kStepNames, &e.step);
        r.enumeration(QLatin1String("status"), kStepStatuses, &e.status);
        r.string(QLatin1String("detail"), &e.detail, false);
        r.string(QLatin1String("source"), &e.source, false);
        *out = std::move(e);
        break;
    }
    case 3: {
        ProgressEvent e;
        qint64 percent = 0;
        r.integer(QLatin1String("percent"), 0, 100, &percent, true);
        e.percent = int(percent);
        r.string(QLatin1String("detail"), &e.detail, false);
        *out = std::move(e);
        break;
    }
    case 4: {
        ChatEvent e;
        r.string(QLatin1String("messageId"), &e.messageId, true, true);
        r.enumeration(QLatin1String("role"), kChatRoles, &e.role);
        r.enumeration(QLatin1String("type"), kChatTypes, &e.type);
        r.string(QLatin1String("delta"), &e.delta, r.ok() && e.type == ChatEvent::Type::Delta);
        r.integer(QLatin1String("offset"), 0, kMaxSequenceValue, &e.offset, false);
        *out = std::move(e);
        break;
    }
    case 5: {
        SessionEvent e;
        r.enumeration(QLatin1String("type"), kSessionTypes, &e.type);
        r.string(QLatin1String("error"), &e.error, false);
        *out = std::move(e);
        break;
    }
    case 6: {
        // Snapshots hold arrays: only the QJsonDocument path reads them.
        if constexpr (std::is_same_v<Object, QJsonObject>) {
            SnapshotEvent e;
            r.object(QLatin1String("state"), &e.state, true);
            *out = std::move(e);
            break;
        } else {
            return false;
        }
    }
    case 7: {
        ShutdownEvent e;
        r.string(QLatin1String("reason"), &e.reason, false);
        *out = std::move(e);
        break;
    }
    case 8: {
        UsageEvent e;
        r.string(QLatin1String("messageId"), &e.messageId, false);
        r.string(QLatin1String("stopReason"), &e.stopReason, false);
        r.integer(QLatin1String("inputTokens"), 0, kMaxSequenceValue, &e.inputTokens, false);
        r.integer(QLatin1String("outputTokens"), 0, kMaxSequenceValue, &e.outputTokens, false);
        *out = std::move(e);
        break;
    }
    default:
        Q_UNREACHABLE();
    }
    return r.ok();
}

constexpr std::size_t kUnknownKind = std::variant_size_v<EventPayload>;

std::size_t kindOf(QByteArrayView name)
{
    for (std::size_t i = 0; i < kEventNames.size(); ++i) {
        if (name == QByteArrayView(kEventNames[i].data(), qsizetype(kEventNames[i].size())))
            return i;
    }
    return kUnknownKind;
}

std::size_t kindOf(QStringView name)
{
    for (std::size_t i = 0; i < kEventNames.size(); ++i) {
        if (name == QLatin1String(kEventNames[i].data(), qsizetype(kEventNames[i].size())))
            return i;
    }
    return kUnknownKind;
}

QLatin1String nameOf(std::size_t kind)
{
    return QLatin1String(kEventNames[kind].data(), qsizetype(kEventNames[kind].size()));
}

bool isGenericName(QByteArrayView name)
{
    return name.isEmpty() || name == QByteArrayView("message");
}

DecodeResult failure(const QString &message)
{
    return DecodeResult {std::nullopt, message};
}

DecodeResult logged(DecodeResult result)
{
    if (!result.ok())
        qCDebug(lcProtocol, "rejected event: %s", qUtf8Printable(result.error));
    return result;
}

QString quoted(QStringView text)
{
    // Keep error messages one readable line even for hostile names.
    constexpr qsizetype kMax = 64;
    QString shown = text.left(kMax).toString();
    if (text.size() > kMax)
        shown += QStringLiteral("...");
    return QLatin1Char('"') % shown % QLatin1Char('"');
}

// `sseKind` is the event named by the transport, or kUnknownKind when the transport's name was
// generic and the JSON "event" member decides. `fallbackSequence` applies without "seq".
template<typename Object>
DecodeResult decodeParsed(std::size_t sseKind, const Object &object, quint64 fallbackSequence)
{
    const auto inner = object.value(QLatin1String("event"));
    if (!inner.isUndefined() && !inner.isString()) {
        return failure(QStringLiteral("event: field \"event\" must be a string, got ")
                       % FieldReader<Object>::typeName(inner));
    }
    std::size_t kind = sseKind;
    if (sseKind == kUnknownKind) {
        if (inner.isUndefined())
            return failure(QStringLiteral("event without a name: neither an SSE event field nor a "
                                          "JSON \"event\" member"));
        const QString innerName = inner.toString();
        kind = kindOf(QStringView(innerName));
        if (kind == kUnknownKind)
            return failure(QStringLiteral("unknown event ") % quoted(innerName));
    } else if (!inner.isUndefined() && !equalsAscii(inner, kEventNames[kind])) {
        return failure(quoted(QString(nameOf(kind)))
                       % QStringLiteral(" event: field \"event\" says ")
                       % quoted(inner.toString()));
    }

    FieldReader<Object> reader(object, kEventNames[kind]);
    Event event;
    event.sequence = fallbackSequence;
    bool hasSeq = false;
    qint64 seq = 0;
    if (reader.integer(QLatin1String("seq"), 0, qint64(EventCodec::kMaxSequence), &seq, false,
                       &hasSeq)
        && hasSeq) {
        event.sequence = quint64(seq);
    }
    qint64 from = 0;
    bool hasFrom = false;
    if (reader.integer(QLatin1String("from"), 1, kMaxSequenceValue, &from, false, &hasFrom)
        && hasFrom) {
        if (quint64(from) > event.sequence)
            reader.fail(QLatin1String("from"), QStringLiteral("must not be above \"seq\""));
        else if (quint64(from) < event.sequence)
            event.firstSequence = quint64(from);
    }
    // Optional: seed 000's `connected` has none, and POST bodies take it from the URL.
    reader.string(QLatin1String("sessionId"), &event.sessionId, false);
    if (!reader.ok())
        return failure(reader.error());
    if (!readPayload(reader, kind, &event.payload))
        return failure(reader.error());
    return DecodeResult {std::move(event), {}};
}

quint64 sequenceFromSseId(QByteArrayView id)
{
    quint64 value = 0;
    const char *end = id.data() + id.size();
    const auto [ptr, ec] = std::from_chars(id.data(), end, value);
    if (id.isEmpty() || ec != std::errc() || ptr != end || value > EventCodec::kMaxSequence)
        return 0;
    return value;
}

} // namespace

QByteArray EventCodec::encodeJson(const Event &event)
{
    QByteArray out;
    out.reserve(160);
    JsonWriter writer(out);
    writeEvent(writer, event);
    return out;
}

QByteArray EventCodec::encodeSse(const Event &event)
{
    QByteArray out;
    out.reserve(192);
    JsonWriter writer(out);
    // Unsequenced events (sequence 0) carry no id, so they never move a client's Last-Event-ID.
    if (event.sequence != 0) {
        writer.raw("id: ");
        writer.number(event.sequence);
        writer.raw("\n");
    }
    writer.raw("event: ");
    writer.raw(kEventNames[event.payload.index()]);
    writer.raw("\ndata: ");
    writeEvent(writer, event);
    writer.raw("\n\n");
    return out;
}

DecodeResult EventCodec::decode(QByteArrayView name, QByteArrayView json, QByteArrayView sseId)
{
    const bool generic = isGenericName(name);
    const std::size_t kind = generic ? kUnknownKind : kindOf(name);
    if (!generic && kind == kUnknownKind)
        return logged(failure(QStringLiteral("unknown event ") % quoted(QString::fromUtf8(name))));
    const quint64 fallbackSequence = sequenceFromSseId(sseId);

    // Fast path for the flat events that make up nearly all traffic. Whatever it does not
    // accept, including every error, goes through QJsonDocument below, so the results and the
    // messages are the same either way.
    if (kind != 6) {
        // Reused: its member table is too large to initialise for every event.
        thread_local FastJson fast;
        if (fast.parse(json)) {
            DecodeResult result = decodeParsed(kind, fast.root(), fallbackSequence);
            if (result.ok())
                return result;
        }
    }

    const QString label
        = generic ? QStringLiteral("event") : nameOf(kind) % QStringLiteral(" event");
    QJsonParseError parseError;
    // fromRawData: the parser reads the caller's bytes without a copy.
    const QJsonDocument document
        = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), json.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return logged(failure(label % QStringLiteral(": malformed JSON at offset ")
                              % QString::number(parseError.offset) % QStringLiteral(": ")
                              % parseError.errorString()));
    }
    if (!document.isObject())
        return logged(failure(label % QStringLiteral(": data is not a JSON object")));
    return logged(decodeParsed(kind, document.object(), fallbackSequence));
}

DecodeResult EventCodec::decodeObject(const QString &name, const QJsonObject &object)
{
    const bool generic = name.isEmpty() || name == QLatin1String("message");
    const std::size_t kind = generic ? kUnknownKind : kindOf(QStringView(name));
    if (!generic && kind == kUnknownKind)
        return logged(failure(QStringLiteral("unknown event ") % quoted(name)));
    return logged(decodeParsed(kind, object, 0));
}

} // namespace inkstream::core
