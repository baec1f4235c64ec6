#pragma once

#include "core/client/reconnectpolicy.h"

#include <chrono>

namespace inkstream::test {

// Reconnection in milliseconds rather than seconds, so a suite that drops a connection sees the
// next attempt soon. Every delay still keeps the floor every client keeps
// (ReconnectPolicy::kMinDelay); `maxAttempts` 0 never gives up.
inline core::ReconnectPolicy
fastPolicy(std::chrono::milliseconds baseDelay = std::chrono::milliseconds(10),
           std::chrono::milliseconds maxDelay = std::chrono::milliseconds(100), int maxAttempts = 0)
{
    core::ReconnectPolicy policy;
    policy.baseDelay = baseDelay;
    policy.maxDelay = maxDelay;
    policy.maxAttempts = maxAttempts;
    return policy;
}

} // namespace inkstream::test
