#include "core/server/publisher.h"

#include "core/model/sessionmodel.h"
#include "core/protocol/chunker.h"
#include "core/protocol/eventcodec.h"
#include "core/protocol/jsonmember.h"
#include "core/server/filestreamer.h"
#include "core/server/httpconnection.h"
#include "core/server/httpserver.h"
#include "core/server/serverlog.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>
#include <algorithm>
#include <cmath>
#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif
#include <limits>

namespace inkstream::core {

namespace {

using Status = HttpStatus;
using Method = HttpRequest::Method;

constexpr int kMaxChunkSize = 1 << 20;
constexpr int kMaxDelayMs = 60000;

CorsPolicy::Headers allowHeader(const QByteArray &methods)
{
    return {{QByteArrayLiteral("Allow"), methods}};
}

QString hostForUrl(const QHostAddress &address)
{
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
{
    Q_ASSERT(hub);
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
    connect(server->webSocketServer(), &QWebSocketServer::newConnection, this,
            &Publisher::acceptWebSockets);
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
    if (!checkHead(request, socket))
        return HeadVerdict::Answered;
    // The token, route and limits of a WebSocket are checked once it is open (openWebSocket):
    // a browser sees the reason of a close, never the status of a refused handshake.
    if (request.isWebSocketUpgrade())
        return HeadVerdict::Upgrade;
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

bool Publisher::checkHead(const HttpRequest &request, QTcpSocket *socket)
{
    if (!m_access.requiresTokens()) {
        // Without tokens only the browser checks keep a web page from using the publisher.
        QString reason;
        switch (m_browserGuard.check(request, &reason)) {
        case BrowserRequestGuard::Verdict::Allowed:
            break;
        case BrowserRequestGuard::Verdict::WrongHost:
            respondError(request, socket, Status::MisdirectedRequest,
                         QStringLiteral("misdirected request"), reason);
            return false;
        case BrowserRequestGuard::Verdict::CrossSite:
            respondError(request, socket, Status::Forbidden, QStringLiteral("forbidden"), reason);
            return false;
        }
    }
    if (request.isWebSocketUpgrade())
        return true;
    if (!admitConnection(request, socket))
        return false;
    if (request.method() == Method::Options) {
        // A CORS preflight: allowed origins get the permissions, everyone else nothing.
        respond(request, socket, Status::NoContent, QByteArrayLiteral("text/plain"), {},
                allowHeader(QByteArrayLiteral("GET, POST, DELETE, OPTIONS")));
        return false;
    }
    const QString path = request.url().path();
    const AccessPolicy::Need need = path == u"/healthz"
        ? AccessPolicy::Need::Nothing
        : (request.isSafeMethod() ? AccessPolicy::Need::Read : AccessPolicy::Need::Publish);
    if (!authorize(request, socket, need, sessionIdOf(path.split(u'/', Qt::SkipEmptyParts))))
        return false;
    if (request.contentLength() > m_limits.maxBodyBytes) {
        respondError(request, socket, Status::PayloadTooLarge,
                     QStringLiteral("request body too large"),
                     QStringLiteral("the body has %1 bytes; the limit is %2 bytes")
                         .arg(request.contentLength())
                         .arg(m_limits.maxBodyBytes),
                     {{QByteArrayLiteral("Connection"), QByteArrayLiteral("close")}});
        return false;
    }
    return true;
}

// One routing table for both turns of a request: on its head (`bodyRead` false) a route that
// needs the body answers ReadBody, and is run when the body has been read; everything else
// (refusals, 404, 405, routes without a body) is answered on the head.
Publisher::HeadVerdict Publisher::route(const HttpRequest &request, QTcpSocket *socket,
                                        bool bodyRead)
{
    const Method method = request.method();
    const QString path = request.url().path();
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    constexpr HeadVerdict answered = HeadVerdict::Answered;
    const auto onlyGet = [&]() {
        if (method == Method::Get)
            return true;
        respondError(
            request, socket, Status::MethodNotAllowed, QStringLiteral("method not allowed"),
            QStringLiteral("%1 accepts GET").arg(path), allowHeader(QByteArrayLiteral("GET")));
        return false;
    };
    const auto onlyPost = [&]() {
        if (method == Method::Post)
            return true;
        respondError(
            request, socket, Status::MethodNotAllowed, QStringLiteral("method not allowed"),
            QStringLiteral("%1 accepts POST").arg(path), allowHeader(QByteArrayLiteral("POST")));
        return false;
    };

    if (parts == QStringList {QStringLiteral("metrics")}) {
        if (onlyGet())
            respondMetrics(request, socket);
        return answered;
    }
    if (parts.size() == 2 && parts[0] == u"view" && m_hub) {
        if (!onlyGet())
            return answered;
        if (Session *session = m_hub->session(parts[1]))
            serveViewerPage(request, socket, session);
        else
            respondError(request, socket, Status::NotFound, QStringLiteral("unknown session"),
                         QStringLiteral("there is no session with id \"%1\"").arg(parts[1]));
        return answered;
    }
    if (parts == QStringList {QStringLiteral("healthz")}) {
        if (onlyGet())
            respondJson(request, socket, Status::Ok,
                        {{QStringLiteral("status"), QStringLiteral("ok")}});
        return answered;
    }

    if (parts.size() >= 2 && parts[0] == u"api" && parts[1] == u"sessions" && m_hub) {
        if (parts.size() == 2) {
            if (method == Method::Get) {
                listSessions(request, socket);
            } else if (method == Method::Post) {
                if (!bodyRead)
                    return HeadVerdict::ReadBody;
                createSession(request, socket);
            } else {
                respondError(request, socket, Status::MethodNotAllowed,
                             QStringLiteral("method not allowed"),
                             QStringLiteral("%1 accepts GET and POST").arg(path),
                             allowHeader(QByteArrayLiteral("GET, POST")));
            }
            return answered;
        }
        Session *session = m_hub->session(parts[2]);
        if (!session) {
            respondError(request, socket, Status::NotFound, QStringLiteral("unknown session"),
                         QStringLiteral("there is no session with id \"%1\"").arg(parts[2]));
            return answered;
        }
        if (parts.size() == 3) {
            if (method == Method::Get)
                respondJson(request, socket, Status::Ok, sessionInfo(session));
            else if (method == Method::Delete)
                deleteSession(request, socket, session);
            else
                respondError(request, socket, Status::MethodNotAllowed,
                             QStringLiteral("method not allowed"),
                             QStringLiteral("%1 accepts GET and DELETE").arg(path),
                             allowHeader(QByteArrayLiteral("GET, DELETE")));
            return answered;
        }
        if (parts.size() == 4) {
            const QString &action = parts[3];
            if (action == u"stream") {
                if (onlyGet())
                    openStream(request, socket, session);
                return answered;
            }
            if (action == u"access") {
                // Answers "may this request read the session?" for a relay in front
                // (nchan_authorize_request): the token was checked on the head, so: yes.
                if (onlyGet())
                    respond(request, socket, Status::NoContent, QByteArrayLiteral("text/plain"),
                            {});
                return answered;
            }
            if (action == u"snapshot") {
                if (!onlyGet())
                    return answered;
                const bool asEvents = request.value("accept").contains("application/x-ndjson")
                    || request.query().queryItemValue(QStringLiteral("format")) == u"ndjson";
                if (asEvents)
                    openSnapshot(request, socket, session);
                else
                    respondJson(request, socket, Status::Ok, session->snapshot());
                return answered;
            }
            using PostHandler = void (Publisher::*)(const HttpRequest &, QTcpSocket *, Session *);
            static const QList<std::pair<QString, PostHandler>> posts {
                {QStringLiteral("files"), &Publisher::postFiles},
                {QStringLiteral("complete"), &Publisher::postComplete},
                {QStringLiteral("events"), &Publisher::postEvents},
                {QStringLiteral("chat"), &Publisher::postChat}};
            for (const auto &[name, handler] : posts) {
                if (action != name)
                    continue;
                if (!onlyPost())
                    return answered;
                if (!bodyRead)
                    return HeadVerdict::ReadBody;
                (this->*handler)(request, socket, session);
                return answered;
            }
        }
    }

    respondError(
        request, socket, Status::NotFound, QStringLiteral("not found"),
        QStringLiteral("no route for %1 %2").arg(QString::fromLatin1(request.methodName()), path));
    return answered;
}

// ---- responses --------------------------------------------------------------------------

CorsPolicy::Headers Publisher::corsHeaders(const HttpRequest &request) const
{
    const QByteArray origin = request.value(QByteArrayLiteral("origin"));
    return request.method() == Method::Options ? m_cors.preflightHeaders(origin)
                                               : m_cors.responseHeaders(origin);
}

Publisher::Response Publisher::response(const HttpRequest &request, Status status,
                                        const QByteArray &contentType, const QByteArray &body,
                                        const Headers &extraHeaders) const
{
    // RFC 9112 §9.6: a client's "close" (or HTTP/1.0 without keep-alive) obliges the server to
    // close after this response. A response that says close itself (429, 413) closes the same
    // way.
    Response result;
    result.closeAfter = !request.keepsAlive();
    Headers headers {{QByteArrayLiteral("Content-Type"), contentType},
                     {QByteArrayLiteral("Content-Length"), QByteArray::number(body.size())},
                     {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")}};
    bool saidConnection = false;
    for (const auto &[name, value] : extraHeaders) {
        headers.append({name, value});
        if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
            saidConnection = true;
            result.closeAfter
                = result.closeAfter || value.compare("close", Qt::CaseInsensitive) == 0;
        }
    }
    if (result.closeAfter && !saidConnection)
        headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    headers.append(corsHeaders(request));
    result.bytes = HttpResponse::head(int(status), headers) + body;
    result.route = ServerMetrics::routeOf(request.url().path());
    result.status = int(status);
    return result;
}

Publisher::Response Publisher::jsonResponse(const HttpRequest &request, Status status,
                                            const QJsonObject &body,
                                            const Headers &extraHeaders) const
{
    QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
    json.append('\n');
    return response(request, status, QByteArrayLiteral("application/json"), json, extraHeaders);
}

void Publisher::send(QTcpSocket *socket, const Response &response)
{
    m_metrics.countResponse(response.route, response.status);
    qCDebug(lcServer, "-> %d%s", response.status, response.closeAfter ? " (closing)" : "");
    if (socket->state() != QAbstractSocket::ConnectedState)
        return;
    socket->write(response.bytes);
    if (HttpConnection *connection = HttpConnection::of(socket))
        connection->responseSent(response.closeAfter); // the next request, or a graceful close
    else if (response.closeAfter)
        socket->disconnectFromHost();
}

void Publisher::respond(const HttpRequest &request, QTcpSocket *socket, Status status,
                        const QByteArray &contentType, const QByteArray &body,
                        const Headers &extraHeaders)
{
    send(socket, response(request, status, contentType, body, extraHeaders));
}

void Publisher::respondJson(const HttpRequest &request, QTcpSocket *socket, Status status,
                            const QJsonObject &body, const Headers &extraHeaders)
{
    send(socket, jsonResponse(request, status, body, extraHeaders));
}

void Publisher::acknowledge(const HttpRequest &request, QTcpSocket *socket, Session *session,
                            Status status, const QJsonObject &body)
{
    // `publish` exiting 0 means the file is in the log: the answer waits for the fsync that
    // covers it (SessionLog::whenDurable; at once for --fsync never and memory-only logs).
    session->whenDurable(socket,
                         [this, socket = QPointer<QTcpSocket>(socket),
                          answer = jsonResponse(request, status, body)] {
                             if (socket)
                                 send(socket, answer);
                         });
}

void Publisher::respondError(const HttpRequest &request, QTcpSocket *socket, Status status,
                             const QString &error, const QString &detail,
                             const Headers &extraHeaders)
{
    qCInfo(lcServer, "%s %s -> %d %s: %s", request.methodName().constData(),
           qPrintable(request.url().path()), int(status), qPrintable(error), qPrintable(detail));
    respondJson(request, socket, status,
                {{QStringLiteral("error"), error}, {QStringLiteral("detail"), detail}},
                extraHeaders);
}

bool Publisher::checkWritable(const HttpRequest &request, QTcpSocket *socket, Session *session)
{
    if (session->isWritable())
        return true;
    // Viewers keep being served from what the log holds; publishers are told why not.
    respondError(request, socket, Status(507), QStringLiteral("insufficient storage"),
                 session->logError());
    return false;
}

bool Publisher::parseJsonObject(const HttpRequest &request, QTcpSocket *socket, QJsonObject *object,
                                bool allowEmpty)
{
    const QByteArray body = request.body();
    if (allowEmpty && body.trimmed().isEmpty()) {
        *object = {};
        return true;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("malformed JSON"),
                     QStringLiteral("%1 at offset %2").arg(error.errorString()).arg(error.offset));
        return false;
    }
    if (!document.isObject()) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("malformed JSON"),
                     QStringLiteral("the body must be a JSON object"));
        return false;
    }
    *object = document.object();
    return true;
}

QJsonObject Publisher::sessionInfo(Session *session) const
{
    QUrl streamUrl = sessionUrl(session->id());
    streamUrl.setPath(streamUrl.path() + QStringLiteral("/stream"));
    return {{QStringLiteral("id"), session->id()},
            {QStringLiteral("url"), sessionUrl(session->id()).toString()},
            {QStringLiteral("streamUrl"), streamUrl.toString()},
            {QStringLiteral("lastSequence"), qint64(session->lastSequence())},
            {QStringLiteral("state"), SessionModel::sessionStateText(session->model()->state())},
            {QStringLiteral("files"), int(session->model()->files().size())},
            {QStringLiteral("subscribers"), subscriberCount(session->id())},
            {QStringLiteral("createdAt"), session->createdAt().toString(Qt::ISODateWithMs)}};
}

// ---- routes -----------------------------------------------------------------------------

void Publisher::listSessions(const HttpRequest &request, QTcpSocket *socket)
{
    QJsonArray sessions;
    for (Session *session : m_hub->sessions())
        sessions.append(sessionInfo(session));
    respondJson(request, socket, Status::Ok, {{QStringLiteral("sessions"), sessions}});
}

void Publisher::createSession(const HttpRequest &request, QTcpSocket *socket)
{
    QJsonObject body;
    if (!parseJsonObject(request, socket, &body, true))
        return;
    const QJsonValue idValue = body.value(QStringLiteral("id"));
    if (!idValue.isUndefined() && !idValue.isNull() && !idValue.isString()) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("invalid field"),
                     QStringLiteral("\"id\" must be a string"));
        return;
    }
    const QString id = idValue.toString();
    if (!id.isEmpty() && !SessionHub::isValidSessionId(id)) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("invalid session id"),
                     QStringLiteral("a session id has 1 to 64 characters of A-Z a-z 0-9 _ -"));
        return;
    }
    if (!id.isEmpty() && m_hub->session(id)) {
        respondError(request, socket, Status::Conflict, QStringLiteral("session exists"),
                     QStringLiteral("a session with id \"%1\" exists already").arg(id));
        return;
    }
    Session *session = m_hub->createSession(id);
    if (!session) {
        respondError(request, socket, Status::InternalServerError,
                     QStringLiteral("cannot create session"), QStringLiteral("see the server log"));
        return;
    }
    respondJson(request, socket, Status::Created, sessionInfo(session));
}

void Publisher::postFiles(const HttpRequest &request, QTcpSocket *socket, Session *session)
{
    QJsonObject body;
    if (!checkWritable(request, socket, session) || !parseJsonObject(request, socket, &body))
        return;
    const QJsonValue fileName = body.value(QStringLiteral("fileName"));
    const QJsonValue content = body.value(QStringLiteral("content"));
    if (!fileName.isString() || !content.isString()) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("missing field"),
                     QStringLiteral("\"fileName\" and \"content\" (strings) are required"));
        return;
    }
    ChunkOptions options;
    QString detail;
    if (!JsonMember::readInteger(body, QStringLiteral("chunkSize"), 1, kMaxChunkSize,
                                 &options.chunkSize, &detail)
        || !JsonMember::readInteger(body, QStringLiteral("delayMs"), 0, kMaxDelayMs,
                                    &options.delayMs, &detail)) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("invalid field"), detail);
        return;
    }
    const QJsonValue instant = body.value(QStringLiteral("instant"));
    if (!instant.isUndefined() && !instant.isNull() && !instant.isBool()) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("invalid field"),
                     QStringLiteral("\"instant\" must be true or false"));
        return;
    }
    options.instant = instant.toBool(false);

    const QString name = fileName.toString();
    if (!FileStreamer::validateFileName(name, &detail)) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("invalid file name"),
                     detail + QStringLiteral(": ") + name);
        return;
    }
    const QString text = content.toString();
    FileStreamer *streamer = session->fileStreamer();
    streamer->enqueue(name, text, options);
    qCInfo(lcServer, "session %s: accepted %s (%lld characters, chunk %d, delay %d ms%s)",
           qPrintable(session->id()), qPrintable(name), static_cast<long long>(text.size()),
           options.chunkSize, options.delayMs, options.instant ? ", instant" : "");
    acknowledge(request, socket, session, Status::Accepted,
                {{QStringLiteral("accepted"), true},
                 {QStringLiteral("sessionId"), session->id()},
                 {QStringLiteral("fileName"), name},
                 {QStringLiteral("chunks"),
                  options.instant ? 0 : qint64(Chunker::chunkCount(text, options.chunkSize))},
                 {QStringLiteral("queuedFiles"), qint64(streamer->pendingFiles())}});
}

void Publisher::postComplete(const HttpRequest &request, QTcpSocket *socket, Session *session)
{
    QJsonObject body;
    if (!checkWritable(request, socket, session) || !parseJsonObject(request, socket, &body, true))
        return;
    const QJsonValue errorValue = body.value(QStringLiteral("error"));
    if (!errorValue.isUndefined() && !errorValue.isNull() && !errorValue.isString()) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("invalid field"),
                     QStringLiteral("\"error\" must be a string"));
        return;
    }
    SessionEvent event;
    if (!errorValue.toString().isEmpty()) {
        event.type = SessionEvent::Type::Error;
        event.error = errorValue.toString();
    }
    // Files still being typed: it completes once the queue drains, and only once.
    const bool pending = session->completeWhenIdle(event);
    QJsonObject answer {{QStringLiteral("accepted"), true}, {QStringLiteral("pending"), pending}};
    if (pending)
        answer.insert(QStringLiteral("queuedFiles"),
                      qint64(session->fileStreamer()->pendingFiles()));
    else
        answer.insert(QStringLiteral("sequence"), qint64(session->lastSequence()));
    acknowledge(request, socket, session, Status::Accepted, answer);
}

void Publisher::postEvents(const HttpRequest &request, QTcpSocket *socket, Session *session)
{
    if (!checkWritable(request, socket, session))
        return;
    // Raw native events: one JSON object, a JSON array of them, or NDJSON (one per line).
    const QByteArray body = request.body();
    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty()) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("missing body"),
                     QStringLiteral("send a JSON event object, an array of them, or NDJSON"));
        return;
    }
    struct Item
    {
        QJsonObject object;
        qint64 size = 0;
        int line = 0; // 1-based NDJSON line or array index + 1
    };
    QList<Item> items;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(trimmed, &error);
    if (error.error == QJsonParseError::NoError && document.isObject()) {
        items.append(Item {document.object(), trimmed.size(), 1});
    } else if (error.error == QJsonParseError::NoError && document.isArray()) {
        const QJsonArray array = document.array();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isObject()) {
                respondError(request, socket, Status::BadRequest, QStringLiteral("malformed JSON"),
                             QStringLiteral("array element %1 is not a JSON object").arg(i));
                return;
            }
            const QJsonObject object = array.at(i).toObject();
            items.append(Item {object, QJsonDocument(object).toJson(QJsonDocument::Compact).size(),
                               int(i + 1)});
        }
    } else if (error.error == QJsonParseError::NoError) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("malformed JSON"),
                     QStringLiteral("the body must be a JSON object, an array or NDJSON"));
        return;
    } else if (trimmed.contains('\n')) {
        // Numbered in the body as sent: blank lines before the first event count too.
        int lineNumber = 0;
        for (const QByteArray &rawLine : body.split('\n')) {
            ++lineNumber;
            const QByteArray line = rawLine.trimmed();
            if (line.isEmpty())
                continue;
            if (line.size() > m_maxEventSize) {
                respondError(request, socket, Status::PayloadTooLarge,
                             QStringLiteral("event too large"),
                             QStringLiteral("line %1 has %2 bytes; the limit per event is %3 bytes")
                                 .arg(lineNumber)
                                 .arg(line.size())
                                 .arg(m_maxEventSize));
                return;
            }
            QJsonParseError lineError;
            const QJsonDocument lineDocument = QJsonDocument::fromJson(line, &lineError);
            if (lineError.error != QJsonParseError::NoError || !lineDocument.isObject()) {
                respondError(request, socket, Status::BadRequest, QStringLiteral("malformed JSON"),
                             QStringLiteral("NDJSON line %1: %2")
                                 .arg(lineNumber)
                                 .arg(lineError.error != QJsonParseError::NoError
                                          ? lineError.errorString()
                                          : QStringLiteral("not a JSON object")));
                return;
            }
            items.append(Item {lineDocument.object(), line.size(), lineNumber});
        }
    } else {
        respondError(request, socket, Status::BadRequest, QStringLiteral("malformed JSON"),
                     QStringLiteral("%1 at offset %2").arg(error.errorString()).arg(error.offset));
        return;
    }

    // All or nothing: every event is checked before the first is published.
    static const QStringList publishable
        = {QStringLiteral("code"), QStringLiteral("step"), QStringLiteral("progress"),
           QStringLiteral("chat"), QStringLiteral("session")};
    QList<EventPayload> payloads;
    payloads.reserve(items.size());
    for (const Item &item : std::as_const(items)) {
        const QString where = items.size() == 1 ? QStringLiteral("event")
                                                : QStringLiteral("event %1").arg(item.line);
        if (item.size > m_maxEventSize) {
            respondError(request, socket, Status::PayloadTooLarge,
                         QStringLiteral("event too large"),
                         QStringLiteral("%1 has %2 bytes; the limit per event is %3 bytes")
                             .arg(where)
                             .arg(item.size)
                             .arg(m_maxEventSize));
            return;
        }
        const QJsonValue nameValue = item.object.value(QStringLiteral("event"));
        if (!nameValue.isString()) {
            respondError(
                request, socket, Status::BadRequest, QStringLiteral("missing field"),
                QStringLiteral("%1: \"event\" (the event name, a string) is required").arg(where));
            return;
        }
        const QString name = nameValue.toString();
        if (!publishable.contains(name)) {
            respondError(request, socket, Status::BadRequest, QStringLiteral("unknown event type"),
                         QStringLiteral("%1: \"%2\" is not one of %3")
                             .arg(where, name, publishable.join(QStringLiteral(", "))));
            return;
        }
        const QJsonValue sessionValue = item.object.value(QStringLiteral("sessionId"));
        if (!sessionValue.isUndefined() && !sessionValue.isNull()
            && sessionValue.toString() != session->id()) {
            respondError(request, socket, Status::BadRequest, QStringLiteral("session mismatch"),
                         QStringLiteral("%1 names session \"%2\" but was posted to \"%3\"")
                             .arg(where, sessionValue.toString(), session->id()));
            return;
        }
        QJsonObject object = item.object;
        object.insert(QStringLiteral("sessionId"), session->id());
        object.remove(QStringLiteral("seq")); // the publisher numbers events
        const DecodeResult decoded = EventCodec::decodeObject(name, object);
        if (!decoded.ok()) {
            respondError(request, socket, Status::BadRequest, QStringLiteral("invalid event"),
                         QStringLiteral("%1: %2").arg(where, decoded.error));
            return;
        }
        if (const auto *code = std::get_if<CodeEvent>(&decoded.event->payload)) {
            QString reason;
            if (!FileStreamer::validateFileName(code->fileName, &reason)) {
                respondError(request, socket, Status::BadRequest,
                             QStringLiteral("invalid file name"),
                             QStringLiteral("%1: %2: %3").arg(where, reason, code->fileName));
                return;
            }
        }
        payloads.append(decoded.event->payload);
    }

    quint64 first = 0;
    quint64 last = 0;
    for (const EventPayload &payload : std::as_const(payloads)) {
        last = session->publish(payload).sequence;
        if (first == 0)
            first = last;
    }
    qCInfo(lcServer, "session %s: published %lld raw events (%llu..%llu)",
           qPrintable(session->id()), static_cast<long long>(payloads.size()),
           static_cast<unsigned long long>(first), static_cast<unsigned long long>(last));
    acknowledge(request, socket, session, Status::Accepted,
                {{QStringLiteral("accepted"), qint64(payloads.size())},
                 {QStringLiteral("firstSequence"), qint64(first)},
                 {QStringLiteral("lastSequence"), qint64(last)}});
}

void Publisher::postChat(const HttpRequest &request, QTcpSocket *socket, Session *session)
{
    QJsonObject body;
    if (!checkWritable(request, socket, session) || !parseJsonObject(request, socket, &body))
        return;
    const QJsonValue textValue = body.value(QStringLiteral("text"));
    if (!textValue.isString()) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("missing field"),
                     QStringLiteral("\"text\" (a string) is required"));
        return;
    }
    ChatRole role = ChatRole::Assistant;
    const QJsonValue roleValue = body.value(QStringLiteral("role"));
    if (!roleValue.isUndefined() && !roleValue.isNull()
        && (!roleValue.isString() || !chatRoleFromText(roleValue.toString(), &role))) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("invalid field"),
                     QStringLiteral("\"role\" must be assistant, user, system or event"));
        return;
    }
    const QJsonValue idValue = body.value(QStringLiteral("messageId"));
    if (!idValue.isUndefined() && !idValue.isNull()
        && (!idValue.isString() || idValue.toString().isEmpty())) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("invalid field"),
                     QStringLiteral("\"messageId\" must be a non-empty string"));
        return;
    }
    int chunkSize = 0; // 0: the whole text in one delta
    QString detail;
    if (!JsonMember::readInteger(body, QStringLiteral("chunkSize"), 1, kMaxChunkSize, &chunkSize,
                                 &detail)) {
        respondError(request, socket, Status::BadRequest, QStringLiteral("invalid field"), detail);
        return;
    }
    const QString text = textValue.toString();
    if (text.toUtf8().size() > m_maxEventSize) {
        respondError(request, socket, Status::PayloadTooLarge, QStringLiteral("event too large"),
                     QStringLiteral("the text has more than %1 bytes").arg(m_maxEventSize));
        return;
    }
    const QString messageId = idValue.isString()
        ? idValue.toString()
        : QStringLiteral("msg_") + SessionHub::generateId();
    const quint64 first
        = session->publish(ChatEvent {ChatEvent::Type::Start, messageId, role, QString()}).sequence;
    const QList<QStringView> chunks
        = chunkSize > 0 ? Chunker::split(text, chunkSize) : QList<QStringView> {QStringView(text)};
    for (QStringView chunk : chunks) {
        if (!chunk.isEmpty())
            session->publish(ChatEvent {ChatEvent::Type::Delta, messageId, role, chunk.toString()});
    }
    const quint64 last
        = session->publish(ChatEvent {ChatEvent::Type::Complete, messageId, role, QString()})
              .sequence;
    acknowledge(request, socket, session, Status::Accepted,
                {{QStringLiteral("accepted"), true},
                 {QStringLiteral("messageId"), messageId},
                 {QStringLiteral("firstSequence"), qint64(first)},
                 {QStringLiteral("lastSequence"), qint64(last)}});
}

void Publisher::deleteSession(const HttpRequest &request, QTcpSocket *socket, Session *session)
{
    const QString id = session->id();
    const int closed = subscriberCount(id);
    m_hub->removeSession(id); // its subscribers are closed when it is destroyed
    respondJson(request, socket, Status::Ok,
                {{QStringLiteral("deleted"), true},
                 {QStringLiteral("id"), id},
                 {QStringLiteral("subscribersClosed"), closed}});
}

// ---- streams ----------------------------------------------------------------------------

namespace {

// The sequence a viewer holds, from Last-Event-ID (or ?lastEventId=); 0 when it says none, or
// nothing this publisher can read (it then gets everything).
quint64 lastSequenceOf(const QByteArray &lastIdText)
{
    bool ok = false;
    const quint64 sequence = lastIdText.trimmed().toULongLong(&ok);
    if (!lastIdText.isEmpty() && !ok)
        qCDebug(lcServer, "ignoring unreadable Last-Event-ID %s", lastIdText.constData());
    return ok ? sequence : 0;
}

} // namespace

void Publisher::openStream(const HttpRequest &request, QTcpSocket *socket, Session *session)
{
    QByteArray lastIdText = request.value(QByteArrayLiteral("last-event-id")).trimmed();
    if (lastIdText.isEmpty())
        lastIdText = request.query().queryItemValue(QStringLiteral("lastEventId")).toLatin1();
    Headers headers {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/event-stream")},
                     {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")},
                     {QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no")},
                     {QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive")}};
    headers.append(corsHeaders(request));
    const QByteArray head = HttpResponse::head(int(Status::Ok), headers);
    socket->write(head);
    m_metrics.countResponse(ServerMetrics::routeOf(request.url().path()), int(Status::Ok));
    m_metrics.countBytesSent(head.size());
    if (HttpConnection *connection = HttpConnection::of(socket))
        connection->streamStarted();
    m_subscribers.addSse(socket, session, lastSequenceOf(lastIdText),
                         QStringLiteral("client_") + SessionHub::generateId());
}

void Publisher::openSnapshot(const HttpRequest &request, QTcpSocket *socket, Session *session)
{
    // The state as catch-up events, one per line, each bounded; the end of the connection ends
    // it (its length is not known in advance).
    Headers headers {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-ndjson")},
                     {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")},
                     {QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no")},
                     {QByteArrayLiteral("Connection"), QByteArrayLiteral("close")}};
    headers.append(corsHeaders(request));
    socket->write(HttpResponse::head(int(Status::Ok), headers));
    m_metrics.countResponse(ServerMetrics::routeOf(request.url().path()), int(Status::Ok));
    if (HttpConnection *connection = HttpConnection::of(socket))
        connection->streamStarted();
    m_subscribers.addSnapshotReader(socket, session);
}

bool Publisher::admitConnection(const HttpRequest &request, QTcpSocket *socket)
{
    if (m_limiter.isUnlimited() || m_admitted.contains(socket))
        return true;
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
        respondError(request, socket, Status::TooManyRequests,
                     QStringLiteral("too many connections"), detail,
                     {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")},
                      {QByteArrayLiteral("Connection"), QByteArrayLiteral("close")}});
        return false;
    }
    m_admitted.insert(socket, peer);
    const auto release = [this, socket] {
        // `socket` may be mid-destruction: only a key here.
        const auto it = m_admitted.constFind(socket);
        if (it == m_admitted.cend())
            return;
        m_limiter.release(*it);
        m_admitted.erase(it);
    };
    connect(socket, &QAbstractSocket::disconnected, this, release);
    connect(socket, &QObject::destroyed, this, release);
    return true;
}

bool Publisher::authorize(const HttpRequest &request, QTcpSocket *socket, AccessPolicy::Need need,
                          const QString &sessionId)
{
    switch (m_access.check(AccessPolicy::presentedToken(request), need, sessionId)) {
    case AccessPolicy::Verdict::Allowed:
        return true;
    case AccessPolicy::Verdict::MissingToken:
        respondError(request, socket, Status::Unauthorized,
                     QStringLiteral("authentication required"),
                     QStringLiteral("send \"Authorization: Bearer TOKEN\" or ?token=TOKEN"),
                     {{QByteArrayLiteral("WWW-Authenticate"),
                       QByteArrayLiteral("Bearer realm=\"inkstream\"")}});
        return false;
    case AccessPolicy::Verdict::WrongToken:
        respondError(request, socket, Status::Forbidden, QStringLiteral("forbidden"),
                     need == AccessPolicy::Need::Publish
                         ? QStringLiteral("the token does not allow publishing")
                         : QStringLiteral("the token is not valid"));
        return false;
    }
    return false;
}

void Publisher::respondMetrics(const HttpRequest &request, QTcpSocket *socket)
{
    ServerMetrics::Gauges gauges;
    gauges.sessions = m_hub ? m_hub->sessions().size() : 0;
    gauges.sseSubscribers = m_subscribers.sseCount();
    gauges.webSocketSubscribers = m_subscribers.webSocketCount();
    gauges.heapReleasePending = m_heapReleaser.isPending();
    respond(request, socket, Status::Ok, QByteArrayLiteral("text/plain; version=0.0.4"),
            m_metrics.toPrometheusText(gauges));
}

void Publisher::serveViewerPage(const HttpRequest &request, QTcpSocket *socket, Session *session)
{
    QFile page(QStringLiteral(":/web/viewer.html"));
    if (!page.open(QIODevice::ReadOnly)) {
        respondError(request, socket, Status::InternalServerError,
                     QStringLiteral("viewer page missing"), page.errorString());
        return;
    }
    qCDebug(lcServer, "viewer page for session %s", qPrintable(session->id()));
    respond(request, socket, Status::Ok, QByteArrayLiteral("text/html; charset=utf-8"),
            page.readAll());
}

// ---- WebSocket --------------------------------------------------------------------------

void Publisher::acceptWebSockets()
{
    QWebSocketServer *server = m_tcpServer->webSocketServer();
    while (server->hasPendingConnections()) {
        if (QWebSocket *socket = server->nextPendingConnection())
            openWebSocket(socket);
    }
}

void Publisher::openWebSocket(QWebSocket *socket)
{
    socket->setParent(this); // until the subscriber set takes it
    // Viewers send nothing large: a bigger frame or message closes the socket with 1009
    // before its payload is buffered.
    socket->setMaxAllowedIncomingFrameSize(kMaxIncomingWebSocketMessage);
    socket->setMaxAllowedIncomingMessageSize(kMaxIncomingWebSocketMessage);
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    const QUrl url = socket->requestUrl();
    const QString route = ServerMetrics::routeOf(url.path());
    // Qt 6.4 upgrades before anyone can look at the request: path, token and limits are
    // checked now. A refusal closes with 1008 (policy violation) and a reason that starts with
    // the HTTP status it stands for ("401 authentication required"): QWebSocket can only send
    // the standard codes, so the status travels in the reason.
    const auto refuse = [&](int httpStatus, const QString &reason) {
        qCInfo(lcServer, "WebSocket %s from %s refused: %s", qPrintable(url.path()),
               qPrintable(socket->peerAddress().toString()), qPrintable(reason));
        m_metrics.countResponse(route, httpStatus);
        // Closed on the next turn: Qt still reads from the socket right after this signal.
        const QString text = QString::number(httpStatus) + u' ' + reason;
        QTimer::singleShot(0, socket, [socket, text] {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, text);
        });
    };

    // The token first: without it, no answer may tell which sessions exist.
    const QStringList parts = url.path().split(u'/', Qt::SkipEmptyParts);
    const QByteArray token = AccessPolicy::presentedToken(
        socket->request().rawHeader(QByteArrayLiteral("Authorization")),
        url.query(QUrl::FullyEncoded));
    switch (m_access.check(token, AccessPolicy::Need::Read, sessionIdOf(parts))) {
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
    const QHostAddress peer = socket->peerAddress();
    if (!m_limiter.isUnlimited()) {
        if (m_limiter.admit(peer) != ConnectionLimiter::Verdict::Allowed) {
            m_metrics.countConnectionRefused();
            refuse(429, QStringLiteral("too many connections from %1").arg(peer.toString()));
            return;
        }
        connect(socket, &QObject::destroyed, this, [this, peer] { m_limiter.release(peer); });
    }

    QByteArray lastIdText = socket->request().rawHeader(QByteArrayLiteral("Last-Event-ID"));
    if (lastIdText.isEmpty())
        lastIdText = QUrlQuery(url).queryItemValue(QStringLiteral("lastEventId")).toLatin1();
    m_metrics.countResponse(route, 101);
    m_subscribers.addWebSocket(socket, session, lastSequenceOf(lastIdText),
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
