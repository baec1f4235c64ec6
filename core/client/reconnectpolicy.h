#pragma once

#include <chrono>
#include <optional>

namespace inkstream::core {

// How long a client waits before reconnection attempt N: the base delay (the server's `retry:`
// when it sent one and serverRetryIsBase is on) doubled per failed attempt, capped. No wait is
// ever shorter than minDelay, whatever `retry:`, the base or the cap say, and the doubling
// starts there at the least: a server that answers `retry: 0` and closes at once cannot make a
// reconnect storm. With full jitter the wait is uniform between minDelay and that delay (over
// at least half of minDelay), which spreads many viewers of one restarted server over time.
struct ReconnectPolicy
{
    enum class Jitter { None, Full };

    // The floor every Inkstream client keeps.
    static constexpr std::chrono::milliseconds kMinDelay {250};

    std::chrono::milliseconds baseDelay {1000};
    std::chrono::milliseconds maxDelay {30000};
    std::chrono::milliseconds minDelay = kMinDelay;
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
