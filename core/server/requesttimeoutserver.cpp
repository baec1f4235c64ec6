#include "core/server/requesttimeoutserver.h"

#include "core/server/serverlog.h"

#include <QTcpSocket>
#include <QTimer>

namespace inkstream::core {

namespace {
const char *const kTimerName = "inkstream-request-timeout";
} // namespace

RequestTimeoutServer::RequestTimeoutServer(QObject *parent)
    : QTcpServer(parent)
{ }

void RequestTimeoutServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcServer, "cannot take a new connection: %s", qPrintable(socket->errorString()));
        delete socket;
        return;
    }
    if (m_timeout.count() > 0) {
        auto *timer = new QTimer(socket); // goes with the socket, whoever deletes it
        timer->setObjectName(QLatin1String(kTimerName));
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this, socket] {
            const QHostAddress peer = socket->peerAddress();
            qCInfo(lcServer, "closing a connection from %s port %u: no request within %lld ms",
                   qPrintable(peer.toString()), unsigned(socket->peerPort()),
                   qlonglong(m_timeout.count()));
            Q_EMIT connectionTimedOut(peer);
            socket->abort();
        });
        timer->start(m_timeout);
    }
    addPendingConnection(socket);
}

void RequestTimeoutServer::requestArrived(QTcpSocket *socket)
{
    delete socket->findChild<QTimer *>(QLatin1String(kTimerName), Qt::FindDirectChildrenOnly);
}

} // namespace inkstream::core
