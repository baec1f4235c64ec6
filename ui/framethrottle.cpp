#include "ui/framethrottle.h"

#include <QCoreApplication>
#include <QEvent>
#include <QScreen>
#include <QWidget>
#include <cmath>

namespace inkstream::ui {

namespace {

constexpr int kLongestFrameMs = 16;
// How busy the GUI thread is: its recent demand for a CPU, each nanosecond fading with this
// time constant (one frame). Kept up, at a share u of the time, it settles at u × kFadeNs; so
// busy (over kBusyNs) means wanting a CPU more than half of the time.
constexpr double kFadeNs = 16e6;
constexpr double kBusyNs = 8e6;
// While the display server has not caught up, whether it has is asked this often; after this
// long without an answer the window paints anyway (and Qt waits for the server as before).
constexpr int kDisplayPollMs = 1;
constexpr int kLongestDisplayWaitMs = 1000;

} // namespace

FrameThrottle::FrameThrottle(QWidget *window)
    : QObject(window)
    , m_window(window)
{
    m_deferred.setSingleShot(true);
    m_deferred.setTimerType(Qt::PreciseTimer);
    connect(&m_deferred, &QTimer::timeout, this, &FrameThrottle::repaintWhenDisplayReady);
    m_sinceSample.start();
    m_demandAtSample = demandNs();
    window->installEventFilter(this);
}

FrameThrottle::~FrameThrottle() = default;

// The time the GUI thread wanted a CPU: its CPU time, plus (Linux) the time it was runnable
// but waiting for a CPU, from the scheduler's statistics — a thread that other processes keep
// from running is busy too.
qint64 FrameThrottle::demandNs()
{
    const qint64 running = ThreadClock::runningNs();
    if (running < 0)
        return running;
    return running + qMax(qint64(0), m_clock.waitingNs());
}

int FrameThrottle::frameIntervalMs() const
{
    const QScreen *screen = m_window->screen();
    const qreal hertz = screen ? screen->refreshRate() : 0;
    if (!(hertz > 0))
        return kLongestFrameMs;
    return qBound(1, int(std::floor(1000.0 / hertz)), kLongestFrameMs);
}

bool FrameThrottle::sampleBusy()
{
    const qint64 demand = demandNs();
    if (demand < 0)
        return true; // no clock at all: behave as if busy, i.e. plain frame pacing
    const qint64 elapsed = m_sinceSample.nsecsElapsed();
    // Never negative (the waiting time stops counting if its file becomes unreadable).
    const qint64 work = qMax(qint64(0), demand - m_demandAtSample);
    m_recentDemandNs = m_recentDemandNs * std::exp(-double(elapsed) / kFadeNs) + double(work);
    m_sinceSample.start();
    m_demandAtSample = demand;
    return m_recentDemandNs > kBusyNs;
}

void FrameThrottle::requestRepaint()
{
    if (m_movedForRepaint) {
        // This frame's aboutToRepaint() has gone out already: ask for another one after it.
        m_repaintAfterThisOne = true;
        return;
    }
    if (m_deferred.isActive() || m_repaintRequested)
        return; // a repaint is coming anyway, aboutToRepaint() first
    m_repaintRequested = true;
    // Low priority, as Qt posts its own: whatever else is queued goes first.
    QCoreApplication::postEvent(m_window, new QEvent(QEvent::UpdateRequest), Qt::LowEventPriority);
}

bool FrameThrottle::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_window || event->type() != QEvent::UpdateRequest)
        return QObject::eventFilter(watched, event);
    m_repaintRequested = false;
    if (m_repainting)
        return false; // ours (or one sent while painting): Qt repaints
    m_busy = sampleBusy();
    if (m_deferred.isActive())
        return true; // already due at the next frame, with everything dirty since
    const int interval = frameIntervalMs();
    const qint64 sinceStart
        = m_sinceRepaintStart.isValid() ? m_sinceRepaintStart.elapsed() : qint64(interval);
    if (m_busy && sinceStart < interval) {
        // Qt keeps the dirty regions and sends no further request until this one is handled.
        m_deferred.start(int(interval - sinceStart));
        ++m_deferredRepaints;
        return true;
    }
    repaintWhenDisplayReady();
    return true;
}

void FrameThrottle::repaintWhenDisplayReady()
{
    // Only a busy thread has better things to do than wait for the server. An idle one paints
    // at once: Qt then waits only if the new paint overlaps pixels the server may still be
    // reading, a finer test than the fence's "everything sent so far".
    if (m_busy && !displayHasCaughtUp())
        return;
    if (!m_movedForRepaint) {
        m_sinceRepaintStart.start();
        m_movedForRepaint = true;
        Q_EMIT aboutToRepaint();
        // If that scrolled, the server is copying pixels Qt will sync on before painting over
        // them: let it finish while the loop turns, then paint (once; whatever else is sent
        // meanwhile waits for the next frame).
        if (m_busy && m_displayFence.hasUnfencedRequests()) {
            m_displayFence.place();
            if (!displayHasCaughtUp())
                return;
        }
    }
    m_movedForRepaint = false;
    m_waitingForDisplay.invalidate();
    m_repainting = true;
    QEvent request(QEvent::UpdateRequest);
    QCoreApplication::sendEvent(m_window, &request);
    m_repainting = false;
    m_displayFence.place();
    if (m_repaintAfterThisOne) {
        m_repaintAfterThisOne = false;
        requestRepaint();
    }
}

bool FrameThrottle::displayHasCaughtUp()
{
    if (m_displayFence.hasPassed())
        return true;
    // One deadline per repaint, however many fences it waits for.
    if (!m_waitingForDisplay.isValid()) {
        m_waitingForDisplay.start();
        ++m_displayWaits;
    } else if (m_waitingForDisplay.elapsed() >= kLongestDisplayWaitMs) {
        return true;
    }
    m_deferred.start(kDisplayPollMs);
    return false;
}

} // namespace inkstream::ui
