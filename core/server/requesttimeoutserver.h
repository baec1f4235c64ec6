#pragma once

#include <QTcpServer>
#include <chrono>

class QTcpSocket;

namespace inkstream::core {

// The publisher's listening socket. A connection must complete its first request within the
// request timeout or it is closed: a client that opens connections and sends nothing, or sends
// its headers a byte at a time, would otherwise hold them forever (the per-address limits only
// see a connection once it asks for something). Once a request arrived, the connection is the
// publisher's to manage (streams are long; idle subscribers have their own timeout).
class RequestTimeoutServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestTimeoutServer)

public:
    explicit RequestTimeoutServer(QObject *parent = nullptr);

    // 0 (the default) disables; the publisher sets its own. Applies to connections accepted
    // from then on.
    void setRequestTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    std::chrono::milliseconds requestTimeout() const { return m_timeout; }

    // `socket` completed a request: it is no longer timed.
    static void requestArrived(QTcpSocket *socket);

Q_SIGNALS:
    void connectionTimedOut(const QHostAddress &peer);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::chrono::milliseconds m_timeout {0};
};

} // namespace inkstream::core
