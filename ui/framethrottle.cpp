#include "ui/framethrottle.h"

#include <QCoreApplication>
#include <QEvent>
#include <QScreen>
#include <QWidget>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace inkstream::ui {

namespace {

constexpr int kLongestFrameMs = 16;
// How busy the GUI thread is: its recent demand for a CPU, each nanosecond fading with this
// time constant (one frame). Kept up, at a share u of the time, it settles at u × kFadeNs; so
// busy (over kBusyNs) means wanting a CPU more than half of the time.
constexpr double kFadeNs = 16e6;
constexpr double kBusyNs = 8e6;

// CPU time of the calling thread.
qint64 threadCpuNs()
{
    timespec now {};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0)
        return -1;
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

} // namespace

FrameThrottle::FrameThrottle(QWidget *window)
    : QObject(window)
    , m_window(window)
{
    m_deferred.setSingleShot(true);
    m_deferred.setTimerType(Qt::PreciseTimer);
    connect(&m_deferred, &QTimer::timeout, this, &FrameThrottle::repaintNow);
#ifdef Q_OS_LINUX
    m_schedStat = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
#endif
    m_sinceSample.start();
    m_demandAtSample = demandNs();
    window->installEventFilter(this);
}

FrameThrottle::~FrameThrottle()
{
    if (m_schedStat >= 0)
        ::close(m_schedStat);
}

// The time the GUI thread wanted a CPU: its CPU time, plus (Linux) the time it was runnable
// but waiting for a CPU, from the scheduler's statistics — a thread that other processes keep
// from running is busy too.
qint64 FrameThrottle::demandNs()
{
    const qint64 running = threadCpuNs();
    if (running < 0 || m_schedStat < 0)
        return running;
    char text[128];
    const ssize_t length = ::pread(m_schedStat, text, sizeof text - 1, 0);
    unsigned long long onCpu = 0;
    unsigned long long waiting = 0;
    if (length > 0) {
        text[length] = '\0';
        if (std::sscanf(text, "%llu %llu", &onCpu, &waiting) == 2)
            return running + qint64(waiting);
    }
    ::close(m_schedStat); // unreadable: the CPU time alone from now on
    m_schedStat = -1;
    return running;
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

bool FrameThrottle::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_window || event->type() != QEvent::UpdateRequest || m_repainting)
        return QObject::eventFilter(watched, event);
    const bool busy = sampleBusy();
    if (m_deferred.isActive())
        return true; // already due at the next frame, with everything dirty since
    const int interval = frameIntervalMs();
    const qint64 sinceStart
        = m_sinceRepaintStart.isValid() ? m_sinceRepaintStart.elapsed() : qint64(interval);
    if (busy && sinceStart < interval) {
        // Qt keeps the dirty regions and sends no further request until this one is handled.
        m_deferred.start(int(interval - sinceStart));
        ++m_deferredRepaints;
        return true;
    }
    m_sinceRepaintStart.start();
    return false;
}

void FrameThrottle::repaintNow()
{
    m_sinceRepaintStart.start();
    m_repainting = true;
    QEvent request(QEvent::UpdateRequest);
    QCoreApplication::sendEvent(m_window, &request);
    m_repainting = false;
}

} // namespace inkstream::ui
