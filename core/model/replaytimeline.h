#pragma once

#include "core/model/recordingcursor.h"
#include "core/model/sessionmodel.h"

#include <QDateTime>
#include <QList>

namespace inkstream::core {

class RecordingIndex;

// Random access into a recording on disk: the state after any number of its events. A seek
// loads the index's last checkpoint before the target into a model of its own, reads on from
// that checkpoint's byte offset to the target, and hands the result over at once — so it reads
// at most one checkpoint interval of the file, wherever it lands, forwards or backwards, and
// leaves exactly the state that playing from the start to there leaves.
class ReplayTimeline final
{
public:
    // Chat messages are stamped with the recording's start plus the event's recorded time (the
    // epoch when the recording names no start), never with the time of the replay.
    explicit ReplayTimeline(const RecordingIndex *index);
    Q_DISABLE_COPY_MOVE(ReplayTimeline)

    // Once the index has read the header.
    bool open(QString *error);

    // Events indexed so far (all of them once the index is complete).
    qsizetype size() const;
    qint64 durationMs() const;

    // Puts `model` into the state after the first `position` events (0 = empty, size() = all).
    bool seek(qsizetype position, SessionModel *model, QString *error = nullptr);
    // Applies events [from, to) to `model`, which holds the state after `from` events.
    bool playOn(qsizetype from, qsizetype to, SessionModel *model, QString *error = nullptr);
    // The position of the first event at or after `ms`.
    qsizetype positionAt(qint64 ms) const;

    // Positions just before each file's `start` event, ascending.
    const QList<qsizetype> &fileStarts() const;
    // The nearest file start before / after `position` (position itself when there is none).
    qsizetype previousFileStart(qsizetype position) const;
    qsizetype nextFileStart(qsizetype position) const;

private:
    // Reads on to `position`, applying the events to `model` (skipping them when null).
    bool readTo(qsizetype position, SessionModel *model, QString *error);

    const RecordingIndex *m_index;
    QDateTime m_startedAt;
    RecordingCursor m_cursor;
    SessionModel m_scratch; // a seek's state is built here, where no view watches
};

} // namespace inkstream::core
