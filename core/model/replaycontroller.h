#pragma once

#include "core/model/recordingreader.h"
#include "core/model/replayclock.h"
#include "core/model/replaytimeline.h"
#include "core/model/sessionanalytics.h"

#include <QObject>

namespace inkstream::core {

class SessionModel;

// Watching a recording: plays it into a SessionModel with the recorded timing at a chosen
// speed, pauses, and seeks anywhere (forwards or backwards, by event, time or file start) by
// rebuilding the model from the timeline's snapshots. The model is not owned.
class ReplayController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayController)

public:
    ReplayController(Recording recording, SessionModel *model, QObject *parent = nullptr);

    const Recording &recording() const { return m_recording; }
    const ReplayTimeline &timeline() const { return m_timeline; }
    // The whole recording measured as a live session would be (bytes: each event's native
    // SSE frame, as the publisher sends it).
    const SessionAnalytics &analytics() const { return m_analytics; }

    qsizetype position() const { return m_clock.position(); }
    qsizetype size() const { return m_timeline.size(); }
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
    // errorOccurred) if a snapshot in the recording cannot be loaded.
    bool seek(qsizetype position);
    bool seekToTime(qint64 ms);
    bool seekToPreviousFileStart();
    bool seekToNextFileStart();

Q_SIGNALS:
    void positionChanged(qsizetype position);
    void playingChanged(bool playing);
    void speedChanged(double speed);
    void finished();
    void errorOccurred(const QString &message);

private:
    void applyDue(qsizetype from, qsizetype to);

    Recording m_recording; // header fields; the events live in the timeline
    ReplayTimeline m_timeline;
    SessionAnalytics m_analytics;
    SessionModel *m_model;
    ReplayClock m_clock;
};

} // namespace inkstream::core
