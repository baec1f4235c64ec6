#pragma once

#include "core/protocol/event.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QQueue>
#include <QSet>
#include <QTimer>

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

// How fast the window types out what arrived (seed 000's presets, in characters per second:
// slow 3 chars / 30 ms, normal 5 / 20 ms, fast 10 / 10 ms; instant shows it all at once).
enum class DisplaySpeed { Slow, Normal, Fast, Instant };

// Paces the display on the viewer side. The client applies every event to the source model as
// it arrives (so nothing is lost or delayed on the wire side); the pacer replays them into the
// display model that the widgets observe, at the chosen speed, splitting large code and chat
// deltas so typing stays smooth. Pausing holds the display while events keep queueing; once
// drained, the display model equals the source model except for files the user rejected.
class DisplayPacer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DisplayPacer)

public:
    // Neither model is owned.
    DisplayPacer(core::SessionModel *source, core::SessionModel *display,
                 QObject *parent = nullptr);

    void setSpeed(DisplaySpeed speed);
    DisplaySpeed speed() const { return m_speed; }
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    // Shows everything that is queued now, whatever the speed.
    void catchUp();
    // The user rejects a file mid-stream: what is queued and what still arrives for it (until it
    // starts again) is not shown, and the file is marked as rejected in the display.
    void rejectFile(const QString &fileName);
    bool isRejected(const QString &fileName) const { return m_rejected.contains(fileName); }

    qsizetype pendingEvents() const { return m_queue.size(); }
    qsizetype pendingCharacters() const { return m_pendingCharacters; }

    static double charactersPerSecond(DisplaySpeed speed); // 0 for Instant
    // Normal and fast never fall further behind live than this many seconds of text (they speed
    // up to catch up); slow does (the user asked for it); 0 = no limit.
    static double maxLagSeconds(DisplaySpeed speed);
    // The rate in force now: the speed's, or faster to stay within maxLagSeconds().
    double effectiveRate() const;
    static QString speedName(DisplaySpeed speed); // "slow", "normal", "fast", "instant"
    static DisplaySpeed speedFromName(const QString &name, DisplaySpeed fallback);

Q_SIGNALS:
    void backlogChanged(qsizetype events, qsizetype characters);
    void pausedChanged(bool paused);
    void speedChanged(inkstream::ui::DisplaySpeed speed);

private:
    void onSourceEvent(const core::Event &event);
    void resync();
    void tick();
    double refill(); // adds what the time since the last refill earned; returns the allowance
    void drain(double budget);
    bool applyFront(double *budget);
    void display(const core::Event &event);
    void updateTimer();
    static qsizetype cost(const core::Event &event);

    core::SessionModel *m_source = nullptr;
    core::SessionModel *m_display = nullptr;
    QQueue<core::Event> m_queue;
    qsizetype m_pendingCharacters = 0;
    QSet<QString> m_rejected;
    DisplaySpeed m_speed = DisplaySpeed::Normal;
    bool m_paused = false;
    QTimer m_timer;
    QElapsedTimer m_sinceRefill;
    double m_allowance = 0; // characters that may be shown now
    double m_catchUpRate = 0; // what the backlog called for, held until it is shown
};

} // namespace inkstream::ui

Q_DECLARE_METATYPE(inkstream::ui::DisplaySpeed)
