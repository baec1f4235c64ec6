#pragma once

#include <QDeadlineTimer>
#include <QtGlobal>
#include <chrono>

namespace inkstream::core {

// What one run may still write: bytes in all (a cap) and time (a deadline). A write only
// starts while the slowest write so far would still end before the deadline: every file is
// fsync'd, and a busy disk must not carry the run past it.
class WriteBudget final
{
public:
    enum class Verdict { Fits, OverBytes, OutOfTime };

    // <= 0: no cap (the default).
    void setMaxBytes(qint64 bytes) { m_maxBytes = bytes; }
    qint64 maxBytes() const { return m_maxBytes; }
    // Default: forever.
    void setDeadline(QDeadlineTimer deadline) { m_deadline = deadline; }
    QDeadlineTimer deadline() const { return m_deadline; }
    bool isPastDeadline() const { return m_deadline.hasExpired(); }

    // Whether a write of `bytes` may start now.
    Verdict check(qint64 bytes) const;
    // A write of `bytes` is done; it took `took`.
    void recordWrite(qint64 bytes, std::chrono::nanoseconds took);

    qint64 bytesWritten() const { return m_bytesWritten; }

private:
    qint64 m_maxBytes = 0;
    qint64 m_bytesWritten = 0;
    QDeadlineTimer m_deadline {QDeadlineTimer::Forever};
    std::chrono::nanoseconds m_slowestWrite {0};
};

} // namespace inkstream::core
