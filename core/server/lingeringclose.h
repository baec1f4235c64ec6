#pragma once

#include <QObject>
#include <chrono>

class QTcpSocket;

namespace inkstream::core {

// Keeps a connection's last words from being destroyed by a reset. A socket closed while its
// peer is still sending (a WebSocket refused with 1009 in the middle of a huge message) makes
// the kernel answer with a reset, which can discard the close frame before the peer reads it.
// Armed on a socket, this takes over when the socket closes: it half-closes the connection
// (the peer sees the end after everything written) and reads and drops what still arrives,
// for at most `linger`, on a duplicate of the descriptor.
class LingeringClose final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LingeringClose)

public:
    static void arm(QTcpSocket *socket, std::chrono::milliseconds linger, QObject *owner);

private:
    LingeringClose(qintptr descriptor, std::chrono::milliseconds linger, QObject *owner);
    void drain();
    void finish();

    QTcpSocket *m_socket;
};

} // namespace inkstream::core
