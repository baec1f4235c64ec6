#pragma once

#include <chrono>
#include <optional>

namespace inkstream::core {

// How long a client waits before reconnection attempt N: the base delay (the server's `retry:`
// when it sent one and serverRetryIsBase is on) doubled per failed attempt, capped. With full
// jitter the wait is uniform in [0, that delay], which spreads many viewers of one restarted
// server over time.
struct ReconnectPolicy
{
    enum class Jitter { None, Full };

    std::chrono::milliseconds baseDelay {1000};
    std::chrono::milliseconds maxDelay {30000};
    int maxAttempts = 0; // consecutive failed attempts before giving up; 0 = never give up
    bool serverRetryIsBase = true;
    Jitter jitter = Jitter::None;

    // The delay before attempt `attempt` (1-based) given the server's last `retry:` value.
    std::chrono::milliseconds delayFor(int attempt,
                                       std::optional<std::chrono::milliseconds> serverRetry
                                       = std::nullopt) const;
    // Whether attempt `attempt` (1-based) may still be made.
    bool allowsAttempt(int attempt) const { return maxAttempts <= 0 || attempt <= maxAttempts; }
};

} // namespace inkstream::core
