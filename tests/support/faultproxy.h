#pragma once

#include "tests/support/loopbacklistener.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <functional>
#include <memory>

// A TCP proxy for fault-injection tests: listens on 127.0.0.1 and forwards every connection to
// a target port on 127.0.0.1, and cuts a connection once a chosen number of response body
// bytes (after the HTTP header) went downstream. A cut forwards exactly that many bytes, closes
// the client side after them and aborts the server side, so the client sees its stream end at
// that byte; the proxy records whether the cut fell inside a line, an SSE event or a UTF-8
// sequence. Header-only; no QObject of its own.
class FaultProxy
{
public:
    // For connection N (0-based): body bytes to forward before cutting it; < 0 = never cut.
    using CutPolicy = std::function<qint64(int connection)>;

    struct Stats
    {
        int connections = 0;
        int cuts = 0;
        int midLine = 0; // the last forwarded byte is not a line feed
        int midEvent = 0; // not right after the blank line that ends an event
        int midUtf8 = 0; // the forwarded bytes end inside a multi-byte UTF-8 sequence
        qint64 bytesDown = 0; // body bytes forwarded to clients
    };

    explicit FaultProxy(quint16 targetPort)
        : m_targetPort(targetPort)
    { }
    ~FaultProxy()
    {
        for (const std::shared_ptr<Link> &link : std::as_const(m_links)) {
            if (link->client)
                link->client->abort();
            if (link->server)
                link->server->abort();
        }
    }
    FaultProxy(const FaultProxy &) = delete;
    FaultProxy &operator=(const FaultProxy &) = delete;

    bool listen()
    {
        return m_listener.listen([this](QTcpSocket *socket) { accept(socket); });
    }
    void setCutPolicy(CutPolicy policy) { m_policy = std::move(policy); }
    quint16 port() const { return m_listener.port(); }
    // http://127.0.0.1:PORT + path
    QUrl url(const QString &path) const { return m_listener.url(path); }
    const Stats &stats() const { return m_stats; }

private:
    struct Link
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> server;
        QByteArray upstreamPending; // client bytes before the server side connected
        QByteArray header; // response bytes until the end of the HTTP header
        bool headerDone = false;
        qint64 cutAfter = -1; // body bytes; < 0 = never
        qint64 bodyForwarded = 0;
        QByteArray tail; // the last body bytes forwarded, for classifying a cut
        bool cut = false;
    };

    void accept(QTcpSocket *client)
    {
        auto link = std::make_shared<Link>();
        link->client = client;
        client->setParent(m_listener.socketOwner());
        auto *server = new QTcpSocket(m_listener.socketOwner());
        link->server = server;
        link->cutAfter = m_policy ? m_policy(m_stats.connections) : -1;
        ++m_stats.connections;
        m_links.append(link);

        QObject::connect(client, &QTcpSocket::readyRead, client, [link] {
            const QByteArray bytes = link->client->readAll();
            if (link->server && link->server->state() == QAbstractSocket::ConnectedState)
                link->server->write(bytes);
            else
                link->upstreamPending += bytes;
        });
        QObject::connect(server, &QTcpSocket::connected, server,
                         [link] { link->server->write(std::exchange(link->upstreamPending, {})); });
        // Back-pressure: read from the server only as fast as the client takes the bytes, so a
        // cut connection never pulls the whole rest of a replay through the proxy.
        server->setReadBufferSize(kWindow);
        QObject::connect(server, &QTcpSocket::readyRead, server,
                         [this, link] { forwardDown(*link); });
        QObject::connect(client, &QTcpSocket::bytesWritten, client,
                         [this, link] { forwardDown(*link); });
        QObject::connect(client, &QTcpSocket::disconnected, client, [link] {
            if (link->server)
                link->server->abort();
            link->client->deleteLater();
        });
        QObject::connect(server, &QTcpSocket::disconnected, server, [link] {
            if (link->client && !link->cut)
                link->client->disconnectFromHost();
            link->server->deleteLater();
        });
        QObject::connect(server, &QTcpSocket::errorOccurred, server,
                         [link](QAbstractSocket::SocketError) {
                             if (link->client && link->server
                                 && link->server->state() == QAbstractSocket::UnconnectedState)
                                 link->client->disconnectFromHost();
                         });
        server->connectToHost(QHostAddress::LocalHost, m_targetPort);
    }

    void forwardDown(Link &link)
    {
        if (link.cut || !link.client || !link.server || link.client->bytesToWrite() > kWindow)
            return;
        QByteArray bytes = link.server->read(kWindow);
        if (bytes.isEmpty())
            return;
        if (!link.headerDone) {
            link.header += bytes;
            const qsizetype end = link.header.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            link.headerDone = true;
            link.client->write(link.header.left(end + 4));
            bytes = link.header.mid(end + 4);
            link.header.clear();
        }
        if (link.cutAfter >= 0 && link.bodyForwarded + bytes.size() >= link.cutAfter) {
            const QByteArray part = bytes.left(link.cutAfter - link.bodyForwarded);
            link.client->write(part);
            noteForwarded(link, part);
            cutNow(link);
            return;
        }
        link.client->write(bytes);
        noteForwarded(link, bytes);
    }

    void noteForwarded(Link &link, const QByteArray &bytes)
    {
        link.bodyForwarded += bytes.size();
        m_stats.bytesDown += bytes.size();
        const QByteArray tail = link.tail + bytes.right(4);
        link.tail = tail.right(4);
    }

    void cutNow(Link &link)
    {
        link.cut = true;
        ++m_stats.cuts;
        const QByteArray &tail = link.tail;
        if (!tail.endsWith('\n'))
            ++m_stats.midLine;
        if (!tail.endsWith("\n\n") && link.bodyForwarded > 0)
            ++m_stats.midEvent;
        if (endsInsideUtf8Sequence(tail))
            ++m_stats.midUtf8;
        // Graceful on the client side, so it receives exactly the bytes counted.
        link.client->disconnectFromHost();
        link.server->abort();
    }

    static bool endsInsideUtf8Sequence(const QByteArray &tail)
    {
        for (qsizetype back = 1; back <= tail.size() && back <= 4; ++back) {
            const auto byte = static_cast<unsigned char>(tail.at(tail.size() - back));
            if ((byte & 0xC0) == 0x80)
                continue; // a continuation byte: look further back for the lead
            const int length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
            return length > back;
        }
        return false;
    }

    static constexpr qint64 kWindow = 256 * 1024;

    quint16 m_targetPort = 0;
    LoopbackListener m_listener;
    CutPolicy m_policy;
    QList<std::shared_ptr<Link>> m_links;
    Stats m_stats;
};
