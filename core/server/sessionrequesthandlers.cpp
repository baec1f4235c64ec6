#include "core/server/sessionrequesthandlers.h"

#include "core/model/sessionmodel.h"
#include "core/protocol/chunker.h"
#include "core/server/filestreamer.h"
#include "core/server/replywriter.h"
#include "core/server/requestbodyreader.h"
#include "core/server/serverlog.h"
#include "core/server/servermetrics.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "core/server/subscriberset.h"

#include <QFile>
#include <QJsonArray>

namespace inkstream::core {

namespace {

using Status = HttpStatus;

void respondError(const ReplyWriter &reply, const RequestBodyReader::Error &error)
{
    reply.respondError(error.status, error.error, error.detail);
}

} // namespace

SessionRequestHandlers::SessionRequestHandlers(
    SessionHub *hub, SubscriberSet *subscribers, ServerMetrics *metrics,
    std::function<QUrl(const QString &sessionId)> sessionUrl)
    : m_hub(hub)
    , m_subscribers(subscribers)
    , m_metrics(metrics)
    , m_sessionUrl(std::move(sessionUrl))
{ }

quint64 SessionRequestHandlers::lastSequenceOf(const QByteArray &lastIdText)
{
    bool ok = false;
    const quint64 sequence = lastIdText.trimmed().toULongLong(&ok);
    if (!lastIdText.isEmpty() && !ok)
        qCDebug(lcServer, "ignoring unreadable Last-Event-ID %s", lastIdText.constData());
    return ok ? sequence : 0;
}

bool SessionRequestHandlers::checkWritable(const ReplyWriter &reply, Session *session)
{
    if (session->isWritable())
        return true;
    // Viewers keep being served from what the log holds; publishers are told why not.
    reply.respondError(Status(507), QStringLiteral("insufficient storage"), session->logError());
    return false;
}

QJsonObject SessionRequestHandlers::sessionInfo(Session *session) const
{
    QUrl streamUrl = m_sessionUrl(session->id());
    streamUrl.setPath(streamUrl.path() + QStringLiteral("/stream"));
    return {{QStringLiteral("id"), session->id()},
            {QStringLiteral("url"), m_sessionUrl(session->id()).toString()},
            {QStringLiteral("streamUrl"), streamUrl.toString()},
            {QStringLiteral("lastSequence"), qint64(session->lastSequence())},
            {QStringLiteral("state"), SessionModel::sessionStateText(session->model()->state())},
            {QStringLiteral("files"), int(session->model()->files().size())},
            {QStringLiteral("subscribers"), m_subscribers->count(session->id())},
            {QStringLiteral("createdAt"), session->createdAt().toString(Qt::ISODateWithMs)}};
}

// ---- the sessions -----------------------------------------------------------------------

void SessionRequestHandlers::listSessions(const ReplyWriter &reply)
{
    QJsonArray sessions;
    for (Session *session : m_hub->sessions())
        sessions.append(sessionInfo(session));
    reply.respondJson(Status::Ok, {{QStringLiteral("sessions"), sessions}});
}

void SessionRequestHandlers::createSession(const ReplyWriter &reply)
{
    RequestBodyReader reader(m_maxEventSize);
    QString id;
    if (!reader.readOptionalString(reply.request().body(), QStringLiteral("id"), &id)) {
        respondError(reply, reader.error());
        return;
    }
    if (!id.isEmpty() && !SessionHub::isValidSessionId(id)) {
        reply.respondError(
            Status::BadRequest, QStringLiteral("invalid session id"),
            QStringLiteral("a session id has 1 to 64 characters of A-Z a-z 0-9 _ -"));
        return;
    }
    if (!id.isEmpty() && m_hub->session(id)) {
        reply.respondError(Status::Conflict, QStringLiteral("session exists"),
                           QStringLiteral("a session with id \"%1\" exists already").arg(id));
        return;
    }
    Session *session = m_hub->createSession(id);
    if (!session) {
        reply.respondError(Status::InternalServerError, QStringLiteral("cannot create session"),
                           QStringLiteral("see the server log"));
        return;
    }
    reply.respondJson(Status::Created, sessionInfo(session));
}

void SessionRequestHandlers::describeSession(const ReplyWriter &reply, Session *session)
{
    reply.respondJson(Status::Ok, sessionInfo(session));
}

void SessionRequestHandlers::deleteSession(const ReplyWriter &reply, Session *session)
{
    const QString id = session->id();
    const int closed = m_subscribers->count(id);
    m_hub->removeSession(id); // its subscribers are closed when it is destroyed
    reply.respondJson(Status::Ok,
                      {{QStringLiteral("deleted"), true},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("subscribersClosed"), closed}});
}

// ---- publishing -------------------------------------------------------------------------

void SessionRequestHandlers::postFiles(const ReplyWriter &reply, Session *session)
{
    if (!checkWritable(reply, session))
        return;
    RequestBodyReader reader(m_maxEventSize);
    RequestBodyReader::FileUpload upload;
    if (!reader.readFileUpload(reply.request().body(), &upload)) {
        respondError(reply, reader.error());
        return;
    }
    const ChunkOptions &options = upload.options;
    FileStreamer *streamer = session->fileStreamer();
    streamer->enqueue(upload.fileName, upload.content, options);
    qCInfo(lcServer, "session %s: accepted %s (%lld characters, chunk %d, delay %d ms%s)",
           qPrintable(session->id()), qPrintable(upload.fileName),
           static_cast<long long>(upload.content.size()), options.chunkSize, options.delayMs,
           options.instant ? ", instant" : "");
    reply.acknowledge(
        session, Status::Accepted,
        {{QStringLiteral("accepted"), true},
         {QStringLiteral("sessionId"), session->id()},
         {QStringLiteral("fileName"), upload.fileName},
         {QStringLiteral("chunks"),
          options.instant ? 0 : qint64(Chunker::chunkCount(upload.content, options.chunkSize))},
         {QStringLiteral("queuedFiles"), qint64(streamer->pendingFiles())}});
}

void SessionRequestHandlers::postComplete(const ReplyWriter &reply, Session *session)
{
    if (!checkWritable(reply, session))
        return;
    RequestBodyReader reader(m_maxEventSize);
    QString error;
    if (!reader.readOptionalString(reply.request().body(), QStringLiteral("error"), &error)) {
        respondError(reply, reader.error());
        return;
    }
    SessionEvent event;
    if (!error.isEmpty()) {
        event.type = SessionEvent::Type::Error;
        event.error = error;
    }
    // Files still being typed: it completes once the queue drains, and only once.
    const bool pending = session->completeWhenIdle(event);
    QJsonObject answer {{QStringLiteral("accepted"), true}, {QStringLiteral("pending"), pending}};
    if (pending)
        answer.insert(QStringLiteral("queuedFiles"),
                      qint64(session->fileStreamer()->pendingFiles()));
    else
        answer.insert(QStringLiteral("sequence"), qint64(session->lastSequence()));
    reply.acknowledge(session, Status::Accepted, answer);
}

void SessionRequestHandlers::postEvents(const ReplyWriter &reply, Session *session)
{
    if (!checkWritable(reply, session))
        return;
    RequestBodyReader reader(m_maxEventSize);
    QList<EventPayload> payloads;
    if (!reader.readEvents(reply.request().body(), session->id(), &payloads)) {
        respondError(reply, reader.error());
        return;
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
    reply.acknowledge(session, Status::Accepted,
                      {{QStringLiteral("accepted"), qint64(payloads.size())},
                       {QStringLiteral("firstSequence"), qint64(first)},
                       {QStringLiteral("lastSequence"), qint64(last)}});
}

void SessionRequestHandlers::postChat(const ReplyWriter &reply, Session *session)
{
    if (!checkWritable(reply, session))
        return;
    RequestBodyReader reader(m_maxEventSize);
    RequestBodyReader::ChatMessage message;
    if (!reader.readChatMessage(reply.request().body(), &message)) {
        respondError(reply, reader.error());
        return;
    }
    const QString messageId = message.messageId.isEmpty()
        ? QStringLiteral("msg_") + SessionHub::generateId()
        : message.messageId;
    const ChatRole role = message.role;
    const quint64 first
        = session->publish(ChatEvent {ChatEvent::Type::Start, messageId, role, QString()}).sequence;
    const QList<QStringView> chunks = message.chunkSize > 0
        ? Chunker::split(message.text, message.chunkSize)
        : QList<QStringView> {QStringView(message.text)};
    for (QStringView chunk : chunks) {
        if (!chunk.isEmpty())
            session->publish(ChatEvent {ChatEvent::Type::Delta, messageId, role, chunk.toString()});
    }
    const quint64 last
        = session->publish(ChatEvent {ChatEvent::Type::Complete, messageId, role, QString()})
              .sequence;
    reply.acknowledge(session, Status::Accepted,
                      {{QStringLiteral("accepted"), true},
                       {QStringLiteral("messageId"), messageId},
                       {QStringLiteral("firstSequence"), qint64(first)},
                       {QStringLiteral("lastSequence"), qint64(last)}});
}

// ---- reading ----------------------------------------------------------------------------

void SessionRequestHandlers::openStream(const ReplyWriter &reply, Session *session)
{
    const HttpRequest &request = reply.request();
    QByteArray lastIdText = request.value(QByteArrayLiteral("last-event-id")).trimmed();
    if (lastIdText.isEmpty())
        lastIdText = request.query().queryItemValue(QStringLiteral("lastEventId")).toLatin1();
    const QByteArray head = reply.streamHead(
        {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/event-stream")},
         {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")},
         {QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no")},
         {QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive")}});
    m_metrics->countBytesSent(head.size());
    m_subscribers->addSse(reply.socket(), head, session, lastSequenceOf(lastIdText),
                          QStringLiteral("client_") + SessionHub::generateId());
}

void SessionRequestHandlers::serveSnapshot(const ReplyWriter &reply, Session *session)
{
    const HttpRequest &request = reply.request();
    const bool asEvents = request.value("accept").contains("application/x-ndjson")
        || request.query().queryItemValue(QStringLiteral("format")) == u"ndjson";
    if (asEvents)
        openSnapshot(reply, session);
    else
        reply.respondJson(Status::Ok, session->snapshot());
}

void SessionRequestHandlers::openSnapshot(const ReplyWriter &reply, Session *session)
{
    // The state as catch-up events, one per line, each bounded; the end of the connection ends
    // it (its length is not known in advance).
    const QByteArray head = reply.streamHead(
        {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-ndjson")},
         {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")},
         {QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no")},
         {QByteArrayLiteral("Connection"), QByteArrayLiteral("close")}});
    m_metrics->countBytesSent(head.size());
    m_subscribers->addSnapshotReader(reply.socket(), head, session);
}

void SessionRequestHandlers::confirmAccess(const ReplyWriter &reply, Session *)
{
    // Answers "may this request read the session?" for a relay in front
    // (nchan_authorize_request): the token was checked on the head, so: yes.
    reply.respond(Status::NoContent, QByteArrayLiteral("text/plain"), {});
}

void SessionRequestHandlers::serveViewerPage(const ReplyWriter &reply, Session *session)
{
    QFile page(QStringLiteral(":/web/viewer.html"));
    if (!page.open(QIODevice::ReadOnly)) {
        reply.respondError(Status::InternalServerError, QStringLiteral("viewer page missing"),
                           page.errorString());
        return;
    }
    qCDebug(lcServer, "viewer page for session %s", qPrintable(session->id()));
    reply.respond(Status::Ok, QByteArrayLiteral("text/html; charset=utf-8"), page.readAll());
}

} // namespace inkstream::core
