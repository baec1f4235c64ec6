#pragma once

#include "core/client/transport.h"

#include <QAbstractSocket>
#include <QList>
#include <QPointer>
#include <utility>

class QWebSocket;

namespace inkstream::core {

struct SocketIoPacket;

// Follows a Socket.IO v4 server (Engine.IO v4 over WebSocket, seed 003's realtime server):
// opens ws(s)://HOST:PORT/socket.io/?EIO=4&transport=websocket (the given URL's query passed
// along, so `?jobId=...` reaches the server's handshake), answers the server's pings, joins
// the namespace named by the URL's path ("/" when empty) with the bearer token as `auth`
// {"token"}, and hands on every event of that namespace as (name, first argument as JSON).
// The server's pingInterval + pingTimeout becomes the heartbeat: a server that stops pinging
// is presumed gone and the transport reconnects, like a dropped socket. A connect_error from
// the server (bad token, unknown namespace) is final; a namespace disconnect by the server
// ends the stream (Socket.IO clients do not reconnect after it either). Socket.IO carries no
// event ids: de-duplication after a reconnect is the dialect's (model-chunk's sequence).
class SocketIoTransport final : public Transport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SocketIoTransport)

public:
    explicit SocketIoTransport(QObject *parent = nullptr);
    ~SocketIoTransport() override;

    Kind kind() const override { return Kind::SocketIo; }
    // Headers for the WebSocket handshake; a "Authorization: Bearer T" header also becomes the
    // namespace's auth {"token": "T"}. Never logged.
    void setHeaders(const QList<std::pair<QByteArray, QByteArray>> &headers);
    // The Engine.IO endpoint for a Socket.IO server URL, and the namespace it names.
    // ORIGIN/socket.io/?QUERY&EIO=4&transport=TRANSPORT ("websocket": ws/wss, "polling":
    // http/https), the server URL's own query passed along.
    static QUrl engineIoUrl(const QUrl &serverUrl, const QString &transport);
    static QUrl endpointFor(const QUrl &serverUrl);
    static QString namespaceFor(const QUrl &serverUrl);
    // The server's ping interval from its open packet (0 before one arrived).
    std::chrono::milliseconds pingInterval() const { return m_pingInterval; }
    int pongsSent() const { return m_pongsSent; }

protected:
    bool checkUrl(const QUrl &url, QString *error) const override;
    void startConnection() override;
    void abortConnection() override;

private:
    void onTextMessage(const QString &message);
    void onPacket(const SocketIoPacket &packet);
    void onOpenPacket(const QByteArray &handshake);
    void onEventPacket(const SocketIoPacket &packet);
    void onSocketError(QAbstractSocket::SocketError error);
    void onDisconnected();
    void send(const QByteArray &frame);

    QPointer<QWebSocket> m_socket;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
    QString m_namespace;
    bool m_socketOpen = false; // the WebSocket handshake completed
    bool m_joined = false; // the namespace accepted us
    QString m_socketError;
    std::chrono::milliseconds m_pingInterval {0};
    int m_pongsSent = 0;
};

} // namespace inkstream::core
