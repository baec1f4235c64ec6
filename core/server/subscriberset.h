#pragma once

#include "core/protocol/event.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <chrono>
#include <memory>

class QTcpSocket;

namespace inkstream::core {

class CatchUpReader;
class ServerMetrics;
class Session;
class StreamSocket;

// Every viewer of a publisher's sessions, SSE and WebSocket alike, under one policy: a new
// subscriber first gets its catch-up from the session log (bounded events, read only as fast as
// its socket takes them), then the live events, which are written once per event-loop turn and
// only after the session's log has them. Readers that fall behind, stall or grow old are
// dropped (they resume), every stream gets keep-alives, and nothing is ever written to a socket
// that is gone (QPointer). The same catch-up serves the NDJSON form of GET .../snapshot.
class SubscriberSet final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubscriberSet)

public:
    explicit SubscriberSet(ServerMetrics *metrics, QObject *parent = nullptr);
    ~SubscriberSet() override;

    // Live events of `session` reach its subscribers from now on.
    void attach(Session *session);

    // An SSE stream on `socket` (taken over: see StreamSocket), whose response head is
    // `head`: sends the head, `retry:`, `connected`, the catch-up after `lastSequence` (0: from
    // the start) and then the live events.
    void addSse(QTcpSocket *socket, const QByteArray &head, Session *session, quint64 lastSequence,
                const QString &clientId);
    // The same over a WebSocket: the opening handshake (whose Sec-WebSocket-Key is `key`) is
    // answered on `socket`, taken over as for SSE.
    void addWebSocket(QTcpSocket *socket, const QByteArray &key, Session *session,
                      quint64 lastSequence, const QString &clientId);
    // The NDJSON snapshot: `head` (without Content-Length), the catch-up from sequence 0 to the
    // session's head, then the connection closes.
    void addSnapshotReader(QTcpSocket *socket, const QByteArray &head, Session *session);

    void setKeepAliveInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds keepAliveInterval() const { return m_keepAliveInterval; }
    void setRetryInterval(std::chrono::milliseconds interval) { m_retryInterval = interval; }
    std::chrono::milliseconds retryInterval() const { return m_retryInterval; }
    void setMaxPendingBytes(qint64 bytes) { m_maxPendingBytes = bytes; }
    qint64 maxPendingBytes() const { return m_maxPendingBytes; }
    void setStallTimeout(std::chrono::milliseconds timeout) { m_stallTimeout = timeout; }
    void setMaxStreamAge(std::chrono::milliseconds age) { m_maxStreamAge = age; }
    // A WebSocket viewer's message (or frame) larger than this closes it with 1009.
    void setMaxIncomingMessageBytes(qint64 bytes) { m_maxIncomingMessageBytes = bytes; }

    int count() const; // SSE and WebSocket streams (snapshot readers are not subscribers)
    int count(const QString &sessionId) const;
    int sseCount() const;
    int webSocketCount() const;
    // The sequence a session's live subscribers have been sent up to.
    quint64 head(const QString &sessionId) const { return m_heads.value(sessionId); }

    // Cuts every stream of a session without a word; returns how many.
    int drop(const QString &sessionId);
    // Sends every subscriber a `shutdown` notice and closes its stream.
    void closeAll(const QString &reason);

Q_SIGNALS:
    void subscriberConnected(const QString &sessionId, const QString &clientId);
    void subscriberDisconnected(const QString &sessionId, const QString &clientId);

private:
    enum class Kind { Sse, WebSocket, Snapshot };
    struct Subscriber;
    struct Batch
    {
        QByteArray sseBytes; // the turn's frames, concatenated
        QByteArray webSocketBytes; // the same events as WebSocket text frames
    };

    // The connection of `socket` as a stream that starts with `head`; null if it cannot be
    // taken (then it is closed).
    StreamSocket *takeOver(QTcpSocket *socket, const QByteArray &head);
    Subscriber *add(std::unique_ptr<Subscriber> subscriber, StreamSocket *stream);
    // Sends `connected`, then the catch-up after `lastSequence`, then the live events.
    void subscribe(std::unique_ptr<Subscriber> subscriber, Session *session, quint64 lastSequence,
                   const QString &clientId);
    void remove(QObject *socket);
    void onEventPublished(const QString &sessionId, const QByteArray &frame);
    void flushAll();
    void flush(const QString &sessionId);
    void pump(Subscriber *subscriber);
    void schedulePump(Subscriber *subscriber);
    // Bytes framed for the subscriber's kind; false when it reads too slowly to take more.
    bool write(Subscriber *subscriber, const QByteArray &bytes);
    // Ends a stream after what is queued (a WebSocket with a close frame first).
    void closeStream(Subscriber *subscriber, quint16 webSocketCode, const QString &reason);
    void readWebSocket(Subscriber *subscriber, const QByteArray &bytes);
    qint64 unsent(const Subscriber *subscriber) const;
    void abort(Subscriber *subscriber);
    void sendKeepAlive();
    void reapStale();
    QList<Subscriber *> ofSession(const QString &sessionId) const;

    ServerMetrics *m_metrics = nullptr;
    QHash<QString, QPointer<Session>> m_sessions; // attached, by id
    QHash<QObject *, Subscriber *> m_subscribers; // by stream
    QHash<QString, Batch> m_batches; // by session id: live events of this turn
    QHash<QString, quint64> m_heads; // by session id
    bool m_flushScheduled = false;
    QElapsedTimer m_clock;
    QTimer m_keepAliveTimer;
    QTimer m_reapTimer;
    std::chrono::milliseconds m_keepAliveInterval {30000};
    std::chrono::milliseconds m_retryInterval {3000};
    std::chrono::milliseconds m_stallTimeout {60000};
    std::chrono::milliseconds m_maxStreamAge {3600000};
    qint64 m_maxPendingBytes = 16 * 1024 * 1024;
    qint64 m_maxIncomingMessageBytes = 64 * 1024;
};

} // namespace inkstream::core
