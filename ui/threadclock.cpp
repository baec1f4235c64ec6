#include "ui/threadclock.h"

#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace inkstream::ui {

ThreadClock::ThreadClock()
{
#ifdef Q_OS_LINUX
    m_schedStat = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
#endif
}

ThreadClock::~ThreadClock()
{
    if (m_schedStat >= 0)
        ::close(m_schedStat);
}

qint64 ThreadClock::runningNs()
{
    timespec now {};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0)
        return -1;
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

qint64 ThreadClock::waitingNs()
{
    if (m_schedStat < 0)
        return -1;
    // "time on CPU, time waiting in the run queue, timeslices"
    // (Documentation/scheduler/sched-stats)
    char text[128];
    const ssize_t length = ::pread(m_schedStat, text, sizeof text - 1, 0);
    unsigned long long onCpu = 0;
    unsigned long long waiting = 0;
    if (length > 0) {
        text[length] = '\0';
        if (std::sscanf(text, "%llu %llu", &onCpu, &waiting) == 2)
            return qint64(waiting);
    }
    ::close(m_schedStat); // unreadable: say so from now on
    m_schedStat = -1;
    return -1;
}

} // namespace inkstream::ui
