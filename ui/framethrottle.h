#pragma once

#include "ui/displayfence.h"
#include "ui/threadclock.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

class QWidget;

namespace inkstream::ui {

// Holds a busy window's repaints to one per display frame. Qt repaints a widget window on the
// first event-loop turn after anything changed: while text streams at full speed that is every
// turn, and each repaint flushes to the display server and first waits for it to finish the
// previous flush — a loop turn spent waiting, many times per frame, for pixels nobody sees.
// So while the GUI thread is busy (wanting a CPU more than half of the time, over about the
// last frame), a repaint sooner than a frame after the last one is deferred to that frame, and
// whatever changed meanwhile is painted together. A thread that is mostly idle repaints at
// once, so a single change (a 5-character delta every 20 ms) reaches the screen without a
// frame's delay.
// Just before each repaint it emits aboutToRepaint(): widgets that follow moving content move
// there, once per frame, rather than on every change (each scroll is a copy the display server
// makes, and that the next repaint waits for).
// While busy, a repaint also waits (without blocking) until the display server has finished
// the last one (DisplayFence): painting sooner would only block the GUI thread until then. For
// the same reason, if aboutToRepaint() made the window scroll (a copy the server makes, that
// Qt's X11 backing store waits for before painting over it), the paint waits for that copy.
// Owned by the window.
class FrameThrottle final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FrameThrottle)

public:
    explicit FrameThrottle(QWidget *window);
    ~FrameThrottle() override;

    // The shortest time between two repaints while busy: one frame of the window's screen
    // (16 ms at 60 Hz), never more than 16 ms whatever the screen claims.
    int frameIntervalMs() const;
    // Asks for a repaint (and so an aboutToRepaint()) even if nothing is dirty yet.
    void requestRepaint();

    // Repaints put off to the next frame because the thread was busy.
    int deferredRepaints() const { return m_deferredRepaints; }
    // Repaints that waited for the display server to finish the previous one.
    int displayWaits() const { return m_displayWaits; }

Q_SIGNALS:
    void aboutToRepaint();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    qint64 demandNs();
    // Updates the estimate of the GUI thread's recent demand; whether it is busy.
    bool sampleBusy();
    void repaintWhenDisplayReady();
    // Whether the server has done what was sent before the last fence; if not, asks again soon.
    bool displayHasCaughtUp();

    QWidget *m_window;
    QElapsedTimer m_sinceRepaintStart;
    QElapsedTimer m_sinceSample;
    ThreadClock m_clock;
    qint64 m_demandAtSample = 0;
    double m_recentDemandNs = 0;
    QTimer m_deferred;
    bool m_busy = false; // at the last update request
    bool m_repainting = false;
    bool m_repaintRequested = false;
    bool m_movedForRepaint = false; // aboutToRepaint() went out; the repaint itself is due
    bool m_repaintAfterThisOne = false; // requestRepaint() came after that
    QElapsedTimer m_waitingForDisplay; // since this repaint began waiting for the server
    int m_deferredRepaints = 0;
    DisplayFence m_displayFence;
    int m_displayWaits = 0;
};

} // namespace inkstream::ui
