#include "core/server/upstreamconnections.h"

#include <QSslSocket>
#include <QTimer>
#include <QUrl>

namespace inkstream::core {

namespace {

constexpr char kIdleTimerName[] = "inkstream-idle-timer";

} // namespace

UpstreamConnections::UpstreamConnections(QObject *parent)
    : QObject(parent)
{ }

UpstreamConnections::~UpstreamConnections()
{
    for (const QList<QTcpSocket *> &sockets : std::as_const(m_idle))
        qDeleteAll(sockets);
}

QString UpstreamConnections::originOf(const QUrl &url)
{
    const bool secure = url.scheme() == u"https";
    return QStringLiteral("%1://%2:%3")
        .arg(url.scheme(), url.host(), QString::number(url.port(secure ? 443 : 80)));
}

QTcpSocket *UpstreamConnections::take(const QUrl &url, bool *reused)
{
    QList<QTcpSocket *> &idle = m_idle[originOf(url)];
    while (!idle.isEmpty()) {
        // The most recently used first: the least likely to have been closed by its server.
        QTcpSocket *socket = idle.takeLast();
        socket->disconnect(this);
        delete socket->findChild<QTimer *>(QLatin1String(kIdleTimerName),
                                           Qt::FindDirectChildrenOnly);
        socket->setParent(nullptr);
        if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesAvailable() == 0) {
            *reused = true;
            return socket;
        }
        delete socket;
    }
    *reused = false;
    const bool secure = url.scheme() == u"https";
    const quint16 port = quint16(url.port(secure ? 443 : 80));
    QTcpSocket *socket = nullptr;
    if (secure) {
        auto *tls = new QSslSocket;
        tls->connectToHostEncrypted(url.host(), port);
        socket = tls;
    } else {
        socket = new QTcpSocket;
        socket->connectToHost(url.host(), port);
    }
    return socket;
}

void UpstreamConnections::giveBack(const QUrl &url, QTcpSocket *socket)
{
    QList<QTcpSocket *> &idle = m_idle[originOf(url)];
    if (socket->state() != QAbstractSocket::ConnectedState || socket->bytesAvailable() > 0
        || idle.size() >= kMaxIdlePerOrigin) {
        socket->deleteLater();
        return;
    }
    socket->setParent(this);
    idle.append(socket);
    // An idle connection has nothing to hear: its server closing it, or anything it says, ends it.
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket); });
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { drop(socket); });
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket] { drop(socket); });
    auto *timer = new QTimer(socket);
    timer->setObjectName(QLatin1String(kIdleTimerName));
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, socket] { drop(socket); });
    timer->start(m_idleTime);
}

void UpstreamConnections::drop(QTcpSocket *socket)
{
    for (QList<QTcpSocket *> &idle : m_idle) {
        if (idle.removeOne(socket)) {
            socket->disconnect(this);
            socket->abort();
            socket->deleteLater();
            return;
        }
    }
}

int UpstreamConnections::idleCount() const
{
    int count = 0;
    for (const QList<QTcpSocket *> &idle : m_idle)
        count += int(idle.size());
    return count;
}

} // namespace inkstream::core
