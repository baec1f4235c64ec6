#pragma once

#include "core/model/recordingindex.h"

#include <QDateTime>
#include <functional>

namespace inkstream::core {

class SessionModel;

// The scan behind a RecordingIndex, run on a thread of its own: reads the recording once from
// after its header, applies every event to a model of its own, stores a checkpoint of that
// model every `checkpointBytes`, and hands what it found over in batches (the first as soon as
// the first block is read, then a few times a second).
class RecordingIndexer final
{
public:
    struct Source
    {
        QString path;
        int version = 0;
        QDateTime startedAt;
        qint64 headerBytes = 0;
        qint64 checkpointBytes = RecordingIndex::kDefaultCheckpointBytes;
    };
    using Deliver = std::function<void(RecordingIndexBatch)>;

    RecordingIndexer(Source source, CheckpointStore *store, const std::atomic<bool> *stop,
                     Deliver deliver);
    void run();

private:
    bool checkpoint(const SessionModel &model, qsizetype position, qint64 offset);
    void scanLine(QByteArrayView line, SessionModel *model);
    void deliver(bool finished);

    Source m_source;
    CheckpointStore *m_store;
    const std::atomic<bool> *m_stop;
    Deliver m_deliver;
    RecordingIndexBatch m_batch;
    SessionAnalytics m_analytics;
    qsizetype m_position = 0;
    qint64 m_lineNumber = 1; // the header is line 1
    qint64 m_previousMs = 0;
};

} // namespace inkstream::core
