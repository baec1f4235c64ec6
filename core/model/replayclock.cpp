#include "core/model/replayclock.h"

#include <algorithm>
#include <cmath>

namespace inkstream::core {

ReplayClock::ReplayClock(const QList<qint64> *times, QObject *parent)
    : QObject(parent)
    , m_times(times)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ReplayClock::releaseDue);
}

qint64 ReplayClock::timeMs() const
{
    if (!m_playing || m_speed <= 0)
        return m_anchorMs;
    const auto now = m_anchorMs + qint64(std::llround(double(m_wall.elapsed()) * m_speed));
    return std::min(now, durationMs());
}

qint64 ReplayClock::durationMs() const
{
    return m_times->isEmpty() ? 0 : m_times->last();
}

void ReplayClock::setSpeed(double factor)
{
    factor = std::max(0.0, factor);
    if (factor == m_speed)
        return;
    anchor(timeMs());
    m_speed = factor;
    if (m_playing)
        releaseDue();
}

void ReplayClock::play()
{
    if (m_playing)
        return;
    if (isAtEnd() && m_complete)
        return; // nothing left; whoever owns the clock decides whether to start again
    m_playing = true;
    anchor(m_anchorMs);
    Q_EMIT playingChanged(true);
    releaseDue();
}

void ReplayClock::pause()
{
    if (!m_playing)
        return;
    anchor(timeMs());
    m_playing = false;
    m_timer.stop();
    Q_EMIT playingChanged(false);
}

void ReplayClock::setPosition(qsizetype position)
{
    m_next = std::clamp<qsizetype>(position, 0, m_times->size());
    anchor(m_next > 0 ? m_times->at(m_next - 1) : 0);
    if (m_playing)
        releaseDue();
}

void ReplayClock::setComplete(bool complete)
{
    m_complete = complete;
    if (complete && m_playing)
        releaseDue(); // finishes when it was waiting at the end
}

void ReplayClock::timesAppended()
{
    if (m_playing && !m_timer.isActive())
        releaseDue();
}

void ReplayClock::anchor(qint64 timeMs)
{
    m_anchorMs = timeMs;
    m_wall.start();
}

void ReplayClock::releaseDue()
{
    if (!m_playing)
        return;
    const qsizetype from = m_next;
    const bool instant = m_speed <= 0;
    const qint64 now = instant ? durationMs() : timeMs();
    while (m_next < m_times->size() && m_times->at(m_next) <= now)
        ++m_next;
    if (instant)
        anchor(durationMs());
    if (m_next > from)
        Q_EMIT advanced(from, m_next);
    if (!m_playing)
        return; // a listener paused (or moved and re-ran) the clock
    if (isAtEnd() && !m_complete)
        return; // waits for more times (timesAppended)
    if (isAtEnd()) {
        anchor(durationMs());
        m_playing = false;
        Q_EMIT playingChanged(false);
        Q_EMIT finished();
        return;
    }
    const double waitMs = double(m_times->at(m_next) - timeMs()) / m_speed;
    m_timer.start(int(std::clamp(std::ceil(waitMs), 0.0, 60.0 * 60 * 1000)));
}

} // namespace inkstream::core
