#include "core/server/httpresponse.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace inkstream::core::HttpResponse {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 202:
        return QByteArrayLiteral("Accepted");
    case 204:
        return QByteArrayLiteral("No Content");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 414:
        return QByteArrayLiteral("URI Too Long");
    case 417:
        return QByteArrayLiteral("Expectation Failed");
    case 421:
        return QByteArrayLiteral("Misdirected Request");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    case 507:
        return QByteArrayLiteral("Insufficient Storage");
    default:
        return QByteArrayLiteral("Status");
    }
}

QByteArray head(int status, const Headers &headers)
{
    QByteArray bytes = QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(status) + ' '
        + reasonPhrase(status) + QByteArrayLiteral("\r\n");
    for (const auto &[name, value] : headers)
        bytes += name + QByteArrayLiteral(": ") + value + QByteArrayLiteral("\r\n");
    bytes += QByteArrayLiteral("\r\n");
    return bytes;
}

QByteArray closingError(int status, const QString &error, const QString &detail,
                        const Headers &extraHeaders)
{
    QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("error"), error},
                                                 {QStringLiteral("detail"), detail}})
                          .toJson(QJsonDocument::Compact);
    body.append('\n');
    Headers headers {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                     {QByteArrayLiteral("Content-Length"), QByteArray::number(body.size())},
                     {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")},
                     {QByteArrayLiteral("Connection"), QByteArrayLiteral("close")}};
    headers.append(extraHeaders);
    return head(status, headers) + body;
}

} // namespace inkstream::core::HttpResponse
