#include "core/model/replaycontroller.h"

#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"

namespace inkstream::core {

namespace {

constexpr int kCheckpointInterval = 1000;

} // namespace

ReplayController::ReplayController(Recording recording, SessionModel *model, QObject *parent)
    : QObject(parent)
    , m_timeline(std::exchange(recording.events, {}), kCheckpointInterval, recording.startedAt)
    , m_model(model)
    , m_clock(&m_timeline.events())
{
    m_recording = std::move(recording);
    for (const RecordedEvent &recorded : m_timeline.events())
        m_analytics.recordEvent(recorded.event, EventCodec::encodeSse(recorded.event).size(),
                                recorded.atMs);
    connect(&m_clock, &ReplayClock::advanced, this, &ReplayController::applyDue);
    connect(&m_clock, &ReplayClock::playingChanged, this, &ReplayController::playingChanged);
    connect(&m_clock, &ReplayClock::finished, this, &ReplayController::finished);
}

void ReplayController::play()
{
    if (m_clock.isAtEnd() && !seek(0))
        return;
    m_clock.play();
}

void ReplayController::pause()
{
    m_clock.pause();
}

void ReplayController::togglePlaying()
{
    if (m_clock.isPlaying())
        pause();
    else
        play();
}

void ReplayController::setSpeed(double factor)
{
    if (factor == m_clock.speed())
        return;
    m_clock.setSpeed(factor); // may apply what falls due at once
    Q_EMIT speedChanged(m_clock.speed());
}

bool ReplayController::seek(qsizetype position)
{
    QString error;
    position = std::clamp<qsizetype>(position, 0, m_timeline.size());
    if (!m_timeline.seek(position, m_model, &error)) {
        Q_EMIT errorOccurred(tr("Cannot seek to event %1: %2").arg(position).arg(error));
        return false;
    }
    m_clock.setPosition(position);
    Q_EMIT positionChanged(m_clock.position());
    return true;
}

bool ReplayController::seekToTime(qint64 ms)
{
    return seek(m_timeline.positionAt(ms));
}

bool ReplayController::seekToPreviousFileStart()
{
    return seek(m_timeline.previousFileStart(position()));
}

bool ReplayController::seekToNextFileStart()
{
    return seek(m_timeline.nextFileStart(position()));
}

void ReplayController::applyDue(qsizetype from, qsizetype to)
{
    if (to - from > kCheckpointInterval) {
        // A big jump (instant, a long pause at high speed): one snapshot load and at most
        // kCheckpointInterval events instead of every event in between.
        QString error;
        if (!m_timeline.seek(to, m_model, &error)) {
            m_clock.pause();
            Q_EMIT errorOccurred(tr("Cannot play on to event %1: %2").arg(to).arg(error));
            return;
        }
    } else {
        for (qsizetype i = from; i < to; ++i)
            m_timeline.apply(i, m_model);
    }
    Q_EMIT positionChanged(to);
}

} // namespace inkstream::core
