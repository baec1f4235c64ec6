#pragma once

#include "core/model/recordingindex.h"
#include "core/model/replayclock.h"
#include "core/model/replaytimeline.h"
#include "core/model/sessionanalytics.h"

#include <QObject>

namespace inkstream::core {

class SessionModel;

// Watching a recording: plays it into a SessionModel with the recorded timing at a chosen
// speed, pauses, and seeks anywhere (forwards or backwards, by event, time or file start) by
// rebuilding the model from the index's checkpoints. The recording stays on disk: open() reads
// its header and starts indexing it in the background, and playing can start at once; the
// events known grow (`sizeChanged`) until the index is complete (`indexed`). The model is not
// owned.
class ReplayController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayController)

public:
    explicit ReplayController(SessionModel *model, QObject *parent = nullptr);

    // False with a reason when `path` is not a recording this build reads.
    bool open(const QString &path, QString *error,
              qint64 checkpointBytes = RecordingIndex::kDefaultCheckpointBytes);

    // The header, and the warnings the index has found so far.
    const Recording &recording() const { return m_index.header(); }
    const RecordingIndex &index() const { return m_index; }
    RecordingIndex &index() { return m_index; }
    ReplayTimeline &timeline() { return m_timeline; }
    // The recording measured as a live session would be (bytes: each event's native SSE frame,
    // as the publisher sends it); the whole of it once indexed.
    const SessionAnalytics &analytics() const { return m_index.analytics(); }

    qsizetype position() const { return m_clock.position(); }
    qsizetype size() const { return m_timeline.size(); }
    bool isIndexed() const { return m_index.isComplete(); }
    qint64 timeMs() const { return m_clock.timeMs(); }
    qint64 durationMs() const { return m_timeline.durationMs(); }
    bool isPlaying() const { return m_clock.isPlaying(); }
    double speed() const { return m_clock.speed(); }

    void play(); // from the start again when at the end
    void pause();
    void togglePlaying();
    // ReplayClock::kInstant plays everything that is left at once.
    void setSpeed(double factor);
    // The model becomes the state after the first `position` events; false (with
    // errorOccurred) if the recording cannot be read there.
    bool seek(qsizetype position);
    bool seekToTime(qint64 ms);
    bool seekToPreviousFileStart();
    bool seekToNextFileStart();

Q_SIGNALS:
    void positionChanged(qsizetype position);
    void sizeChanged(qsizetype size);
    void indexed(); // every event of the recording is known
    void warningFound(const QString &warning);
    void playingChanged(bool playing);
    void speedChanged(double speed);
    void finished();
    void errorOccurred(const QString &message);

private:
    void applyDue(qsizetype from, qsizetype to);

    RecordingIndex m_index;
    ReplayTimeline m_timeline;
    SessionModel *m_model;
    ReplayClock m_clock;
};

} // namespace inkstream::core
