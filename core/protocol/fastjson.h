#pragma once

#include "core/protocol/utf8.h"

#include <QByteArrayView>
#include <QJsonValue>
#include <QLatin1String>
#include <QString>
#include <array>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace inkstream::core {

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

// Whether `value` is the string `text` (ASCII), for either kind of parsed object.
bool equalsAscii(const QJsonValue &value, std::string_view text);
bool equalsAscii(const FastValue &value, std::string_view text);

} // namespace inkstream::core
