#pragma once

#include "tests/support/loopbacklistener.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <functional>
#include <memory>

// A tiny HTTP/1.1 server for client tests: it reads GET requests on 127.0.0.1 and hands each to
// a handler that answers with raw bytes, so a test controls every byte and every close (SSE
// streams that stay open, drops mid-event, wrong headers). Header-only; no QObject of its own.
class RawHttpServer
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray target; // path and query as sent
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QPointer<QTcpSocket> socket;
        qint64 receivedAtMs = 0; // when its header was complete, since listen()
    };
    // Called once per request with its index (0 for the first).
    using Handler = std::function<void(const Request &request, int index)>;

    RawHttpServer() = default;
    ~RawHttpServer()
    {
        for (const Request &request : std::as_const(m_requests)) {
            if (request.socket)
                request.socket->abort();
        }
    }
    RawHttpServer(const RawHttpServer &) = delete;
    RawHttpServer &operator=(const RawHttpServer &) = delete;

    bool listen()
    {
        m_clock.start();
        return m_server.listen([this](QTcpSocket *socket) { accept(socket); });
    }
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    quint16 port() const { return m_server.port(); }
    QUrl url(const QString &path) const { return m_server.url(path); }
    const QList<Request> &requests() const { return m_requests; }
    int requestCount() const { return int(m_requests.size()); }

    // Status line and headers of an open-ended SSE response (ends when the socket closes).
    static QByteArray streamHead(const QByteArray &contentType = "text/event-stream")
    {
        return "HTTP/1.1 200 OK\r\nContent-Type: " + contentType
            + "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
    }
    // A complete response with a body.
    static QByteArray response(int status, const QByteArray &reason,
                               const QByteArray &contentType = {}, const QByteArray &body = {})
    {
        QByteArray bytes = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
        if (!contentType.isEmpty())
            bytes += "Content-Type: " + contentType + "\r\n";
        bytes += "Content-Length: " + QByteArray::number(body.size())
            + "\r\nConnection: close\r\n\r\n" + body;
        return bytes;
    }
    // Writes and closes once everything is sent.
    static void respondAndClose(QTcpSocket *socket, const QByteArray &bytes)
    {
        if (!socket)
            return;
        socket->write(bytes);
        socket->disconnectFromHost();
    }

    // Writes what `next` returns each time the socket has less than `window` bytes left to
    // send, until it returns nothing, then closes: a stream far larger than memory would hold
    // comfortably, paced by the client's reading (TCP back-pressure).
    static void streamAndClose(QTcpSocket *socket, std::function<QByteArray()> next,
                               qint64 window = 256 * 1024)
    {
        if (!socket)
            return;
        auto pump = std::make_shared<std::function<void()>>();
        *pump = [socket, next = std::move(next), window] {
            while (socket->state() == QAbstractSocket::ConnectedState
                   && socket->bytesToWrite() < window) {
                const QByteArray chunk = next();
                if (chunk.isEmpty()) {
                    QObject::disconnect(socket, &QTcpSocket::bytesWritten, socket, nullptr);
                    socket->disconnectFromHost();
                    return;
                }
                socket->write(chunk);
            }
        };
        QObject::connect(socket, &QTcpSocket::bytesWritten, socket, [pump] { (*pump)(); });
        (*pump)();
    }

private:
    void accept(QTcpSocket *socket)
    {
        socket->setParent(m_server.socketOwner());
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            buffer->append(socket->readAll());
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0 || socket->property("rawHttpServerHandled").toBool())
                return;
            socket->setProperty("rawHttpServerHandled", true);
            Request request;
            request.socket = socket;
            request.receivedAtMs = m_clock.elapsed();
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            request.method = requestLine.value(0);
            request.target = requestLine.value(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines.at(i).indexOf(':');
                if (colon > 0)
                    request.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                           lines.at(i).mid(colon + 1).trimmed());
            }
            m_requests.append(request);
            if (m_handler)
                m_handler(m_requests.constLast(), int(m_requests.size() - 1));
        });
    }

    LoopbackListener m_server;
    QElapsedTimer m_clock;
    QList<Request> m_requests;
    Handler m_handler;
};
