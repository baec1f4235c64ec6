#include "core/server/lingeringclose.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace inkstream::core {

void LingeringClose::arm(QTcpSocket *socket, std::chrono::milliseconds linger, QObject *owner)
{
#ifdef Q_OS_UNIX
    QObject::connect(socket, &QIODevice::aboutToClose, owner,
                     [socket = QPointer<QTcpSocket>(socket), linger, owner = QPointer(owner)] {
                         if (!socket || !owner || socket->socketDescriptor() < 0
                             || socket->bytesToWrite() > 0)
                             return; // Qt still flushes: it closes once that is done
                         const int duplicate = ::dup(int(socket->socketDescriptor()));
                         if (duplicate < 0)
                             return;
                         ::shutdown(duplicate, SHUT_WR);
                         new LingeringClose(duplicate, linger, owner);
                     });
#else
    Q_UNUSED(socket);
    Q_UNUSED(linger);
    Q_UNUSED(owner);
#endif
}

LingeringClose::LingeringClose(qintptr descriptor, std::chrono::milliseconds linger, QObject *owner)
    : QObject(owner)
    , m_socket(new QTcpSocket(this))
{
    if (!m_socket->setSocketDescriptor(descriptor, QAbstractSocket::ConnectedState,
                                       QIODevice::ReadOnly)) {
#ifdef Q_OS_UNIX
        ::close(int(descriptor));
#endif
        deleteLater();
        return;
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &LingeringClose::drain);
    connect(m_socket, &QTcpSocket::disconnected, this, &LingeringClose::finish);
    QTimer::singleShot(linger, this, &LingeringClose::finish);
    drain();
}

void LingeringClose::drain()
{
    m_socket->skip(m_socket->bytesAvailable());
}

void LingeringClose::finish()
{
    m_socket->abort();
    deleteLater();
}

} // namespace inkstream::core
