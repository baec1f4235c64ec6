#include "core/server/publisher.h"

#include "core/server/httpserver.h"
#include "core/server/replywriter.h"
#include "core/server/serverlog.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "core/server/streamsocket.h"
#include "core/server/upstreamtap.h"
#include "core/server/websocketframes.h"

#include <QTcpSocket>
#include <QUrlQuery>
#include <algorithm>
#include <cmath>
#include <functional>
#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif
#include <limits>

namespace inkstream::core {

namespace {

using Status = HttpStatus;
using Method = HttpRequest::Method;

// The child of a connection's socket that holds its place in the connection limiter.
const char *const kAdmissionName = "inkstream-admission";
constexpr quint16 kPolicyViolation = 1008; // WebSocket close code (RFC 6455 §7.4.1)

CorsPolicy::Headers allowHeader(const QByteArray &methods)
{
    return {{QByteArrayLiteral("Allow"), methods}};
}

QString hostForUrl(const QHostAddress &address)
{
    // Two special addresses, not one compared twice (clang-tidy sees through the conversion).
    // NOLINTNEXTLINE(misc-redundant-expression)
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        return QHostAddress(QHostAddress::LocalHost).toString();
    if (address == QHostAddress::AnyIPv6)
        return QHostAddress(QHostAddress::LocalHostIPv6).toString();
    return address.toString();
}

} // namespace

Publisher::Publisher(SessionHub *hub, QObject *parent)
    : QObject(parent)
    , m_hub(hub)
    , m_handlers(hub, &m_subscribers, &m_metrics,
                 [this](const QString &sessionId) { return sessionUrl(sessionId); })
    , m_routes(hub)
{
    Q_ASSERT(hub);
    m_subscribers.setMaxIncomingMessageBytes(kMaxIncomingWebSocketMessage);
    addRoutes();
    for (Session *session : hub->sessions())
        attachSession(session);
    connect(hub, &SessionHub::sessionCreated, this, &Publisher::attachSession);
    connect(&m_subscribers, &SubscriberSet::subscriberConnected, this,
            &Publisher::subscriberConnected);
    connect(&m_subscribers, &SubscriberSet::subscriberDisconnected, this,
            &Publisher::subscriberDisconnected);
    // What a departed viewer's catch-up and backlog used goes back to the system.
    connect(&m_subscribers, &SubscriberSet::subscriberDisconnected, &m_heapReleaser,
            &HeapReleaser::scheduleRelease);
    connect(&m_heapReleaser, &HeapReleaser::released, this,
            [this] { m_metrics.countHeapRelease(); });
}

Publisher::~Publisher() = default;

bool Publisher::listen(const QHostAddress &address, quint16 port)
{
    if (m_tcpServer) {
        m_errorString = QStringLiteral("already listening on port %1").arg(this->port());
        return false;
    }
    QString refusal;
    if (!m_access.allowsListeningOn(address, &refusal)) {
        m_errorString = refusal;
        qCWarning(lcServer, "%s", qPrintable(refusal));
        return false;
    }
    auto *server = new HttpServer(this, this);
    server->setLimits(m_limits);
    connect(server, &HttpServer::connectionTimedOut, this,
            [this] { m_metrics.countConnectionTimedOut(); });
    if (!server->listen(address, port)) {
        m_errorString = server->errorString();
        qCWarning(lcServer, "cannot listen on %s port %u: %s", qPrintable(address.toString()),
                  unsigned(port), qPrintable(m_errorString));
        delete server;
        return false;
    }
    m_tcpServer = server;
    m_address = address;
    m_browserGuard.setListeningAddress(address);
    m_errorString.clear();
    qCInfo(lcServer, "listening on %s", qPrintable(baseUrl().toString()));
    return true;
}

quint16 Publisher::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : quint16(0);
}

QUrl Publisher::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(hostForUrl(m_address));
    url.setPort(port());
    return url;
}

QUrl Publisher::sessionUrl(const QString &sessionId) const
{
    QUrl url = baseUrl();
    url.setPath(QStringLiteral("/api/sessions/") + sessionId);
    return url;
}

void Publisher::attachSession(Session *session)
{
    m_subscribers.attach(session);
}

void Publisher::setMaxBodySize(qint64 bytes)
{
    m_limits.maxBodyBytes = bytes;
    applyLimits();
}

void Publisher::setRequestTimeout(std::chrono::milliseconds timeout)
{
    m_limits.requestTimeout = timeout;
    applyLimits();
}

void Publisher::setIdleTimeout(std::chrono::milliseconds timeout)
{
    m_limits.idleTimeout = timeout;
    applyLimits();
}

void Publisher::applyLimits()
{
    if (m_tcpServer)
        m_tcpServer->setLimits(m_limits); // connections accepted from now on
}

// ---- HTTP dispatch ----------------------------------------------------------------------

namespace {

// The session a path names (/api/sessions/ID/..., /view/ID), or empty.
QString sessionIdOf(const QStringList &parts)
{
    if (parts.size() >= 3 && parts[0] == u"api" && parts[1] == u"sessions")
        return parts[2];
    if (parts.size() == 2 && parts[0] == u"view")
        return parts[1];
    return {};
}

} // namespace

Publisher::HeadVerdict Publisher::handleHead(const HttpRequest &request, QTcpSocket *socket)
{
    qCDebug(lcServer, "%s %s from %s port %u", request.methodName().constData(),
            qPrintable(request.url().path()), qPrintable(request.remoteAddress().toString()),
            unsigned(socket->peerPort()));
    if (!checkHead(ReplyWriter(request, socket, &m_cors, &m_metrics)))
        return HeadVerdict::Answered;
    // The token, route and limits of a WebSocket are checked on its handshake and refused
    // after it (openWebSocket): a browser sees the reason of a close, never the status of a
    // refused handshake.
    if (request.isWebSocketUpgrade()) {
        openWebSocket(request, socket);
        return HeadVerdict::Upgrade;
    }
    return route(request, socket, request.bodyFraming() == HttpRequest::BodyFraming::None);
}

void Publisher::handleRequest(const HttpRequest &request, QTcpSocket *socket)
{
    route(request, socket, true);
}

void Publisher::connectionRefused(int status)
{
    m_metrics.countResponse(QStringLiteral("other"), status);
}

bool Publisher::checkHead(const ReplyWriter &reply)
{
    const HttpRequest &request = reply.request();
    if (!m_access.requiresTokens()) {
        // Without tokens only the browser checks keep a web page from using the publisher.
        QString reason;
        switch (m_browserGuard.check(request, &reason)) {
        case BrowserRequestGuard::Verdict::Allowed:
            break;
        case BrowserRequestGuard::Verdict::WrongHost:
            reply.respondError(Status::MisdirectedRequest, QStringLiteral("misdirected request"),
                               reason);
            return false;
        case BrowserRequestGuard::Verdict::CrossSite:
            reply.respondError(Status::Forbidden, QStringLiteral("forbidden"), reason);
            return false;
        }
    }
    if (request.isWebSocketUpgrade())
        return true;
    if (!admitConnection(reply))
        return false;
    if (request.method() == Method::Options) {
        // A CORS preflight: allowed origins get the permissions, everyone else nothing.
        reply.respond(Status::NoContent, QByteArrayLiteral("text/plain"), {},
                      allowHeader(QByteArrayLiteral("GET, POST, DELETE, OPTIONS")));
        return false;
    }
    const QString path = request.url().path();
    if (isTapRequest(request)) {
        // Whatever the method, a tap request publishes into the tap's session.
        const Session *session = m_tap->session();
        if (!authorize(reply, UpstreamTap::presentedToken(request), AccessPolicy::Need::Publish,
                       session ? session->id() : QString()))
            return false;
    } else {
        const AccessPolicy::Need need = path == u"/healthz"
            ? AccessPolicy::Need::Nothing
            : (request.isSafeMethod() ? AccessPolicy::Need::Read : AccessPolicy::Need::Publish);
        if (!authorize(reply, AccessPolicy::presentedToken(request), need,
                       sessionIdOf(path.split(u'/', Qt::SkipEmptyParts))))
            return false;
    }
    if (request.contentLength() > m_limits.maxBodyBytes) {
        reply.respondError(Status::PayloadTooLarge, QStringLiteral("request body too large"),
                           QStringLiteral("the body has %1 bytes; the limit is %2 bytes")
                               .arg(request.contentLength())
                               .arg(m_limits.maxBodyBytes),
                           {{QByteArrayLiteral("Connection"), QByteArrayLiteral("close")}});
        return false;
    }
    return true;
}

// The whole table: both turns of a request (RouteTable::route) and every 404 and 405 follow
// from it.
void Publisher::addRoutes()
{
    using Body = RouteTable::Body;
    using Handlers = SessionRequestHandlers;
    Handlers *handlers = &m_handlers;
    m_routes.add(Method::Get, QStringLiteral("/metrics"),
                 [this](const ReplyWriter &reply, Session *) { respondMetrics(reply); });
    m_routes.add(Method::Get, QStringLiteral("/view/{session}"),
                 std::bind_front(&Handlers::serveViewerPage, handlers));
    m_routes.add(Method::Get, QStringLiteral("/healthz"), [](const ReplyWriter &reply, Session *) {
        reply.respondJson(Status::Ok, {{QStringLiteral("status"), QStringLiteral("ok")}});
    });

    // Under /api/sessions/ID the session must exist, whatever follows.
    m_routes.setSessionScope(QStringLiteral("/api/sessions/{session}"));
    m_routes.add(
        Method::Get, QStringLiteral("/api/sessions"),
        [handlers](const ReplyWriter &reply, Session *) { handlers->listSessions(reply); });
    m_routes.add(
        Method::Post, QStringLiteral("/api/sessions"),
        [handlers](const ReplyWriter &reply, Session *) { handlers->createSession(reply); },
        Body::Read);
    m_routes.add(Method::Get, QStringLiteral("/api/sessions/{session}"),
                 std::bind_front(&Handlers::describeSession, handlers));
    m_routes.add(Method::Delete, QStringLiteral("/api/sessions/{session}"),
                 std::bind_front(&Handlers::deleteSession, handlers));
    m_routes.add(Method::Get, QStringLiteral("/api/sessions/{session}/stream"),
                 std::bind_front(&Handlers::openStream, handlers));
    m_routes.add(Method::Get, QStringLiteral("/api/sessions/{session}/access"),
                 std::bind_front(&Handlers::confirmAccess, handlers));
    m_routes.add(Method::Get, QStringLiteral("/api/sessions/{session}/snapshot"),
                 std::bind_front(&Handlers::serveSnapshot, handlers));
    m_routes.add(Method::Post, QStringLiteral("/api/sessions/{session}/files"),
                 std::bind_front(&Handlers::postFiles, handlers), Body::Read);
    m_routes.add(Method::Post, QStringLiteral("/api/sessions/{session}/complete"),
                 std::bind_front(&Handlers::postComplete, handlers), Body::Read);
    m_routes.add(Method::Post, QStringLiteral("/api/sessions/{session}/events"),
                 std::bind_front(&Handlers::postEvents, handlers), Body::Read);
    m_routes.add(Method::Post, QStringLiteral("/api/sessions/{session}/chat"),
                 std::bind_front(&Handlers::postChat, handlers), Body::Read);
}

Publisher::HeadVerdict Publisher::route(const HttpRequest &request, QTcpSocket *socket,
                                        bool bodyRead)
{
    if (isTapRequest(request)) {
        if (!bodyRead)
            return HeadVerdict::ReadBody;
        forwardToTap(ReplyWriter(request, socket, &m_cors, &m_metrics));
        return HeadVerdict::Answered;
    }
    return m_routes.route(ReplyWriter(request, socket, &m_cors, &m_metrics), bodyRead);
}

void Publisher::setTap(UpstreamTap *tap)
{
    m_tap = tap;
}

UpstreamTap *Publisher::tap() const
{
    return m_tap;
}

bool Publisher::isTapRequest(const HttpRequest &request) const
{
    return m_tap && m_tap->handles(request.url().path());
}

void Publisher::forwardToTap(const ReplyWriter &reply)
{
    // An Authorization that carries the publisher's own token is the caller's way of presenting
    // it (an OpenAI client's API key): it is checked here and never goes upstream.
    const QByteArray bearer = AccessPolicy::presentedToken(
        reply.request().value(QByteArrayLiteral("authorization")), QString());
    const Session *session = m_tap->session();
    const bool ours = m_access.requiresTokens() && !bearer.isEmpty()
        && m_access.check(bearer, AccessPolicy::Need::Publish, session ? session->id() : QString())
            == AccessPolicy::Verdict::Allowed;
    m_tap->forward(reply, &m_metrics, ours);
}

bool Publisher::admitConnection(const ReplyWriter &reply)
{
    QTcpSocket *socket = reply.socket();
    if (m_limiter.isUnlimited() || holdsPlace(socket))
        return true; // a kept-alive connection, admitted with its first request
    const QHostAddress peer = socket->peerAddress();
    const ConnectionLimiter::Verdict verdict = m_limiter.admit(peer);
    if (verdict != ConnectionLimiter::Verdict::Allowed) {
        m_metrics.countConnectionRefused();
        const QString detail = verdict == ConnectionLimiter::Verdict::TooManyOpen
            ? QStringLiteral("%1 already has %2 open connections (the limit)")
                  .arg(peer.toString())
                  .arg(m_limiter.maxOpenPerAddress())
            : QStringLiteral("%1 opens more than %2 connections per second")
                  .arg(peer.toString())
                  .arg(m_limiter.maxNewPerSecond());
        reply.respondError(Status::TooManyRequests, QStringLiteral("too many connections"), detail,
                           {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")},
                            {QByteArrayLiteral("Connection"), QByteArrayLiteral("close")}});
        return false;
    }
    holdPlace(socket, peer);
    return true;
}

void Publisher::holdPlace(QTcpSocket *socket, const QHostAddress &peer)
{
    // The connection's place is held by a child of its socket, which moves with the
    // connection when a stream takes it over (StreamSocket) and gives the place back when the
    // connection ends.
    auto *admission = new QObject(socket);
    admission->setObjectName(QLatin1String(kAdmissionName));
    StreamSocket::markFollowsConnection(admission);
    connect(admission, &QObject::destroyed, this, [this, peer] { m_limiter.release(peer); });
}

bool Publisher::holdsPlace(QTcpSocket *socket)
{
    return socket->findChild<QObject *>(QLatin1String(kAdmissionName), Qt::FindDirectChildrenOnly);
}

bool Publisher::authorize(const ReplyWriter &reply, const QByteArray &token,
                          AccessPolicy::Need need, const QString &sessionId)
{
    switch (m_access.check(token, need, sessionId)) {
    case AccessPolicy::Verdict::Allowed:
        return true;
    case AccessPolicy::Verdict::MissingToken:
        reply.respondError(Status::Unauthorized, QStringLiteral("authentication required"),
                           QStringLiteral("send \"Authorization: Bearer TOKEN\" or ?token=TOKEN"),
                           {{QByteArrayLiteral("WWW-Authenticate"),
                             QByteArrayLiteral("Bearer realm=\"inkstream\"")}});
        return false;
    case AccessPolicy::Verdict::WrongToken:
        reply.respondError(Status::Forbidden, QStringLiteral("forbidden"),
                           need == AccessPolicy::Need::Publish
                               ? QStringLiteral("the token does not allow publishing")
                               : QStringLiteral("the token is not valid"));
        return false;
    }
    return false;
}

void Publisher::respondMetrics(const ReplyWriter &reply)
{
    ServerMetrics::Gauges gauges;
    gauges.sessions = m_hub ? m_hub->sessions().size() : 0;
    gauges.sseSubscribers = m_subscribers.sseCount();
    gauges.webSocketSubscribers = m_subscribers.webSocketCount();
    gauges.heapReleasePending = m_heapReleaser.isPending();
    reply.respond(Status::Ok, QByteArrayLiteral("text/plain; version=0.0.4"),
                  m_metrics.toPrometheusText(gauges));
}

// ---- WebSocket --------------------------------------------------------------------------

void Publisher::openWebSocket(const HttpRequest &request, QTcpSocket *socket)
{
    const QUrl url = request.url();
    const QString route = ServerMetrics::routeOf(url.path());
    const QByteArray key = request.value(QByteArrayLiteral("sec-websocket-key"));
    // The handshake is answered, then closed with 1008 (policy violation) and a reason that
    // starts with the HTTP status it stands for ("401 authentication required"): a browser's
    // WebSocket sees the reason of a close, never the status of a refused handshake.
    const auto refuse = [&](int httpStatus, const QString &reason) {
        qCInfo(lcServer, "WebSocket %s from %s refused: %s", qPrintable(url.path()),
               qPrintable(request.remoteAddress().toString()), qPrintable(reason));
        m_metrics.countResponse(route, httpStatus);
        StreamSocket *stream = StreamSocket::takeOver(socket, this);
        if (!stream) {
            socket->abort();
            return;
        }
        connect(stream, &StreamSocket::disconnected, stream, &QObject::deleteLater);
        stream->write(WebSocketFrames::handshakeAnswer(key));
        stream->write(WebSocketFrames::close(
            kPolicyViolation, (QString::number(httpStatus) + u' ' + reason).toUtf8()));
        stream->closeAfterWriting();
    };

    // The token first: without it, no answer may tell which sessions exist.
    const QStringList parts = url.path().split(u'/', Qt::SkipEmptyParts);
    switch (m_access.check(AccessPolicy::presentedToken(request), AccessPolicy::Need::Read,
                           sessionIdOf(parts))) {
    case AccessPolicy::Verdict::Allowed:
        break;
    case AccessPolicy::Verdict::MissingToken:
        refuse(401, QStringLiteral("authentication required"));
        return;
    case AccessPolicy::Verdict::WrongToken:
        refuse(403, QStringLiteral("the token is not valid"));
        return;
    }
    if (parts.size() != 4 || parts[0] != u"api" || parts[1] != u"sessions" || parts[3] != u"ws") {
        refuse(404, QStringLiteral("no WebSocket endpoint at %1").arg(url.path()));
        return;
    }
    Session *session = m_hub ? m_hub->session(parts[2]) : nullptr;
    if (!session) {
        refuse(404, QStringLiteral("there is no session with id \"%1\"").arg(parts[2]));
        return;
    }
    const QHostAddress peer = request.remoteAddress();
    if (!m_limiter.isUnlimited() && !holdsPlace(socket)) {
        if (m_limiter.admit(peer) != ConnectionLimiter::Verdict::Allowed) {
            m_metrics.countConnectionRefused();
            refuse(429, QStringLiteral("too many connections from %1").arg(peer.toString()));
            return;
        }
        holdPlace(socket, peer);
    }

    QByteArray lastIdText = request.value(QByteArrayLiteral("last-event-id")).trimmed();
    if (lastIdText.isEmpty())
        lastIdText = QUrlQuery(url).queryItemValue(QStringLiteral("lastEventId")).toLatin1();
    m_metrics.countResponse(route, 101);
    m_subscribers.addWebSocket(socket, key, session,
                               SessionRequestHandlers::lastSequenceOf(lastIdText),
                               QStringLiteral("client_") + SessionHub::generateId());
}

int Publisher::dropSubscribers(const QString &sessionId)
{
    return m_subscribers.drop(sessionId);
}

void Publisher::closeAllStreams(const QString &reason)
{
    m_subscribers.closeAll(reason);
}

} // namespace inkstream::core
