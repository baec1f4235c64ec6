#include "core/client/reconnectpolicy.h"

#include <QRandomGenerator>
#include <algorithm>

namespace inkstream::core {

std::chrono::milliseconds
ReconnectPolicy::delayFor(int attempt, std::optional<std::chrono::milliseconds> serverRetry) const
{
    using std::chrono::milliseconds;
    const milliseconds base
        = std::max(milliseconds(0), serverRetryIsBase && serverRetry ? *serverRetry : baseDelay);
    const milliseconds cap = std::max(milliseconds(0), maxDelay);
    // Doubling stops at the cap, so a long outage never overflows.
    milliseconds delay = std::min(base, cap);
    for (int i = 1; i < attempt && delay < cap && delay.count() > 0; ++i)
        delay = std::min(delay * 2, cap);
    if (jitter == Jitter::Full && delay.count() > 0)
        delay = milliseconds(QRandomGenerator::global()->bounded(qint64(delay.count()) + 1));
    return delay;
}

} // namespace inkstream::core
