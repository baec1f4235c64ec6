#pragma once

#include "core/server/httplimits.h"

#include <QTcpServer>

class QTcpSocket;
class QWebSocketServer;

namespace inkstream::core {

class HttpRequestHandler;

// The publisher's listening socket: every accepted connection becomes an HttpConnection under
// the same limits, WebSocket handshakes the handler accepts go to a QWebSocketServer (which
// reads them from the socket), and running out of file descriptors pauses accepting for a
// moment instead of spinning on a listening socket that stays readable.
class HttpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)

public:
    explicit HttpServer(HttpRequestHandler *handler, QObject *parent = nullptr);

    // Applies to connections accepted from then on.
    void setLimits(const HttpLimits &limits) { m_limits = limits; }
    const HttpLimits &limits() const { return m_limits; }

    // Where upgraded connections arrive (its newConnection signal).
    QWebSocketServer *webSocketServer() const { return m_webSockets; }
    // Hands `socket`, whose handshake the handler accepted, to the WebSocket server.
    void upgradeToWebSocket(QTcpSocket *socket);

Q_SIGNALS:
    void connectionTimedOut();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void onAcceptError(QAbstractSocket::SocketError error);

    HttpRequestHandler *m_handler;
    HttpLimits m_limits;
    QWebSocketServer *m_webSockets;
};

} // namespace inkstream::core
