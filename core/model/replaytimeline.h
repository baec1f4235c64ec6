#pragma once

#include "core/model/recordingreader.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace inkstream::core {

class SessionModel;

// Random access into a recording: the state after any number of its events. Snapshots taken
// every `checkpointInterval` events while the timeline is built make a seek cost one snapshot
// load plus at most that many events, wherever it lands, forwards or backwards.
class ReplayTimeline final
{
public:
    // Chat messages are stamped with `startedAt` plus the event's recorded time (the epoch
    // when the recording names no start), never with the time of the replay.
    explicit ReplayTimeline(QList<RecordedEvent> events, int checkpointInterval = 1000,
                            const QDateTime &startedAt = {});
    // Applies event `index` to `model` at its recorded time.
    void apply(qsizetype index, SessionModel *model) const;

    qsizetype size() const { return m_events.size(); }
    const QList<RecordedEvent> &events() const { return m_events; }
    qint64 durationMs() const { return m_events.isEmpty() ? 0 : m_events.last().atMs; }

    // Puts `model` into the state after the first `position` events (0 = empty, size() = all).
    bool seek(qsizetype position, SessionModel *model, QString *error = nullptr) const;
    // The position of the first event at or after `ms`.
    qsizetype positionAt(qint64 ms) const;

    // Positions just before each file's `start` event, ascending.
    const QList<qsizetype> &fileStarts() const { return m_fileStarts; }
    // The nearest file start before / after `position` (position itself when there is none).
    qsizetype previousFileStart(qsizetype position) const;
    qsizetype nextFileStart(qsizetype position) const;

private:
    QList<RecordedEvent> m_events;
    int m_interval = 1000;
    QDateTime m_startedAt;
    QList<QJsonObject> m_checkpoints; // [k] = state after k * m_interval events
    QList<qsizetype> m_fileStarts;
};

} // namespace inkstream::core
