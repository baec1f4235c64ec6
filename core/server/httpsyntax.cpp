#include "core/server/httpsyntax.h"

#include <algorithm>

namespace inkstream::core::httpsyntax {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

} // namespace

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool isFieldValue(QByteArrayView value)
{
    return std::none_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

QByteArrayView trimmedWhitespace(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

bool parseContentLength(const QList<QByteArray> &values, qint64 *length, QString *reason)
{
    bool seen = false;
    for (const QByteArray &value : values) {
        for (const QByteArray &item : value.split(',')) {
            const QByteArray digits = item.trimmed();
            const bool allDigits = !digits.isEmpty() && digits.size() <= 18
                && std::all_of(digits.begin(), digits.end(),
                               [](char c) { return c >= '0' && c <= '9'; });
            if (!allDigits) {
                *reason = QStringLiteral("Content-Length \"%1\" is not a number of bytes")
                              .arg(QString::fromLatin1(digits.left(40)));
                return false;
            }
            const qint64 number = digits.toLongLong();
            if (seen && number != *length) {
                *reason = QStringLiteral("conflicting Content-Length values %1 and %2")
                              .arg(*length)
                              .arg(number);
                return false;
            }
            *length = number;
            seen = true;
        }
    }
    return true;
}

QList<QByteArray> listItems(const QList<QByteArray> &values)
{
    QList<QByteArray> codings;
    for (const QByteArray &value : values) {
        for (const QByteArray &coding : value.split(','))
            codings.append(coding.trimmed().toLower());
    }
    return codings;
}

} // namespace inkstream::core::httpsyntax
