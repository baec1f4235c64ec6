#include "core/server/httprequest.h"

namespace inkstream::core {

QByteArray HttpRequest::value(QByteArrayView name) const
{
    QByteArray joined;
    bool found = false;
    for (const Header &header : m_headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (found)
            joined += QByteArrayLiteral(", ");
        joined += header.second;
        found = true;
    }
    return joined;
}

bool HttpRequest::hasHeader(QByteArrayView name) const
{
    for (const Header &header : m_headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool HttpRequest::headerHasToken(QByteArrayView name, QByteArrayView token) const
{
    const QList<QByteArray> items = value(name).split(',');
    for (const QByteArray &item : items) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool HttpRequest::keepsAlive() const
{
    if (headerHasToken("connection", "close"))
        return false;
    return m_minorVersion >= 1 || headerHasToken("connection", "keep-alive");
}

} // namespace inkstream::core
