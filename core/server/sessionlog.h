#pragma once

#include "core/protocol/event.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QLockFile>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace inkstream::core {

class LogFsyncWorker;

// The source of truth of one session (docs/protocol.md, "The session log"): every published
// event, and what the publisher accepted to type, appended before it is acknowledged or sent.
// On disk a log is a recording (format 2, checksummed lines, LogRecord) that also holds
// `accept`, `typed` and `completeWhenIdle` records; `inkstream replay` opens it as it is.
// In memory only (--ephemeral) it keeps every event in its cache instead.
//
// Appends are buffered until flush(), which the session calls once per event-loop turn (one
// write for a burst of events). Durability follows the fsync policy; whenDurable() tells when
// an acknowledgment may go out.
class SessionLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionLog)

public:
    enum class Fsync {
        Batch, // a background thread syncs at most kBatchInterval after a write; acknowledgments
               // wait for the sync that covers them
        Always, // every flush is synced before anything is sent or acknowledged
        Never, // the kernel decides (a process crash loses nothing, a power cut may)
    };
    static constexpr std::chrono::milliseconds kBatchInterval {20};
    static QString fsyncText(Fsync policy);
    static bool fsyncFromText(QStringView text, Fsync *policy);

    // Events of the most recent part of the log kept decoded in memory; older ones are read from
    // the file. A memory-only log keeps every event.
    static constexpr int kDefaultCacheSize = 4096;

    explicit SessionLog(QObject *parent = nullptr);
    ~SessionLog() override;

    // A memory-only log (nothing on disk).
    void openInMemory(const QString &sessionId, const QString &epoch);
    // A new log file at `path` (it must not exist). False with a reason otherwise.
    bool create(const QString &path, const QString &sessionId, const QString &epoch,
                const QString &source, QString *error);

    // What an existing log holds, record by record, in order.
    struct Visitor
    {
        std::function<void(const Event &)> event;
        // accept / typed / completeWhenIdle and any kind a newer build wrote
        std::function<void(const QString &kind, const QJsonObject &value)> record;
    };
    // Opens the log at `path` for appending after reading it back through `visitor`: checksums
    // are verified, a torn last record (a crash while writing it) is cut off with a warning that
    // names it; damage anywhere else is an error (nothing is dropped silently).
    bool recover(const QString &path, const QString &sessionId, const Visitor &visitor,
                 QString *error, QStringList *warnings);

    bool isOpen() const { return m_open; }
    bool isInMemory() const { return m_open && m_path.isEmpty(); }
    QString path() const { return m_path; }
    QString sessionId() const { return m_sessionId; }
    QString epoch() const { return m_epoch; }

    void setFsyncPolicy(Fsync policy) { m_fsync = policy; }
    Fsync fsyncPolicy() const { return m_fsync; }
    // Events kept decoded in memory (file-backed logs); the most recent ones.
    void setCacheSize(int events);
    int cacheSize() const { return m_cacheSize; }

    // Appends one event; its sequence must be lastSequence() + 1.
    void appendEvent(const Event &event, QByteArrayView json);
    // Appends a record of another kind (what the publisher accepted to type, ...).
    void appendRecord(QByteArrayView kind, const QJsonObject &value);
    // Writes what was appended; false when the disk refused (failed(), errorString()). What could
    // not be written stays buffered and the next flush() tries again.
    bool flush();
    bool hasUnflushed() const { return !m_buffer.isEmpty(); }
    bool hasFailed() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }

    // Calls `done` (in `context`'s thread, unless `context` is gone) once everything appended so
    // far is written and, by the fsync policy, durable. At once when it already is.
    void whenDurable(QObject *context, std::function<void()> done);

    quint64 lastSequence() const { return m_lastSequence; }
    // Events up to this sequence are written (readable by readers).
    quint64 writtenSequence() const { return m_writtenSequence; }
    qint64 sizeOnDisk() const { return m_writtenBytes; }

    // Reads events after a sequence, oldest first, from the cache or the file.
    class Reader
    {
    public:
        virtual ~Reader() = default;
        // The next event, or nothing when the reader reached writtenSequence() (or failed:
        // error() says why).
        virtual std::optional<Event> next() = 0;
        virtual QString error() const = 0;
    };
    // A reader of the events after `sequence`; `sequence` must not be above lastSequence().
    std::unique_ptr<Reader> readAfter(quint64 sequence) const;

    // Removes the logs in `directory` of sessions that completed (their last record is a
    // `session` event) more than `age` ago; returns the paths removed.
    static QStringList removeCompletedOlderThan(const QString &directory, std::chrono::seconds age,
                                                QStringList *warnings);

Q_SIGNALS:
    // Writing failed (for example the disk is full); errorString() says why. Once per failure.
    void failed(const QString &error);

private:
    friend class SessionLogReader;
    friend class LogFsyncWorker;

    // Bytes read from the file at a time (recovery, readers).
    static constexpr qsizetype kReadBlock = 1 << 20;
    // The write buffer keeps its memory between flushes up to this size.
    static constexpr qsizetype kKeptBufferCapacity = 1 << 20;

    struct Waiter
    {
        qint64 offset = 0;
        QPointer<QObject> context;
        std::function<void()> done;
    };

    void remember(const Event &event, qint64 lineOffset);
    void onSynced(qint64 offset);
    void releaseWaiters(qint64 durableOffset);
    bool writeHeader(const QString &source, QString *error);
    bool openForAppend(QString *error);

    bool m_open = false;
    QString m_path;
    QString m_sessionId;
    QString m_epoch;
    int m_fd = -1;
    std::unique_ptr<QLockFile> m_lock;
    Fsync m_fsync = Fsync::Batch;
    std::unique_ptr<LogFsyncWorker> m_worker;

    QByteArray m_buffer; // appended, not yet written
    qint64 m_writtenBytes = 0; // file size after the last successful write
    qint64 m_syncedBytes = 0;
    quint64 m_lastSequence = 0;
    quint64 m_writtenSequence = 0;
    QList<quint64> m_bufferedSequences; // sequences in m_buffer, by the end offset of their line
    QList<qint64> m_bufferedEnds;
    QString m_error;
    QElapsedTimer m_clock; // record times: ms since the log was opened, plus m_timeBase
    qint64 m_timeBase = 0;
    QList<Waiter> m_waiters;

    int m_cacheSize = kDefaultCacheSize;
    // Ascending, gap-free sequences ending at lastSequence(). A deque: a memory-only log grows it
    // by every event without moving the ones it holds, a file-backed one drops the oldest.
    std::deque<Event> m_cache;
    // File offset of the record of sequence 1 + k * kIndexStride (sparse index).
    static constexpr quint64 kIndexStride = 256;
    QList<qint64> m_index;
};

} // namespace inkstream::core
