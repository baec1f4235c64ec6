#pragma once

#include <QObject>
#include <QTimer>
#include <chrono>

namespace inkstream::core {

// Hands freed heap back to the system a moment after viewers leave. A burst of late joiners
// allocates catch-up buffers and socket backlogs; glibc keeps the freed pages mapped (they sit
// between live blocks, below its trim threshold), so without this a publisher's resident memory
// stays at its busiest moment for the rest of its life.
class HeapReleaser final : public QObject
{
    Q_OBJECT

public:
    explicit HeapReleaser(std::chrono::milliseconds quietPeriod, QObject *parent = nullptr);

    // Releases once `quietPeriod` after the first request since the last release: under constant
    // churn that is at most once per period, never starved by the next departure.
    void scheduleRelease();
    // Returns free pages to the system now; the bytes given back when the allocator says.
    static void releaseNow();
    // A release is due (something was freed since the last one).
    bool isPending() const { return m_timer.isActive(); }

Q_SIGNALS:
    void released();

private:
    QTimer m_timer;
};

} // namespace inkstream::core
