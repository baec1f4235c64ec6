#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <functional>

namespace inkstream::core {

class ReplyWriter;
class ServerMetrics;
class Session;
class SessionHub;
class SubscriberSet;

// Answers the REST requests on the sessions of a hub (docs/protocol.md): lists, creates,
// describes and deletes them, publishes to them, and opens their streams, snapshots and viewer
// page. Routing and access checks are the publisher's; a handler gets an existing session.
class SessionRequestHandlers final
{
public:
    // `sessionUrl`: the public URL of a session (it knows the port once the publisher listens).
    SessionRequestHandlers(SessionHub *hub, SubscriberSet *subscribers, ServerMetrics *metrics,
                           std::function<QUrl(const QString &sessionId)> sessionUrl);

    // A single event of POST .../events (its JSON) or chat text larger than this is refused
    // with 413.
    void setMaxEventSize(qint64 bytes) { m_maxEventSize = bytes; }
    qint64 maxEventSize() const { return m_maxEventSize; }

    // The sequence a viewer holds, from Last-Event-ID (or ?lastEventId=); 0 when it says none,
    // or nothing this publisher can read (it then gets everything).
    static quint64 lastSequenceOf(const QByteArray &lastIdText);

    // /api/sessions
    void listSessions(const ReplyWriter &reply);
    void createSession(const ReplyWriter &reply);
    // /api/sessions/ID
    void describeSession(const ReplyWriter &reply, Session *session);
    void deleteSession(const ReplyWriter &reply, Session *session);
    // POST /api/sessions/ID/...: answered once what they logged is durable.
    void postFiles(const ReplyWriter &reply, Session *session);
    void postComplete(const ReplyWriter &reply, Session *session);
    void postEvents(const ReplyWriter &reply, Session *session);
    void postChat(const ReplyWriter &reply, Session *session);
    // GET /api/sessions/ID/...
    void openStream(const ReplyWriter &reply, Session *session);
    void serveSnapshot(const ReplyWriter &reply, Session *session);
    void confirmAccess(const ReplyWriter &reply, Session *session);
    // GET /view/ID
    void serveViewerPage(const ReplyWriter &reply, Session *session);

private:
    QJsonObject sessionInfo(Session *session) const;
    bool checkWritable(const ReplyWriter &reply, Session *session);
    void openSnapshot(const ReplyWriter &reply, Session *session);

    QPointer<SessionHub> m_hub;
    SubscriberSet *m_subscribers;
    ServerMetrics *m_metrics;
    std::function<QUrl(const QString &sessionId)> m_sessionUrl;
    qint64 m_maxEventSize = 256 * 1024;
};

} // namespace inkstream::core
