#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <utility>

namespace inkstream::core {

// The statuses the publisher answers with.
enum class HttpStatus {
    Ok = 200,
    Created = 201,
    Accepted = 202,
    NoContent = 204,
    BadRequest = 400,
    Unauthorized = 401,
    Forbidden = 403,
    NotFound = 404,
    MethodNotAllowed = 405,
    Conflict = 409,
    PayloadTooLarge = 413,
    MisdirectedRequest = 421,
    TooManyRequests = 429,
    InternalServerError = 500,
    InsufficientStorage = 507,
};

// How the publisher writes a response head: "HTTP/1.1 200 OK", the headers and the blank line.
namespace HttpResponse {

using Headers = QList<std::pair<QByteArray, QByteArray>>;

QByteArray reasonPhrase(int status);
QByteArray head(int status, const Headers &headers);
// A small JSON error ({"error", "detail"}) that closes the connection: for refusals made
// before a request reached a route (framing, sizes, timeouts).
QByteArray closingError(int status, const QString &error, const QString &detail,
                        const Headers &extraHeaders = {});

} // namespace HttpResponse

} // namespace inkstream::core
