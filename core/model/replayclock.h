#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

namespace inkstream::core {

// Plays a recording's timeline in real time, scaled by a speed: says which events fall due as
// the clock runs (`advanced`), and can pause, change speed and jump to any event. What "due"
// means — publish them, apply them to a model — is up to whoever listens. The clock knows only
// the events' times (milliseconds since the start, never going back), which it does not own:
// they must outlive it. The list may grow while the clock runs (a recording still being
// indexed): until setComplete(), reaching its end waits for more instead of finishing.
class ReplayClock final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayClock)

public:
    static constexpr double kInstant = 0.0; // every remaining event at once

    explicit ReplayClock(const QList<qint64> *times, QObject *parent = nullptr);

    // Events before this one have fallen due.
    qsizetype position() const { return m_next; }
    // Recording time now: between the last due event's and the next one's while playing.
    qint64 timeMs() const;
    qint64 durationMs() const;
    bool isPlaying() const { return m_playing; }
    bool isAtEnd() const { return m_next >= m_times->size(); }
    double speed() const { return m_speed; }

    // 2 = twice as fast, 0.25 = a quarter; kInstant (0) plays everything that is left at once.
    void setSpeed(double factor);
    void play();
    void pause();
    // Moves to just before event `position` without announcing the events skipped; the
    // recording time becomes that of the event before it.
    void setPosition(qsizetype position);
    // Whether the times are all there is (the default); while not, the end is not the end.
    void setComplete(bool complete);
    // More times were appended: a clock waiting at the end goes on.
    void timesAppended();

Q_SIGNALS:
    // Events [from, to) fell due, in order.
    void advanced(qsizetype from, qsizetype to);
    void playingChanged(bool playing);
    void finished(); // the last event fell due

private:
    void releaseDue();
    void anchor(qint64 timeMs);

    const QList<qint64> *m_times;
    bool m_complete = true;
    double m_speed = 1.0;
    bool m_playing = false;
    qsizetype m_next = 0;
    qint64 m_anchorMs = 0; // recording time when m_wall was (re)started
    QElapsedTimer m_wall;
    QTimer m_timer;
};

} // namespace inkstream::core
