#include "core/server/httpserver.h"

#include "core/server/httpconnection.h"
#include "core/server/serverlog.h"

#include <QTcpSocket>
#include <QTimer>

namespace inkstream::core {

namespace {
// How long accepting pauses when the process is out of file descriptors.
constexpr std::chrono::milliseconds kAcceptPause {100};
} // namespace

HttpServer::HttpServer(HttpRequestHandler *handler, QObject *parent)
    : QTcpServer(parent)
    , m_handler(handler)
{
    connect(this, &QTcpServer::acceptError, this, &HttpServer::onAcceptError);
}

void HttpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcServer, "cannot take a new connection: %s", qPrintable(socket->errorString()));
        delete socket;
        return;
    }
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    auto *connection = new HttpConnection(socket, m_limits, m_handler);
    connect(connection, &HttpConnection::timedOut, this, &HttpServer::connectionTimedOut);
}

void HttpServer::onAcceptError(QAbstractSocket::SocketError error)
{
    // QTcpServer paused accepting; resuming at once would spin while the process has no file
    // descriptor to give a new connection.
    qCWarning(lcServer, "cannot accept a connection (%s, error %d): pausing for %lld ms",
              qPrintable(errorString()), int(error), qlonglong(kAcceptPause.count()));
    pauseAccepting();
    QTimer::singleShot(kAcceptPause, this, [this] { resumeAccepting(); });
}

} // namespace inkstream::core
