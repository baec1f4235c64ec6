#include "core/client/reconnectpolicy.h"

#include <QRandomGenerator>
#include <algorithm>

namespace inkstream::core {

std::chrono::milliseconds
ReconnectPolicy::delayFor(int attempt, std::optional<std::chrono::milliseconds> serverRetry) const
{
    using std::chrono::milliseconds;
    const milliseconds floor = std::max(milliseconds(0), minDelay);
    const milliseconds cap = std::max(floor, maxDelay);
    const milliseconds base = serverRetryIsBase && serverRetry ? *serverRetry : baseDelay;
    // Doubling stops at the cap, so a long outage never overflows.
    milliseconds delay = std::clamp(base, floor, cap);
    for (int i = 1; i < attempt && delay < cap && delay.count() > 0; ++i)
        delay = std::min(delay * 2, cap);
    if (jitter == Jitter::Full) {
        // At the floor itself the wait still spreads, over half the floor: viewers sent away
        // together must not all come back together.
        const milliseconds top = std::max(delay, floor + floor / 2);
        if (top > floor)
            delay = floor
                + milliseconds(
                        QRandomGenerator::global()->bounded(qint64((top - floor).count()) + 1));
    }
    return delay;
}

} // namespace inkstream::core
