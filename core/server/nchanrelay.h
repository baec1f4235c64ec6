#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;

namespace inkstream::core {

class Session;
struct Event;

// Forwards every event a Session publishes to an nginx + nchan publisher endpoint
// (docs/relay.md): one POST per event, in sequence order, body = the native one-line JSON (it
// carries "seq" and "event", so viewers de-duplicate and decode it), `X-EventSource-Event` = the
// event name (nchan's eventsource subscribers send it as `event:`). Events queue in memory and go
// out one request at a time, so the session never waits for the relay; transient failures
// (network errors, 408/429/5xx) are retried with backoff, other refusals drop that event with a
// warning. Past maxQueued() events the newest are dropped (viewers see the gap).
class NchanRelay final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NchanRelay)

public:
    // Relays `session` (not owned; the relay should be its child or die before it) to
    // `publishUrl`.
    explicit NchanRelay(Session *session, const QUrl &publishUrl, QObject *parent = nullptr);
    ~NchanRelay() override;

    // `urlTemplate` with "{id}" (or "{session}") replaced by the session id; an invalid URL when
    // the result is not http(s) with a host.
    static QUrl publishUrlFor(const QString &urlTemplate, const QString &sessionId);

    // Sent as `Authorization: Bearer TOKEN` (nginx checks it in front of nchan_publisher).
    void setToken(const QByteArray &token) { m_token = token; }
    void setMaxQueued(int events) { m_maxQueued = events; }
    int maxQueued() const { return m_maxQueued; }
    static constexpr int kDefaultMaxQueued = 100000;
    // Longest wait between retries of a failing event. Default 5 s.
    void setMaxRetryDelay(std::chrono::milliseconds delay) { m_maxRetryDelay = delay; }

    QUrl publishUrl() const { return m_publishUrl; }
    // Nothing queued and nothing in flight.
    bool isIdle() const;
    int queued() const { return int(m_queue.size()); }
    quint64 lastRelayedSequence() const { return m_lastRelayedSequence; }
    quint64 relayedCount() const { return m_relayed; }
    quint64 droppedCount() const { return m_dropped; } // queue overflow
    quint64 refusedCount() const { return m_refused; } // permanent refusals (4xx)
    quint64 retryCount() const { return m_retries; }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void eventRelayed(quint64 sequence);
    // Everything published so far has been relayed (or dropped).
    void idle();
    void errorOccurred(const QString &message);

private:
    struct Pending
    {
        quint64 sequence = 0;
        QByteArray name;
        QByteArray body;
    };
    void enqueue(const Event &event);
    void sendNext();
    void onFinished();
    void fail(const QString &message);

    QPointer<Session> m_session;
    QUrl m_publishUrl;
    QByteArray m_token;
    QNetworkAccessManager *m_manager = nullptr;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retryTimer;
    QList<Pending> m_queue; // front = in flight or next
    int m_maxQueued = kDefaultMaxQueued;
    std::chrono::milliseconds m_maxRetryDelay {5000};
    int m_attempt = 0; // failed attempts of the front event
    bool m_overflowing = false;
    quint64 m_lastRelayedSequence = 0;
    quint64 m_relayed = 0;
    quint64 m_dropped = 0;
    quint64 m_refused = 0;
    quint64 m_retries = 0;
    QString m_lastError;
};

} // namespace inkstream::core
