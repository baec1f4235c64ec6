#include "core/server/replywriter.h"

#include "core/server/httpconnection.h"
#include "core/server/serverlog.h"
#include "core/server/servermetrics.h"
#include "core/server/session.h"

#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>

namespace inkstream::core {

ReplyWriter::ReplyWriter(const HttpRequest &request, QTcpSocket *socket, const CorsPolicy *cors,
                         ServerMetrics *metrics)
    : m_request(&request)
    , m_socket(socket)
    , m_cors(cors)
    , m_metrics(metrics)
{ }

CorsPolicy::Headers ReplyWriter::corsHeaders() const
{
    const QByteArray origin = m_request->value(QByteArrayLiteral("origin"));
    return m_request->method() == HttpRequest::Method::Options ? m_cors->preflightHeaders(origin)
                                                               : m_cors->responseHeaders(origin);
}

ReplyWriter::Response ReplyWriter::response(Status status, const QByteArray &contentType,
                                            const QByteArray &body,
                                            const Headers &extraHeaders) const
{
    // RFC 9112 §9.6: a client's "close" (or HTTP/1.0 without keep-alive) obliges the server to
    // close after this response. A response that says close itself (429, 413) closes the same
    // way.
    Response result;
    result.closeAfter = !m_request->keepsAlive();
    Headers headers {{QByteArrayLiteral("Content-Type"), contentType},
                     {QByteArrayLiteral("Content-Length"), QByteArray::number(body.size())},
                     {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")}};
    bool saidConnection = false;
    for (const auto &[name, value] : extraHeaders) {
        headers.append({name, value});
        if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
            saidConnection = true;
            result.closeAfter
                = result.closeAfter || value.compare("close", Qt::CaseInsensitive) == 0;
        }
    }
    if (result.closeAfter && !saidConnection)
        headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    headers.append(corsHeaders());
    result.bytes = HttpResponse::head(int(status), headers) + body;
    result.route = ServerMetrics::routeOf(m_request->url().path());
    result.status = int(status);
    return result;
}

ReplyWriter::Response ReplyWriter::jsonResponse(Status status, const QJsonObject &body,
                                                const Headers &extraHeaders) const
{
    QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
    json.append('\n');
    return response(status, QByteArrayLiteral("application/json"), json, extraHeaders);
}

void ReplyWriter::send(QTcpSocket *socket, const Response &response, ServerMetrics *metrics)
{
    metrics->countResponse(response.route, response.status);
    qCDebug(lcServer, "-> %d%s", response.status, response.closeAfter ? " (closing)" : "");
    if (socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (HttpConnection *connection = HttpConnection::of(socket)) {
        // In request order; then the next request, or a graceful close.
        connection->sendAnswer(response.bytes, response.closeAfter);
        return;
    }
    socket->write(response.bytes);
    if (response.closeAfter)
        socket->disconnectFromHost();
}

void ReplyWriter::respond(Status status, const QByteArray &contentType, const QByteArray &body,
                          const Headers &extraHeaders) const
{
    send(m_socket, response(status, contentType, body, extraHeaders), m_metrics);
}

void ReplyWriter::respondJson(Status status, const QJsonObject &body,
                              const Headers &extraHeaders) const
{
    send(m_socket, jsonResponse(status, body, extraHeaders), m_metrics);
}

void ReplyWriter::respondError(Status status, const QString &error, const QString &detail,
                               const Headers &extraHeaders) const
{
    qCInfo(lcServer, "%s %s -> %d %s: %s", m_request->methodName().constData(),
           qPrintable(m_request->url().path()), int(status), qPrintable(error), qPrintable(detail));
    respondJson(status, {{QStringLiteral("error"), error}, {QStringLiteral("detail"), detail}},
                extraHeaders);
}

void ReplyWriter::acknowledge(Session *session, Status status, const QJsonObject &body) const
{
    // `publish` exiting 0 means the file is in the log: the answer waits for the fsync that
    // covers it (SessionLog::whenDurable; at once for --fsync never and memory-only logs).
    // The writer is gone by then: the answer keeps what it needs. Meanwhile the connection
    // handles more of the same requests, so one sync acknowledges a pipelined burst.
    Response answer = jsonResponse(status, body, {});
    HttpConnection *connection = HttpConnection::of(m_socket);
    if (!connection) {
        session->whenDurable(m_socket,
                             [metrics = m_metrics, socket = QPointer<QTcpSocket>(m_socket),
                              answer = std::move(answer)] {
                                 if (socket)
                                     send(socket, answer, metrics);
                             });
        return;
    }
    const quint64 ticket = connection->deferAnswer();
    session->whenDurable(connection,
                         [metrics = m_metrics, connection, ticket, answer = std::move(answer)] {
                             metrics->countResponse(answer.route, answer.status);
                             connection->answerReady(ticket, answer.bytes, answer.closeAfter);
                         });
}

QByteArray ReplyWriter::streamHead(const Headers &headers) const
{
    Headers all = headers;
    all.append(corsHeaders());
    m_metrics->countResponse(ServerMetrics::routeOf(m_request->url().path()), int(Status::Ok));
    return HttpResponse::head(int(Status::Ok), all);
}

qint64 ReplyWriter::startStream(const Headers &headers) const
{
    const QByteArray head = streamHead(headers);
    m_socket->write(head);
    if (HttpConnection *connection = HttpConnection::of(m_socket))
        connection->streamStarted();
    return head.size();
}

} // namespace inkstream::core
