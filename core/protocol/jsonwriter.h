#pragma once

#include <QByteArray>
#include <QStringView>
#include <algorithm>
#include <charconv>
#include <string_view>

namespace inkstream::core {

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
    // A JSON string: escapes as JSON needs, UTF-8 otherwise (a lone surrogate as \uXXXX).
    void string(QStringView text);

private:
    static char *hexEscape(char *p, char16_t c, bool afterBackslash);
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

} // namespace inkstream::core
