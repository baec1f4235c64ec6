#pragma once

#include "core/server/httplimits.h"

#include <QTcpServer>

class QTcpSocket;

namespace inkstream::core {

class HttpRequestHandler;

// The publisher's listening socket: every accepted connection becomes an HttpConnection under
// the same limits (a WebSocket handshake is the handler's to answer), and running out of file
// descriptors pauses accepting for a moment instead of spinning on a listening socket that
// stays readable.
class HttpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)

public:
    explicit HttpServer(HttpRequestHandler *handler, QObject *parent = nullptr);

    // Applies to connections accepted from then on.
    void setLimits(const HttpLimits &limits) { m_limits = limits; }
    const HttpLimits &limits() const { return m_limits; }

Q_SIGNALS:
    void connectionTimedOut();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void onAcceptError(QAbstractSocket::SocketError error);

    HttpRequestHandler *m_handler;
    HttpLimits m_limits;
};

} // namespace inkstream::core
