#include "core/server/httprequest.h"

namespace inkstream::core {

namespace {
struct MethodName
{
    HttpRequest::Method method;
    const char *name;
};
constexpr MethodName kMethodNames[] = {
    {HttpRequest::Method::Get, "GET"},       {HttpRequest::Method::Head, "HEAD"},
    {HttpRequest::Method::Post, "POST"},     {HttpRequest::Method::Put, "PUT"},
    {HttpRequest::Method::Delete, "DELETE"}, {HttpRequest::Method::Options, "OPTIONS"},
    {HttpRequest::Method::Patch, "PATCH"},
};
} // namespace

HttpRequest::Method HttpRequest::methodFromName(QByteArrayView name)
{
    for (const MethodName &entry : kMethodNames) {
        if (name == entry.name)
            return entry.method;
    }
    return Method::Other;
}

QByteArray HttpRequest::nameOfMethod(Method method)
{
    for (const MethodName &entry : kMethodNames) {
        if (method == entry.method)
            return QByteArray(entry.name);
    }
    return {};
}

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
