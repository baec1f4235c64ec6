#pragma once

#include "core/server/accesspolicy.h"
#include "core/server/connectionlimiter.h"
#include "core/server/corspolicy.h"
#include "core/server/heapreleaser.h"
#include "core/server/servermetrics.h"
#include "core/server/sessionhub.h"
#include "core/server/subscriberset.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QHostAddress>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <chrono>

class QTcpServer;
class QTcpSocket;
class QWebSocket;

namespace inkstream::core {

class Session;
struct Event;

// The embedded HTTP publisher (docs/protocol.md): request routing, access checks and the REST
// handlers of the sessions of a SessionHub. Streams (SSE, WebSocket, the NDJSON snapshot) are
// handed to its SubscriberSet once their request is accepted. Derived from QAbstractHttpServer,
// not QHttpServer, because it must own the socket of an open-ended response (DESIGN.md,
// platform facts), and it writes its responses itself so that one can wait for the session
// log (an acknowledgment goes out once what it acknowledges is durable).
class Publisher final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Publisher)

public:
    explicit Publisher(SessionHub *hub, QObject *parent = nullptr);
    ~Publisher() override;

    // Port 0 picks a free port. Failure leaves the publisher not listening; errorString() says
    // why (for example, the address is in use).
    bool listen(const QHostAddress &address, quint16 port);
    bool isListening() const { return m_tcpServer != nullptr; }
    QString errorString() const { return m_errorString; }
    QHostAddress address() const { return m_address; }
    quint16 port() const;
    // http://HOST:PORT, where HOST is the bound address (loopback when bound to "any").
    QUrl baseUrl() const;
    // http://HOST:PORT/api/sessions/ID
    QUrl sessionUrl(const QString &sessionId) const;
    SessionHub *hub() const { return m_hub; }

    // `: ping` comments on every stream; 0 disables. Default 30 s.
    void setKeepAliveInterval(std::chrono::milliseconds interval)
    {
        m_subscribers.setKeepAliveInterval(interval);
    }
    std::chrono::milliseconds keepAliveInterval() const
    {
        return m_subscribers.keepAliveInterval();
    }
    // The `retry:` reconnection hint sent when a stream opens. Default 3000 ms.
    void setRetryInterval(std::chrono::milliseconds interval)
    {
        m_subscribers.setRetryInterval(interval);
    }
    std::chrono::milliseconds retryInterval() const { return m_subscribers.retryInterval(); }
    // The streams: subscribers, catch-ups and the live fan-out.
    const SubscriberSet &subscribers() const { return m_subscribers; }

    // Larger request bodies are answered with 413. Default 8 MiB.
    void setMaxBodySize(qint64 bytes) { m_maxBodySize = bytes; }
    qint64 maxBodySize() const { return m_maxBodySize; }
    // A single event of POST .../events larger than this (its JSON) is answered with 413.
    // Default 256 KiB.
    void setMaxEventSize(qint64 bytes) { m_maxEventSize = bytes; }
    qint64 maxEventSize() const { return m_maxEventSize; }
    // A subscriber with more unsent bytes than this is dropped (it reconnects and resumes).
    // Default 16 MiB.
    void setMaxPendingBytes(qint64 bytes) { m_subscribers.setMaxPendingBytes(bytes); }
    qint64 maxPendingBytes() const { return m_subscribers.maxPendingBytes(); }

    // Tokens, browser origins and per-address limits; set them before listen().
    AccessPolicy &accessPolicy() { return m_access; }
    CorsPolicy &corsPolicy() { return m_cors; }
    ConnectionLimiter &connectionLimiter() { return m_limiter; }
    const ServerMetrics &metrics() const { return m_metrics; }

    // The defaults of the three timeouts below (the command line shows these too).
    static constexpr std::chrono::seconds kDefaultStallTimeout {60};
    static constexpr std::chrono::seconds kDefaultRequestTimeout {30};
    static constexpr std::chrono::seconds kDefaultMaxStreamAge {3600};

    // A subscriber whose unsent bytes have not gone down for this long is dropped (a peer that
    // vanished without closing). 0 disables. Default 60 s.
    void setStallTimeout(std::chrono::milliseconds timeout)
    {
        m_subscribers.setStallTimeout(timeout);
    }
    // A connection that has not completed a request this long after it opened is closed (it
    // holds a socket without asking for anything). 0 disables. Default 30 s; set before listen().
    void setRequestTimeout(std::chrono::milliseconds timeout) { m_requestTimeout = timeout; }
    std::chrono::milliseconds requestTimeout() const { return m_requestTimeout; }
    // Streams open longer than this are closed so clients reconnect (and resume, losing
    // nothing): stale connections do not pile up behind proxies. 0 disables. Default 1 h.
    void setMaxStreamAge(std::chrono::milliseconds age) { m_subscribers.setMaxStreamAge(age); }

    // Every subscriber (SSE and WebSocket, all sessions).
    int subscriberCount() const { return m_subscribers.count(); }
    int subscriberCount(const QString &sessionId) const { return m_subscribers.count(sessionId); }
    int webSocketSubscriberCount() const { return m_subscribers.webSocketCount(); }

    // Cuts every stream of a session without a word, as a failing network would; returns how
    // many. Clients reconnect and resume.
    int dropSubscribers(const QString &sessionId);

    // Sends every subscriber a final `shutdown` notice and closes its stream (SIGINT/SIGTERM).
    void closeAllStreams(const QString &reason);

Q_SIGNALS:
    void subscriberConnected(const QString &sessionId, const QString &clientId);
    void subscriberDisconnected(const QString &sessionId, const QString &clientId);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    using Status = QHttpServerResponder::StatusCode;
    using Headers = CorsPolicy::Headers;

    // A whole response, ready to be written now or once the session log made it true.
    struct Response
    {
        QByteArray bytes;
        bool closeAfter = false;
        QString route;
        int status = 0;
    };

    void attachSession(Session *session);
    void openStream(const QHttpServerRequest &request, QTcpSocket *socket, Session *session);
    void openSnapshot(const QHttpServerRequest &request, QTcpSocket *socket, Session *session);
    bool admitConnection(const QHttpServerRequest &request, QTcpSocket *socket);
    bool authorize(const QHttpServerRequest &request, QTcpSocket *socket, AccessPolicy::Need need);
    bool checkWritable(const QHttpServerRequest &request, QTcpSocket *socket, Session *session);
    void acceptWebSockets();
    void openWebSocket(QWebSocket *socket);
    void serveViewerPage(const QHttpServerRequest &request, QTcpSocket *socket, Session *session);
    void respondMetrics(const QHttpServerRequest &request, QTcpSocket *socket);
    Headers corsHeaders(const QHttpServerRequest &request) const;

    void listSessions(const QHttpServerRequest &request, QTcpSocket *socket);
    void createSession(const QHttpServerRequest &request, QTcpSocket *socket);
    void postFiles(const QHttpServerRequest &request, QTcpSocket *socket, Session *session);
    void postComplete(const QHttpServerRequest &request, QTcpSocket *socket, Session *session);
    void postEvents(const QHttpServerRequest &request, QTcpSocket *socket, Session *session);
    void postChat(const QHttpServerRequest &request, QTcpSocket *socket, Session *session);
    void deleteSession(const QHttpServerRequest &request, QTcpSocket *socket, Session *session);
    QJsonObject sessionInfo(Session *session) const;
    bool parseJsonObject(const QHttpServerRequest &request, QTcpSocket *socket, QJsonObject *object,
                         bool allowEmpty = false);

    Response response(const QHttpServerRequest &request, Status status,
                      const QByteArray &contentType, const QByteArray &body,
                      const Headers &extraHeaders = {}) const;
    Response jsonResponse(const QHttpServerRequest &request, Status status, const QJsonObject &body,
                          const Headers &extraHeaders = {}) const;
    void send(QTcpSocket *socket, const Response &response);
    // Sends `status` with `body` once everything `session` logged so far is durable.
    void acknowledge(const QHttpServerRequest &request, QTcpSocket *socket, Session *session,
                     Status status, const QJsonObject &body);
    void respondJson(const QHttpServerRequest &request, QTcpSocket *socket, Status status,
                     const QJsonObject &body, const Headers &extraHeaders = {});
    void respondError(const QHttpServerRequest &request, QTcpSocket *socket, Status status,
                      const QString &error, const QString &detail,
                      const Headers &extraHeaders = {});
    void respond(const QHttpServerRequest &request, QTcpSocket *socket, Status status,
                 const QByteArray &contentType, const QByteArray &body,
                 const Headers &extraHeaders = {});

    QPointer<SessionHub> m_hub;
    QTcpServer *m_tcpServer = nullptr;
    std::chrono::milliseconds m_requestTimeout = kDefaultRequestTimeout;
    QHostAddress m_address;
    QString m_errorString;
    QHash<QTcpSocket *, QHostAddress> m_admitted; // sockets counted by the limiter
    AccessPolicy m_access;
    CorsPolicy m_cors;
    ConnectionLimiter m_limiter;
    ServerMetrics m_metrics;
    SubscriberSet m_subscribers {&m_metrics};
    HeapReleaser m_heapReleaser {std::chrono::seconds(1)};
    qint64 m_maxBodySize = 8 * 1024 * 1024;
    qint64 m_maxEventSize = 256 * 1024;
};

} // namespace inkstream::core
