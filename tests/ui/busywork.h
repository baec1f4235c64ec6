#pragma once

#include "ui/threadclock.h"

#include <QtGlobal>

// Keeps the calling thread working for `ms` of its own CPU time (waiting for a CPU does not
// count), as a thread busy with a stream would: the frame throttle's idea of busy.
inline void workFor(int ms)
{
    const qint64 start = inkstream::ui::ThreadClock::runningNs();
    volatile quint64 sink = 0;
    while (inkstream::ui::ThreadClock::runningNs() - start < qint64(ms) * 1000000)
        sink = sink + 1;
}
