#pragma once

#include "core/server/accesspolicy.h"
#include "core/server/browserrequestguard.h"
#include "core/server/connectionlimiter.h"
#include "core/server/corspolicy.h"
#include "core/server/heapreleaser.h"
#include "core/server/httplimits.h"
#include "core/server/httprequest.h"
#include "core/server/httprequesthandler.h"
#include "core/server/httpresponse.h"
#include "core/server/routetable.h"
#include "core/server/servermetrics.h"
#include "core/server/sessionhub.h"
#include "core/server/sessionrequesthandlers.h"
#include "core/server/subscriberset.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <chrono>

class QTcpSocket;

namespace inkstream::core {

class HttpServer;
class ReplyWriter;
class Session;
class UpstreamTap;

// Serves the sessions of a SessionHub over HTTP and WebSocket (docs/protocol.md): listens,
// admits and authorizes every request on its head, then hands it to its route. The routes are
// a RouteTable, the REST handlers SessionRequestHandlers, and streams (SSE, WebSocket, the
// NDJSON snapshot) its SubscriberSet. HTTP itself is HttpServer's and HttpConnection's: the
// publisher decides on every request from its head (route, host, origin, token, declared
// size) before its body is read, and its responses are written by a ReplyWriter so that one
// can wait for the session log (an acknowledgment goes out once it is durable).
class Publisher final : public QObject, private HttpRequestHandler
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
    void setMaxBodySize(qint64 bytes);
    qint64 maxBodySize() const { return m_limits.maxBodyBytes; }
    // A single event of POST .../events larger than this (its JSON) is answered with 413.
    // Default 256 KiB.
    void setMaxEventSize(qint64 bytes) { m_handlers.setMaxEventSize(bytes); }
    qint64 maxEventSize() const { return m_handlers.maxEventSize(); }
    // A subscriber with more unsent bytes than this is dropped (it reconnects and resumes).
    // Default 16 MiB.
    void setMaxPendingBytes(qint64 bytes) { m_subscribers.setMaxPendingBytes(bytes); }
    qint64 maxPendingBytes() const { return m_subscribers.maxPendingBytes(); }

    // Tokens, browser origins and per-address limits; set them before listen().
    AccessPolicy &accessPolicy() { return m_access; }
    CorsPolicy &corsPolicy() { return m_cors; }
    BrowserRequestGuard &browserGuard() { return m_browserGuard; }
    ConnectionLimiter &connectionLimiter() { return m_limiter; }
    const ServerMetrics &metrics() const { return m_metrics; }

    // The defaults of the three timeouts below (the command line shows these too).
    static constexpr std::chrono::seconds kDefaultStallTimeout {60};
    static constexpr std::chrono::seconds kDefaultRequestTimeout {30};
    static constexpr std::chrono::seconds kDefaultMaxStreamAge {3600};
    static constexpr std::chrono::seconds kDefaultIdleTimeout {60};
    // Incoming WebSocket messages (and frames) larger than this close the socket with 1009:
    // viewers send nothing but control frames.
    static constexpr qint64 kMaxIncomingWebSocketMessage = 64 * 1024;

    // A subscriber whose unsent bytes have not gone down for this long is dropped (a peer that
    // vanished without closing). 0 disables. Default 60 s.
    void setStallTimeout(std::chrono::milliseconds timeout)
    {
        m_subscribers.setStallTimeout(timeout);
    }
    // Every request must send its head within this (of the connection opening, for the first;
    // of its first byte, for the next ones) and its body must not stall longer: 408 and close.
    // 0 disables. Default 30 s.
    void setRequestTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds requestTimeout() const { return m_limits.requestTimeout; }
    // A kept-alive connection that starts no new request for this long is closed. 0 disables.
    // Default 60 s.
    void setIdleTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds idleTimeout() const { return m_limits.idleTimeout; }
    // Every limit a connection lives under (docs/protocol.md, "Limits").
    const HttpLimits &limits() const { return m_limits; }
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

    // Answers the tap's routes (/v1/..., Ollama's /api/...) by forwarding them through `tap`
    // (docs/tap.md); null: none. Tap callers need the publish token when tokens are required.
    void setTap(UpstreamTap *tap);
    UpstreamTap *tap() const;

    // Sends every subscriber a final `shutdown` notice and closes its stream (SIGINT/SIGTERM).
    void closeAllStreams(const QString &reason);

Q_SIGNALS:
    void subscriberConnected(const QString &sessionId, const QString &clientId);
    void subscriberDisconnected(const QString &sessionId, const QString &clientId);

private:
    // HttpRequestHandler
    HeadVerdict handleHead(const HttpRequest &request, QTcpSocket *socket) override;
    void handleRequest(const HttpRequest &request, QTcpSocket *socket) override;
    void connectionRefused(int status) override;

    void addRoutes();
    void attachSession(Session *session);
    bool admitConnection(const ReplyWriter &reply);
    bool authorize(const ReplyWriter &reply, const QByteArray &token, AccessPolicy::Need need,
                   const QString &sessionId);
    bool isTapRequest(const HttpRequest &request) const;
    void forwardToTap(const ReplyWriter &reply);
    HeadVerdict route(const HttpRequest &request, QTcpSocket *socket, bool bodyRead);
    void applyLimits();
    // The refusals decided on a head; false when the request was answered.
    bool checkHead(const ReplyWriter &reply);
    // Answers the WebSocket handshake in `request` and subscribes it, or refuses it (after the
    // handshake, with the HTTP status in the close reason).
    void openWebSocket(const HttpRequest &request, QTcpSocket *socket);
    // The connection of `socket` counts in the limiter (for `peer`) until it ends.
    void holdPlace(QTcpSocket *socket, const QHostAddress &peer);
    static bool holdsPlace(QTcpSocket *socket);
    void respondMetrics(const ReplyWriter &reply);

    QPointer<SessionHub> m_hub;
    HttpServer *m_tcpServer = nullptr;
    HttpLimits m_limits;
    QHostAddress m_address;
    QString m_errorString;
    AccessPolicy m_access;
    CorsPolicy m_cors;
    BrowserRequestGuard m_browserGuard {&m_cors};
    ConnectionLimiter m_limiter;
    ServerMetrics m_metrics;
    SubscriberSet m_subscribers {&m_metrics};
    HeapReleaser m_heapReleaser {std::chrono::seconds(1)};
    SessionRequestHandlers m_handlers;
    RouteTable m_routes;
    QPointer<UpstreamTap> m_tap;
};

} // namespace inkstream::core
