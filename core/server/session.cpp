#include "core/server/session.h"

#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"
#include "core/server/filestreamer.h"
#include "core/server/serverlog.h"

#include <QPointer>

namespace inkstream::core {

Session::Session(const QString &id, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_model(new SessionModel(this))
    , m_createdAt(QDateTime::currentDateTimeUtc())
{ }

Session::~Session() = default;

Event Session::publish(const EventPayload &payload)
{
    if (std::holds_alternative<ConnectedEvent>(payload)
        || std::holds_alternative<SnapshotEvent>(payload)
        || std::holds_alternative<ShutdownEvent>(payload)) {
        qCWarning(lcServer, "session %s: a %s event is per subscriber and is not published",
                  qPrintable(m_id), qPrintable(eventName(payload)));
        return Event {0, m_id, payload};
    }
    const Event event {++m_lastSequence, m_id, payload};
    // The viewers apply the same event to the same model class; a rejection here means theirs
    // rejects it too, so it still goes out (keeping sequences gap-free) but is logged.
    if (!m_model->apply(event)) {
        qCWarning(lcServer, "session %s: event %llu (%s) was not applicable to the model",
                  qPrintable(m_id), static_cast<unsigned long long>(event.sequence),
                  qPrintable(eventName(payload)));
    }
    QByteArray frame = EventCodec::encodeSse(event);
    if (m_bufferSize > 0) {
        if (m_buffer.size() >= m_bufferSize)
            m_buffer.removeFirst();
        m_buffer.append(BufferedEvent {event, frame});
    }
    if (m_emitting) {
        m_pending.append({event, std::move(frame)});
        return event;
    }
    const QPointer<Session> self(this);
    m_emitting = true;
    Q_EMIT eventPublished(event, frame);
    while (self && !m_pending.isEmpty()) {
        const auto next = m_pending.takeFirst();
        Q_EMIT eventPublished(next.first, next.second);
    }
    if (self)
        m_emitting = false;
    return event;
}

FileStreamer *Session::fileStreamer()
{
    if (!m_fileStreamer)
        m_fileStreamer = new FileStreamer(this, this);
    return m_fileStreamer;
}

QJsonObject Session::snapshot() const
{
    QJsonObject state = m_model->toSnapshot();
    state.insert(QStringLiteral("sessionId"), m_id);
    state.insert(QStringLiteral("lastSequence"), qint64(m_lastSequence));
    return state;
}

Event Session::snapshotEvent() const
{
    return Event {m_lastSequence, m_id, SnapshotEvent {snapshot()}};
}

void Session::setBufferSize(int events)
{
    m_bufferSize = qMax(0, events);
    if (m_buffer.size() > m_bufferSize)
        m_buffer.remove(0, m_buffer.size() - m_bufferSize);
}

quint64 Session::oldestBufferedSequence() const
{
    return m_buffer.isEmpty() ? m_lastSequence + 1 : m_buffer.constFirst().event.sequence;
}

bool Session::eventsAfter(quint64 sequence, QList<BufferedEvent> *events) const
{
    events->clear();
    if (sequence > m_lastSequence)
        return false;
    if (sequence == m_lastSequence)
        return true;
    // Events sequence+1 .. last must all be buffered.
    if (sequence + 1 < oldestBufferedSequence())
        return false;
    const qsizetype first = qsizetype(sequence + 1 - m_buffer.constFirst().event.sequence);
    events->reserve(m_buffer.size() - first);
    for (qsizetype i = first; i < m_buffer.size(); ++i)
        events->append(m_buffer.at(i));
    return true;
}

} // namespace inkstream::core
