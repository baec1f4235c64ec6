#pragma once

#include "core/protocol/event.h"
#include "core/server/sessionlog.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <optional>

namespace inkstream::core {

class CatchUpReader;
class FileStreamer;
class SessionModel;

// One published session: its id, the sequence counter, its log (the source of truth: on disk,
// or in memory for --ephemeral) and the SessionModel that answers snapshots. Every event goes
// through publish(), which bounds it, numbers it, applies it to the model, appends it to the
// log and encodes it once for all subscribers.
class Session final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)

public:
    // No event a publisher sends is larger than this (SSE frame or WebSocket message).
    static constexpr qsizetype kMaxEventBytes = 256 * 1024;

    // A session with a memory-only log; createLog() or restoreLog() put it on disk instead.
    explicit Session(const QString &id, QObject *parent = nullptr);
    ~Session() override;

    // A new log file at `path`. Call before anything is published.
    bool createLog(const QString &path, SessionLog::Fsync fsync, const QString &source,
                   QString *error);
    // Rebuilds the session from the log at `path` (same sequences, same model), takes up typing
    // the files whose acceptance it holds from where they were, and appends to it from then on.
    bool restoreLog(const QString &path, SessionLog::Fsync fsync, QString *error,
                    QStringList *warnings);

    QString id() const { return m_id; }
    // The id of this session's history: kept by restoreLog(), new otherwise.
    QString epoch() const { return m_log->epoch(); }
    SessionModel *model() { return m_model; }
    const SessionModel *model() const { return m_model; }
    const SessionLog *log() const { return m_log; }
    quint64 lastSequence() const { return m_lastSequence; }
    QDateTime createdAt() const { return m_createdAt; }

    // Bounds the event (a longer delta becomes several events), assigns the next sequence(s),
    // applies it to the model, appends it to the log and emits eventPublished with its SSE
    // frame. Called from a slot of eventPublished, it still numbers the event at once but emits
    // it after the current one, so every observer sees sequence order. `connected`, `snapshot`
    // and `shutdown` are per subscriber and cannot be published: they give an event with
    // sequence 0 and a warning, as does anything published while the log cannot be written.
    // Returns the last event published.
    Event publish(const EventPayload &payload);

    // Whether the log takes events (false while the disk refuses them; logWritable() follows).
    bool isWritable() const { return !m_log->hasFailed(); }
    QString logError() const { return m_log->errorString(); }
    // Writes what the log holds buffered; false while the disk refuses it (retried every
    // second; logWritable() once it worked).
    bool flushLog();
    // Appends a record that is not an event (what the typing queue accepted, ...).
    void appendRecord(QByteArrayView kind, const QJsonObject &value);
    // Calls `done` once everything appended so far is durable (SessionLog::whenDurable).
    void whenDurable(QObject *context, std::function<void()> done);

    // The session's typing queue: files are typed one after another, whoever queued them
    // (POST .../files or the demo), so "complete" can wait for all of them.
    FileStreamer *fileStreamer();
    // Publishes `event` now if the typing queue is empty, else once it drains (only the first
    // such request counts). True when it had to wait. Kept in the log, so a restart keeps it.
    bool completeWhenIdle(const SessionEvent &event);

    // SessionModel::toSnapshot() with the session id and sequence always filled in.
    QJsonObject snapshot() const;
    // The `snapshot` event (sequence = lastSequence()) for viewers of older protocols.
    Event snapshotEvent() const;

    static constexpr int kDefaultBufferSize = SessionLog::kDefaultCacheSize;
    // Events kept decoded in memory for catch-ups (a file-backed log reads older ones from
    // disk; a memory-only log keeps all).
    void setBufferSize(int events);
    int bufferSize() const { return m_log->cacheSize(); }
    // The catch-up of a viewer that holds everything up to `sequence` (0: nothing).
    std::unique_ptr<CatchUpReader> catchUpAfter(quint64 sequence) const;

Q_SIGNALS:
    void eventPublished(const inkstream::core::Event &event, const QByteArray &sseFrame);
    // The log had failed and writes again.
    void logWritable();

private:
    QList<EventPayload> bounded(const EventPayload &payload) const;
    void stampOffset(EventPayload *payload) const;
    Event publishOne(EventPayload payload);
    void scheduleFlush();
    void restoreTyping(const QList<QJsonObject> &accepted,
                       const std::optional<SessionEvent> &pendingCompletion);

    QString m_id;
    SessionModel *m_model = nullptr;
    SessionLog *m_log = nullptr;
    FileStreamer *m_fileStreamer = nullptr;
    quint64 m_lastSequence = 0;
    QDateTime m_createdAt;
    bool m_emitting = false;
    bool m_flushScheduled = false;
    QTimer m_retryTimer;
    QList<std::pair<Event, QByteArray>> m_pending; // published from inside eventPublished
    QMetaObject::Connection m_pendingCompletion;
};

} // namespace inkstream::core
