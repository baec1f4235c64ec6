#include "core/protocol/jsonwriter.h"

#include <QChar>

namespace inkstream::core {

void JsonWriter::string(QStringView text)
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

char *JsonWriter::hexEscape(char *p, char16_t c, bool afterBackslash)
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

} // namespace inkstream::core
