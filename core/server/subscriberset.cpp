#include "core/server/subscriberset.h"

#include "core/protocol/eventcodec.h"
#include "core/server/catchupreader.h"
#include "core/server/serverlog.h"
#include "core/server/servermetrics.h"
#include "core/server/session.h"
#include "core/server/streamsocket.h"
#include "core/server/websocketframereader.h"
#include "core/server/websocketframes.h"

#include <QTcpSocket>

namespace inkstream::core {

namespace {

// A catching-up subscriber gets more once less than this is waiting in its socket, and at most
// kPumpBudget per event-loop turn, so one fast reader never holds up the rest.
constexpr qint64 kLowWater = 256 * 1024;
constexpr qint64 kPumpBudget = 1024 * 1024;
// A live subscriber with more than this waiting in its socket is switched to catch-up.
constexpr qint64 kCatchUpAbove = 1024 * 1024;
// WebSocket close codes (RFC 6455 §7.4.1).
constexpr quint16 kNormalClosure = 1000;
constexpr quint16 kGoingAway = 1001;

QByteArrayView jsonOfFrame(const QByteArray &frame)
{
    const qsizetype start = frame.indexOf("\ndata: ") + 7;
    return QByteArrayView(frame).sliced(start, frame.size() - start - 2);
}

} // namespace

struct SubscriberSet::Subscriber
{
    Kind kind = Kind::Sse;
    QPointer<StreamSocket> stream;
    std::unique_ptr<WebSocketFrameReader> frames; // WebSocket: what the viewer sends
    QPointer<Session> session;
    QString sessionId;
    QString clientId;
    std::unique_ptr<CatchUpReader> catchUp; // while catching up
    quint64 stopAt = 0; // Snapshot: the last sequence it sends
    quint64 sentThrough = 0; // the last sequence written to its socket
    bool pumpScheduled = false;
    qint64 openedAtMs = 0;
    qint64 lastProgressMs = 0; // when its unsent bytes last went down (or were none)
    qint64 lastUnsent = 0;

    QObject *socket() const { return stream.data(); }
};

SubscriberSet::SubscriberSet(ServerMetrics *metrics, QObject *parent)
    : QObject(parent)
    , m_metrics(metrics)
{
    m_clock.start();
    connect(&m_keepAliveTimer, &QTimer::timeout, this, &SubscriberSet::sendKeepAlive);
    setKeepAliveInterval(m_keepAliveInterval);
    connect(&m_reapTimer, &QTimer::timeout, this, &SubscriberSet::reapStale);
    m_reapTimer.start(std::chrono::seconds(1));
}

SubscriberSet::~SubscriberSet()
{
    // The sockets may outlive the set (children of the server); none of their last signals
    // may reach it.
    for (auto it = m_subscribers.cbegin(); it != m_subscribers.cend(); ++it) {
        it.key()->disconnect(this);
        delete it.value();
    }
}

void SubscriberSet::attach(Session *session)
{
    const QString id = session->id();
    m_sessions.insert(id, session);
    connect(session, &Session::eventPublished, this,
            [this, id](const Event &, const QByteArray &frame) {
                m_metrics->countEventPublished();
                onEventPublished(id, frame);
            });
    connect(session, &Session::logWritable, this, [this, id] { flush(id); });
    connect(session, &QObject::destroyed, this, [this, id] {
        // Its viewers would wait forever on a stream that can no longer carry anything.
        for (Subscriber *subscriber : ofSession(id)) {
            subscriber->catchUp.reset();
            closeStream(subscriber, kGoingAway, QStringLiteral("session deleted"));
        }
        m_batches.remove(id);
        m_heads.remove(id);
        m_sessions.remove(id);
    });
}

void SubscriberSet::setKeepAliveInterval(std::chrono::milliseconds interval)
{
    m_keepAliveInterval = interval;
    if (interval.count() > 0)
        m_keepAliveTimer.start(interval);
    else
        m_keepAliveTimer.stop();
}

// ---- joining ---------------------------------------------------------------------------

SubscriberSet::Subscriber *SubscriberSet::add(std::unique_ptr<Subscriber> subscriber,
                                              StreamSocket *stream)
{
    const qint64 now = m_clock.elapsed();
    subscriber->openedAtMs = now;
    subscriber->lastProgressMs = now;
    Subscriber *added = subscriber.release();
    QObject *socket = stream;
    m_subscribers.insert(socket, added);
    const auto removeIt = [this, socket] {
        remove(socket);
    };
    connect(stream, &StreamSocket::disconnected, this, removeIt);
    connect(stream, &StreamSocket::disconnected, stream, &QObject::deleteLater);
    connect(stream, &StreamSocket::bytesWritten, this, [this, socket] {
        if (Subscriber *found = m_subscribers.value(socket))
            pump(found);
    });
    if (added->frames) {
        connect(stream, &StreamSocket::received, this, [this, socket](const QByteArray &bytes) {
            if (Subscriber *found = m_subscribers.value(socket))
                readWebSocket(found, bytes);
        });
    }
    connect(stream, &QObject::destroyed, this, removeIt);
    return added;
}

StreamSocket *SubscriberSet::takeOver(QTcpSocket *socket, const QByteArray &head)
{
    StreamSocket *stream = StreamSocket::takeOver(socket, this);
    if (!stream) {
        qCWarning(lcServer, "cannot take over the connection of a stream; closing it");
        socket->abort();
        return nullptr;
    }
    stream->write(head);
    return stream;
}

void SubscriberSet::addSse(QTcpSocket *socket, const QByteArray &head, Session *session,
                           quint64 lastSequence, const QString &clientId)
{
    StreamSocket *stream = takeOver(socket, head);
    if (!stream)
        return;
    auto subscriber = std::make_unique<Subscriber>();
    subscriber->kind = Kind::Sse;
    subscriber->stream = stream;
    subscribe(std::move(subscriber), session, lastSequence, clientId);
}

void SubscriberSet::addWebSocket(QTcpSocket *socket, const QByteArray &key, Session *session,
                                 quint64 lastSequence, const QString &clientId)
{
    StreamSocket *stream = takeOver(socket, WebSocketFrames::handshakeAnswer(key));
    if (!stream)
        return;
    auto subscriber = std::make_unique<Subscriber>();
    subscriber->kind = Kind::WebSocket;
    subscriber->stream = stream;
    subscriber->frames = std::make_unique<WebSocketFrameReader>(m_maxIncomingMessageBytes);
    subscribe(std::move(subscriber), session, lastSequence, clientId);
}

void SubscriberSet::subscribe(std::unique_ptr<Subscriber> subscriber, Session *session,
                              quint64 lastSequence, const QString &clientId)
{
    flush(session->id()); // what is queued belongs to the subscribers already there
    const quint64 head = m_heads.value(session->id());
    // An id this session never reached is from another history: start from the beginning.
    const quint64 resumeAfter = lastSequence <= head ? lastSequence : 0;
    subscriber->session = session;
    subscriber->sessionId = session->id();
    subscriber->clientId = clientId;
    subscriber->catchUp = session->catchUpAfter(resumeAfter);
    subscriber->sentThrough = resumeAfter;
    ConnectedEvent connected {clientId};
    connected.epoch = session->epoch();
    connected.lastSequence = head;
    connected.resumeAfter = resumeAfter;
    const Event event {0, session->id(), connected};
    const bool isSse = subscriber->kind == Kind::Sse;
    StreamSocket *stream = subscriber->stream.data();
    Subscriber *added = add(std::move(subscriber), stream);
    if (isSse)
        write(added,
              QByteArrayLiteral("retry: ") + QByteArray::number(qint64(m_retryInterval.count()))
                  + QByteArrayLiteral("\n\n") + EventCodec::encodeSse(event));
    else
        write(added, WebSocketFrames::text(EventCodec::encodeJson(event)));
    qCInfo(lcServer, "session %s: %s subscribed over %s (after %llu of %llu)",
           qPrintable(session->id()), qPrintable(clientId), isSse ? "SSE" : "WebSocket",
           static_cast<unsigned long long>(resumeAfter), static_cast<unsigned long long>(head));
    Q_EMIT subscriberConnected(session->id(), clientId);
    pump(added);
}

void SubscriberSet::addSnapshotReader(QTcpSocket *socket, const QByteArray &head, Session *session)
{
    flush(session->id());
    StreamSocket *stream = takeOver(socket, head);
    if (!stream)
        return;
    auto subscriber = std::make_unique<Subscriber>();
    subscriber->kind = Kind::Snapshot;
    subscriber->stream = stream;
    subscriber->session = session;
    subscriber->sessionId = session->id();
    subscriber->stopAt = m_heads.value(session->id());
    subscriber->catchUp = session->catchUpAfter(0);
    pump(add(std::move(subscriber), stream));
}

void SubscriberSet::remove(QObject *socket)
{
    // `socket` may be mid-destruction: it is only a key here, never dereferenced.
    Subscriber *removed = m_subscribers.take(socket);
    if (!removed)
        return;
    const QString sessionId = removed->sessionId;
    const QString clientId = removed->clientId;
    const bool announce = removed->kind != Kind::Snapshot;
    delete removed;
    if (announce) {
        qCInfo(lcServer, "session %s: %s left", qPrintable(sessionId), qPrintable(clientId));
        Q_EMIT subscriberDisconnected(sessionId, clientId);
    }
}

// ---- live events -----------------------------------------------------------------------

void SubscriberSet::onEventPublished(const QString &sessionId, const QByteArray &frame)
{
    bool anyone = false;
    for (const Subscriber *subscriber : std::as_const(m_subscribers)) {
        if (subscriber->sessionId == sessionId) {
            anyone = true;
            break;
        }
    }
    if (!anyone)
        return;
    // Events of one event-loop turn go out together: one buffer shared (not copied) by every
    // subscriber's socket, so a burst costs each socket one write, not one per event.
    Batch &batch = m_batches[sessionId];
    batch.sseBytes += frame;
    batch.webSocketBytes += WebSocketFrames::text(jsonOfFrame(frame));
    if (!m_flushScheduled) {
        m_flushScheduled = true;
        QMetaObject::invokeMethod(this, &SubscriberSet::flushAll, Qt::QueuedConnection);
    }
}

void SubscriberSet::flushAll()
{
    m_flushScheduled = false;
    const QStringList sessionIds = m_batches.keys();
    for (const QString &sessionId : sessionIds)
        flush(sessionId);
}

void SubscriberSet::flush(const QString &sessionId)
{
    const QList<Subscriber *> subscribers = ofSession(sessionId);
    Session *session = m_sessions.value(sessionId).data();
    if (!session) {
        m_batches.remove(sessionId);
        return;
    }
    // Nothing goes out before the log has it; a log that cannot write keeps the batch until
    // it can (Session::logWritable).
    if (!session->flushLog())
        return;
    const Batch batch = m_batches.take(sessionId);
    m_heads.insert(sessionId, session->lastSequence());
    QList<Subscriber *> overflowing;
    for (Subscriber *subscriber : subscribers) {
        if (!subscriber->catchUp && subscriber->kind != Kind::Snapshot
            && unsent(subscriber) > kCatchUpAbove && subscriber->session) {
            // A reader this far behind the live events gets them merged instead, as fast as it
            // takes them: the same bounded catch-up as after a reconnect.
            subscriber->catchUp = subscriber->session->catchUpAfter(subscriber->sentThrough);
        }
        if (subscriber->catchUp) {
            pump(subscriber);
        } else if (subscriber->kind != Kind::Snapshot && !batch.sseBytes.isEmpty()) {
            if (write(subscriber,
                      subscriber->kind == Kind::Sse ? batch.sseBytes : batch.webSocketBytes))
                subscriber->sentThrough = m_heads.value(sessionId);
            else
                overflowing.append(subscriber);
        }
    }
    for (Subscriber *subscriber : std::as_const(overflowing)) {
        if (m_subscribers.contains(subscriber->socket()))
            abort(subscriber);
    }
}

// ---- catch-up --------------------------------------------------------------------------

void SubscriberSet::pump(Subscriber *subscriber)
{
    if (!subscriber->catchUp || !subscriber->socket())
        return;
    const quint64 limit = subscriber->kind == Kind::Snapshot ? subscriber->stopAt
                                                             : m_heads.value(subscriber->sessionId);
    QByteArray bytes;
    qint64 produced = 0;
    bool done = false;
    while (unsent(subscriber) + produced < kLowWater && produced < kPumpBudget) {
        const std::optional<Event> event = subscriber->catchUp->next(limit);
        if (!event) {
            done = true;
            break;
        }
        const qsizetype before = bytes.size();
        switch (subscriber->kind) {
        case Kind::Sse:
            bytes += EventCodec::encodeSse(*event);
            break;
        case Kind::WebSocket:
            bytes += WebSocketFrames::text(EventCodec::encodeJson(*event));
            break;
        case Kind::Snapshot:
            bytes += EventCodec::encodeJson(*event) + '\n';
            break;
        }
        produced += bytes.size() - before;
    }
    if (!bytes.isEmpty()) {
        if (!write(subscriber, bytes)) {
            abort(subscriber);
            return;
        }
        subscriber->sentThrough = subscriber->catchUp->position();
    }
    if (!done) {
        if (unsent(subscriber) == 0)
            schedulePump(subscriber); // no bytesWritten will come for what the kernel took
        return;
    }
    const QString error = subscriber->catchUp->error();
    subscriber->catchUp.reset();
    if (!error.isEmpty()) {
        qCWarning(lcServer, "session %s: the catch-up of %s failed: %s",
                  qPrintable(subscriber->sessionId), qPrintable(subscriber->clientId),
                  qPrintable(error));
        abort(subscriber);
        return;
    }
    if (subscriber->kind == Kind::Snapshot && subscriber->stream)
        subscriber->stream->closeAfterWriting();
}

void SubscriberSet::schedulePump(Subscriber *subscriber)
{
    if (subscriber->pumpScheduled)
        return;
    subscriber->pumpScheduled = true;
    QObject *socket = subscriber->socket();
    QMetaObject::invokeMethod(
        this,
        [this, socket] {
            if (Subscriber *found = m_subscribers.value(socket)) {
                found->pumpScheduled = false;
                pump(found);
            }
        },
        Qt::QueuedConnection);
}

// ---- writing ---------------------------------------------------------------------------

qint64 SubscriberSet::unsent(const Subscriber *subscriber) const
{
    return subscriber->stream ? subscriber->stream->bytesToWrite() : 0;
}

bool SubscriberSet::write(Subscriber *subscriber, const QByteArray &bytes)
{
    // The bound is on the backlog, not on what comes next: a reader is judged by what it has
    // not taken yet, so one large batch never drops a reader that keeps up.
    if (unsent(subscriber) > m_maxPendingBytes) {
        qCWarning(lcServer, "%s reads too slowly (%lld bytes unsent); dropping it",
                  qPrintable(subscriber->clientId), static_cast<long long>(unsent(subscriber)));
        return false;
    }
    StreamSocket *stream = subscriber->stream.data();
    if (!stream || !stream->isOpen() || bytes.isEmpty())
        return true;
    m_metrics->countBytesSent(bytes.size());
    stream->write(bytes);
    return true;
}

void SubscriberSet::closeStream(Subscriber *subscriber, quint16 webSocketCode,
                                const QString &reason)
{
    StreamSocket *stream = subscriber->stream.data();
    if (!stream || !stream->isOpen())
        return;
    if (subscriber->kind == Kind::WebSocket)
        stream->write(WebSocketFrames::close(webSocketCode, reason.toUtf8()));
    stream->closeAfterWriting();
}

void SubscriberSet::readWebSocket(Subscriber *subscriber, const QByteArray &bytes)
{
    using Incoming = WebSocketFrameReader::Incoming;
    const QList<Incoming> incoming = subscriber->frames->feed(bytes);
    for (const Incoming &said : incoming) {
        StreamSocket *stream = subscriber->stream.data();
        if (!stream || !stream->isOpen())
            return;
        switch (said.kind) {
        case Incoming::Kind::Ping:
            stream->write(WebSocketFrames::pong(said.payload));
            break;
        case Incoming::Kind::Pong:
        case Incoming::Kind::Message:
            break; // a viewer has nothing to say to a stream
        case Incoming::Kind::Close:
            // The closing handshake: the same code back, then the end.
            stream->write(WebSocketFrames::close(said.code == 1005 ? 1000 : said.code, {}));
            stream->closeAfterWriting();
            return;
        case Incoming::Kind::Violation:
            qCInfo(lcServer, "%s broke the WebSocket protocol (%s); closing with %u",
                   qPrintable(subscriber->clientId), said.reason.constData(), unsigned(said.code));
            stream->write(WebSocketFrames::close(said.code, said.reason));
            stream->closeAfterWriting();
            return;
        }
    }
}

void SubscriberSet::abort(Subscriber *subscriber)
{
    m_metrics->countSubscriberDropped();
    if (subscriber->stream)
        subscriber->stream->abort();
}

// ---- upkeep ----------------------------------------------------------------------------

void SubscriberSet::sendKeepAlive()
{
    static const QByteArray ssePing = QByteArrayLiteral(": ping\n\n");
    static const QByteArray webSocketPing = WebSocketFrames::ping();
    const QList<Subscriber *> all = m_subscribers.values();
    for (Subscriber *subscriber : all) {
        if (subscriber->kind == Kind::Sse)
            write(subscriber, ssePing);
        else if (subscriber->kind == Kind::WebSocket)
            write(subscriber, webSocketPing);
    }
}

void SubscriberSet::reapStale()
{
    const qint64 now = m_clock.elapsed();
    const qint64 stallMs = m_stallTimeout.count();
    const qint64 ageMs = m_maxStreamAge.count();
    QList<QPointer<QObject>> stalled;
    QList<QPointer<QObject>> tooOld;
    for (Subscriber *subscriber : std::as_const(m_subscribers)) {
        const qint64 waiting = unsent(subscriber);
        if (waiting == 0 || waiting < subscriber->lastUnsent)
            subscriber->lastProgressMs = now;
        subscriber->lastUnsent = waiting;
        if (stallMs > 0 && now - subscriber->lastProgressMs > stallMs)
            stalled << QPointer<QObject>(subscriber->socket());
        else if (ageMs > 0 && subscriber->kind != Kind::Snapshot
                 && now - subscriber->openedAtMs > ageMs)
            tooOld << QPointer<QObject>(subscriber->socket());
    }
    for (const QPointer<QObject> &socket : std::as_const(stalled)) {
        if (Subscriber *subscriber = socket ? m_subscribers.value(socket.data()) : nullptr) {
            qCInfo(lcServer, "dropping a subscriber that has read nothing for %lld ms",
                   static_cast<long long>(stallMs));
            abort(subscriber);
        }
    }
    for (const QPointer<QObject> &socket : std::as_const(tooOld)) {
        // It reconnects and resumes.
        if (Subscriber *subscriber = socket ? m_subscribers.value(socket.data()) : nullptr)
            closeStream(subscriber, kNormalClosure, QStringLiteral("stream age limit"));
    }
}

QList<SubscriberSet::Subscriber *> SubscriberSet::ofSession(const QString &sessionId) const
{
    QList<Subscriber *> found;
    for (Subscriber *subscriber : std::as_const(m_subscribers)) {
        if (subscriber->sessionId == sessionId)
            found.append(subscriber);
    }
    return found;
}

int SubscriberSet::count() const
{
    return sseCount() + webSocketCount();
}

int SubscriberSet::count(const QString &sessionId) const
{
    int n = 0;
    for (const Subscriber *subscriber : std::as_const(m_subscribers))
        n += subscriber->sessionId == sessionId && subscriber->kind != Kind::Snapshot;
    return n;
}

int SubscriberSet::sseCount() const
{
    int n = 0;
    for (const Subscriber *subscriber : std::as_const(m_subscribers))
        n += subscriber->kind == Kind::Sse;
    return n;
}

int SubscriberSet::webSocketCount() const
{
    int n = 0;
    for (const Subscriber *subscriber : std::as_const(m_subscribers))
        n += subscriber->kind == Kind::WebSocket;
    return n;
}

int SubscriberSet::drop(const QString &sessionId)
{
    int dropped = 0;
    QList<QPointer<QObject>> sockets;
    for (Subscriber *subscriber : ofSession(sessionId)) {
        if (subscriber->kind != Kind::Snapshot) {
            sockets << QPointer<QObject>(subscriber->socket());
            ++dropped;
        }
    }
    for (const QPointer<QObject> &socket : std::as_const(sockets)) {
        if (Subscriber *subscriber = socket ? m_subscribers.value(socket.data()) : nullptr) {
            if (subscriber->stream)
                subscriber->stream->abort();
        }
    }
    qCInfo(lcServer, "session %s: dropped %d subscribers", qPrintable(sessionId), dropped);
    return dropped;
}

void SubscriberSet::closeAll(const QString &reason)
{
    flushAll();
    const QList<Subscriber *> all = m_subscribers.values();
    QList<QPointer<QObject>> sockets;
    for (Subscriber *subscriber : all)
        sockets << QPointer<QObject>(subscriber->socket());
    for (const QPointer<QObject> &socket : std::as_const(sockets)) {
        Subscriber *subscriber = socket ? m_subscribers.value(socket.data()) : nullptr;
        if (!subscriber)
            continue;
        subscriber->catchUp.reset();
        const Event notice {0, subscriber->sessionId, ShutdownEvent {reason}};
        if (subscriber->kind == Kind::Sse)
            write(subscriber, EventCodec::encodeSse(notice));
        else if (subscriber->kind == Kind::WebSocket)
            write(subscriber, WebSocketFrames::text(EventCodec::encodeJson(notice)));
        closeStream(subscriber, kGoingAway, reason); // after the notice
    }
    qCInfo(lcServer, "closed every stream: %s", qPrintable(reason));
}

} // namespace inkstream::core
