#pragma once

#include "core/model/checkpointstore.h"
#include "core/model/recordingreader.h"
#include "core/model/replaycheckpoint.h"
#include "core/model/sessionanalytics.h"

#include <QObject>
#include <atomic>

class QThread;

namespace inkstream::core {

// What one pass of the indexer found since the last one.
struct RecordingIndexBatch
{
    QList<qint64> times; // each new event's time (never going back)
    QList<qsizetype> fileStarts;
    QList<ReplayCheckpoint> checkpoints;
    QStringList warnings;
    SessionAnalytics analytics; // the whole scan so far
    qint64 bytesRead = 0;
    bool finished = false;
    QString error;
};

// The index of a recording on disk, built by reading it once in the background: every event's
// time (for the clock), the file starts, checkpoints every few MiB (the byte offset to read on
// from and the session there, in a CheckpointStore), the warnings and the analytics. Events are
// not kept: a replay reads them from the file when it needs them (RecordingCursor). The index
// grows as the scan goes on (`grew`), so the first events can play at once.
class RecordingIndex final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecordingIndex)

public:
    static constexpr qint64 kDefaultCheckpointBytes = 2 * 1024 * 1024;

    explicit RecordingIndex(QObject *parent = nullptr);
    ~RecordingIndex() override;

    // Reads the header (false with a reason when `path` is no recording this build reads) and
    // starts the scan. A checkpoint is taken whenever `checkpointBytes` were read since the last.
    bool open(const QString &path, QString *error,
              qint64 checkpointBytes = kDefaultCheckpointBytes);

    QString path() const { return m_path; }
    // The header's fields; `events` stays empty, `warnings` grows with the scan.
    const Recording &header() const { return m_header; }
    qint64 headerBytes() const { return m_headerBytes; }

    qsizetype size() const { return m_times.size(); }
    const QList<qint64> &times() const { return m_times; }
    const QList<qsizetype> &fileStarts() const { return m_fileStarts; }
    const QList<ReplayCheckpoint> &checkpoints() const { return m_checkpoints; }
    const SessionAnalytics &analytics() const { return m_analytics; }
    const CheckpointStore &store() const { return m_store; }
    bool isComplete() const { return m_complete; }
    qint64 bytesRead() const { return m_bytesRead; }
    qint64 fileSize() const { return m_fileSize; }

    // The last checkpoint at or before `position`.
    const ReplayCheckpoint &checkpointFor(qsizetype position) const;

    // Blocks until the scan has finished (tools and tests; the window never waits).
    void waitForComplete();

Q_SIGNALS:
    void grew(qsizetype size);
    void warningFound(const QString &warning);
    void completed();
    void failed(const QString &error);

private:
    void take(const RecordingIndexBatch &batch);

    QString m_path;
    Recording m_header;
    qint64 m_headerBytes = 0;
    qint64 m_fileSize = 0;
    QList<qint64> m_times;
    QList<qsizetype> m_fileStarts;
    QList<ReplayCheckpoint> m_checkpoints;
    SessionAnalytics m_analytics;
    CheckpointStore m_store;
    qint64 m_bytesRead = 0;
    bool m_complete = false;
    QThread *m_thread = nullptr;
    std::atomic<bool> m_stop {false};
};

} // namespace inkstream::core
