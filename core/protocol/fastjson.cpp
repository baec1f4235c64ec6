#include "core/protocol/fastjson.h"

#include <charconv>

namespace inkstream::core {

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

} // namespace inkstream::core
