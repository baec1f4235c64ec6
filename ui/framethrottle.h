#pragma once

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
    int deferredRepaints() const { return m_deferredRepaints; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    qint64 demandNs();
    // Updates the estimate of the GUI thread's recent demand; whether it is busy.
    bool sampleBusy();
    void repaintNow();

    QWidget *m_window;
    QElapsedTimer m_sinceRepaintStart;
    QElapsedTimer m_sinceSample;
    int m_schedStat = -1; // /proc/thread-self/schedstat
    qint64 m_demandAtSample = 0;
    double m_recentDemandNs = 0;
    QTimer m_deferred;
    bool m_repainting = false;
    int m_deferredRepaints = 0;
};

} // namespace inkstream::ui
