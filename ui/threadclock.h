#pragma once

#include <QtGlobal>

namespace inkstream::ui {

// The time one thread spent running, and (Linux) the time it spent runnable but waiting for a
// CPU, which tells a thread that is working from one that other work keeps from running, and
// both from one that is blocked (in neither figure). Read from the thread that made it.
class ThreadClock final
{
    Q_DISABLE_COPY_MOVE(ThreadClock)

public:
    ThreadClock();
    ~ThreadClock();

    // CPU time of the calling thread, in ns; -1 without a clock.
    static qint64 runningNs();
    // Time the thread has waited in the scheduler's run queue, in ns; -1 when the system does
    // not say (no /proc/thread-self/schedstat).
    qint64 waitingNs();

private:
    int m_schedStat = -1;
};

} // namespace inkstream::ui
