#pragma once

#include <QHostAddress>
#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <functional>

// A TCP listener on 127.0.0.1, on a free port, that hands every connection to a callback: what
// the raw HTTP server and the fault proxy both start from.
class LoopbackListener
{
public:
    LoopbackListener() = default;
    LoopbackListener(const LoopbackListener &) = delete;
    LoopbackListener &operator=(const LoopbackListener &) = delete;

    bool listen(std::function<void(QTcpSocket *)> accept)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server,
                         [this, accept = std::move(accept)] {
                             while (QTcpSocket *socket = m_server.nextPendingConnection())
                                 accept(socket);
                         });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    // http://127.0.0.1:PORT + path
    QUrl url(const QString &path) const
    {
        QUrl url;
        url.setScheme(QStringLiteral("http"));
        url.setHost(QStringLiteral("127.0.0.1"));
        url.setPort(port());
        url.setPath(path);
        return url;
    }
    // The parent for the connections' sockets: they go with the listener.
    QObject *socketOwner() { return &m_server; }

private:
    QTcpServer m_server;
};
