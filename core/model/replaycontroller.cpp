#include "core/model/replaycontroller.h"

#include "core/model/sessionmodel.h"

namespace inkstream::core {

namespace {

// Beyond this many events due at once, a seek (a checkpoint and at most one interval read)
// costs less than applying them one by one to a model that views watch.
constexpr qsizetype kPlayOnLimit = 1000;

} // namespace

ReplayController::ReplayController(SessionModel *model, QObject *parent)
    : QObject(parent)
    , m_timeline(&m_index)
    , m_model(model)
    , m_clock(&m_index.times())
{
    m_clock.setComplete(false);
    connect(&m_clock, &ReplayClock::advanced, this, &ReplayController::applyDue);
    connect(&m_clock, &ReplayClock::playingChanged, this, &ReplayController::playingChanged);
    connect(&m_clock, &ReplayClock::finished, this, &ReplayController::finished);
    connect(&m_index, &RecordingIndex::grew, this, [this](qsizetype size) {
        Q_EMIT sizeChanged(size);
        m_clock.timesAppended();
    });
    connect(&m_index, &RecordingIndex::completed, this, [this] {
        m_clock.setComplete(true);
        Q_EMIT indexed();
    });
    connect(&m_index, &RecordingIndex::warningFound, this, &ReplayController::warningFound);
    connect(&m_index, &RecordingIndex::failed, this, [this](const QString &error) {
        Q_EMIT errorOccurred(tr("Cannot index the recording: %1").arg(error));
    });
}

bool ReplayController::open(const QString &path, QString *error, qint64 checkpointBytes)
{
    return m_index.open(path, error, checkpointBytes) && m_timeline.open(error);
}

void ReplayController::play()
{
    if (m_clock.isAtEnd() && m_index.isComplete() && !seek(0))
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
    QString error;
    const bool applied = to - from > kPlayOnLimit ? m_timeline.seek(to, m_model, &error)
                                                  : m_timeline.playOn(from, to, m_model, &error);
    if (!applied) {
        m_clock.pause();
        Q_EMIT errorOccurred(tr("Cannot play on to event %1: %2").arg(to).arg(error));
        return;
    }
    Q_EMIT positionChanged(to);
}

} // namespace inkstream::core
