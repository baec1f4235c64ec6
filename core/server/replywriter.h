#pragma once

#include "core/server/corspolicy.h"
#include "core/server/httprequest.h"
#include "core/server/httpresponse.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

class QTcpSocket;

namespace inkstream::core {

class ServerMetrics;
class Session;

// Writes the responses to one request on its socket: whole responses (with the close decision
// and the CORS headers the request's origin gets) and stream heads, each counted in the metrics.
class ReplyWriter final
{
public:
    using Status = HttpStatus;
    using Headers = CorsPolicy::Headers;

    // Everything given must outlive the writer (it lives as long as one turn of a request).
    ReplyWriter(const HttpRequest &request, QTcpSocket *socket, const CorsPolicy *cors,
                ServerMetrics *metrics);

    const HttpRequest &request() const { return *m_request; }
    QTcpSocket *socket() const { return m_socket; }

    void respond(Status status, const QByteArray &contentType, const QByteArray &body,
                 const Headers &extraHeaders = {}) const;
    void respondJson(Status status, const QJsonObject &body,
                     const Headers &extraHeaders = {}) const;
    // {"error": error, "detail": detail}, logged.
    void respondError(Status status, const QString &error, const QString &detail,
                      const Headers &extraHeaders = {}) const;
    // Sends `status` with `body` once everything `session` logged so far is durable.
    void acknowledge(Session *session, Status status, const QJsonObject &body) const;
    // The 200 head of a stream (`headers`, then the CORS ones), counted as the answer; whoever
    // takes the connection over writes it.
    QByteArray streamHead(const Headers &headers) const;
    // Writes that head on this connection, whose body the caller writes from now on; returns
    // its size.
    qint64 startStream(const Headers &headers) const;

private:
    // A whole response, ready to be written now or once the session log made it true.
    struct Response
    {
        QByteArray bytes;
        bool closeAfter = false;
        QString route;
        int status = 0;
    };

    Headers corsHeaders() const;
    Response response(Status status, const QByteArray &contentType, const QByteArray &body,
                      const Headers &extraHeaders) const;
    Response jsonResponse(Status status, const QJsonObject &body,
                          const Headers &extraHeaders) const;
    static void send(QTcpSocket *socket, const Response &response, ServerMetrics *metrics);

    const HttpRequest *m_request;
    QTcpSocket *m_socket;
    const CorsPolicy *m_cors;
    ServerMetrics *m_metrics;
};

} // namespace inkstream::core
