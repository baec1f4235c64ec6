#pragma once

#include "core/protocol/event.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

namespace inkstream::core {

class FileStreamer;
class SessionModel;

// One published session: its id, the sequence counter and the SessionModel that answers
// snapshots and late joiners. Every event goes through publish(), which numbers it, applies
// it to the model and encodes it once for all subscribers.
class Session final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)

public:
    explicit Session(const QString &id, QObject *parent = nullptr);
    ~Session() override;

    QString id() const { return m_id; }
    SessionModel *model() { return m_model; }
    const SessionModel *model() const { return m_model; }
    quint64 lastSequence() const { return m_lastSequence; }
    QDateTime createdAt() const { return m_createdAt; }

    // Assigns the next sequence, applies the event to the model and emits eventPublished with
    // its SSE frame. Called from a slot of eventPublished, it still numbers the event at once
    // but emits it after the current one, so every observer sees sequence order. `connected` and
    // `snapshot` are per-subscriber and cannot be published: they give an event with sequence 0 and
    // a warning.
    Event publish(const EventPayload &payload);

    // The session's typing queue: files are typed one after another, whoever queued them
    // (POST .../files or the demo), so "complete" can wait for all of them.
    FileStreamer *fileStreamer();

    // SessionModel::toSnapshot() with the session id and sequence always filled in.
    QJsonObject snapshot() const;
    // The `snapshot` event for a subscriber: sequence = lastSequence(), so a client that
    // resumes from it continues exactly after the state it holds.
    Event snapshotEvent() const;

    // The most recent events with their SSE frames, kept so a reconnecting subscriber gets
    // exactly what it missed. Size 0 keeps none (every resume gets a snapshot).
    static constexpr int kDefaultBufferSize = 4096;
    void setBufferSize(int events);
    int bufferSize() const { return m_bufferSize; }
    struct BufferedEvent
    {
        Event event;
        QByteArray sseFrame;
    };
    // The buffered events after `sequence`, oldest first (empty when `sequence` is current).
    // False when the buffer no longer reaches back that far, or `sequence` is ahead of
    // lastSequence() (state from another run): then the subscriber needs a snapshot.
    bool eventsAfter(quint64 sequence, QList<BufferedEvent> *events) const;
    // Sequence of the oldest buffered event; lastSequence() + 1 when the buffer is empty.
    quint64 oldestBufferedSequence() const;

Q_SIGNALS:
    void eventPublished(const inkstream::core::Event &event, const QByteArray &sseFrame);

private:
    QString m_id;
    SessionModel *m_model = nullptr;
    FileStreamer *m_fileStreamer = nullptr;
    quint64 m_lastSequence = 0;
    QDateTime m_createdAt;
    bool m_emitting = false;
    int m_bufferSize = kDefaultBufferSize;
    QList<BufferedEvent> m_buffer; // ascending, gap-free sequences
    QList<std::pair<Event, QByteArray>> m_pending; // published from inside eventPublished
};

} // namespace inkstream::core
