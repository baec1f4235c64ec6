#pragma once

#include "core/server/httprequest.h"

#include <QByteArrayView>
#include <QString>

namespace inkstream::core {

struct HttpHeadLimits
{
    qsizetype maxHeadBytes = 16 * 1024; // request line and headers, as nginx and Node
    int maxHeaders = 100;
};

// Reads the head of an HTTP/1.x request (request line and header fields, RFC 9112) from the
// bytes a connection has received so far, strictly: what a proxy in front could read
// differently (conflicting lengths, Content-Length with Transfer-Encoding, obsolete line
// folding, bare CR) is refused, so no request can be smuggled past it. The body is not read
// here: the caller decides on the head first, then reads the body the head framed.
class HttpRequestParser final
{
public:
    enum class Status { Incomplete, Complete, Invalid };
    struct Result
    {
        Status status = Status::Incomplete;
        qsizetype headBytes = 0; // Complete: where the body (or the next request) starts
        int httpStatus = 0; // Invalid: 400, 414, 431, 501 or 505
        QString reason; // Invalid: for the error response and the log
    };

    // Parses `data`, the bytes received since the request started. Incomplete asks for more;
    // Invalid says which status to answer before closing the connection.
    static Result parseHead(QByteArrayView data, HttpRequest *request,
                            const HttpHeadLimits &limits = HttpHeadLimits());

private:
    static Result invalid(int httpStatus, const QString &reason);
    static bool parseRequestLine(QByteArrayView line, HttpRequest *request, Result *error);
    static bool parseHeaderLine(QByteArrayView line, HttpRequest *request, Result *error);
    static bool decideFraming(HttpRequest *request, Result *error);
    static bool checkWebSocketHandshake(HttpRequest *request, Result *error);
};

} // namespace inkstream::core
