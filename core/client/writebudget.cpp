#include "core/client/writebudget.h"

#include <algorithm>

namespace inkstream::core {

WriteBudget::Verdict WriteBudget::check(qint64 bytes) const
{
    if (m_deadline.hasExpired()
        || (!m_deadline.isForever()
            && std::chrono::nanoseconds(m_deadline.remainingTimeNSecs()) <= m_slowestWrite))
        return Verdict::OutOfTime;
    if (m_maxBytes > 0 && bytes > m_maxBytes - m_bytesWritten)
        return Verdict::OverBytes;
    return Verdict::Fits;
}

void WriteBudget::recordWrite(qint64 bytes, std::chrono::nanoseconds took)
{
    m_bytesWritten += bytes;
    m_slowestWrite = std::max(m_slowestWrite, took);
}

} // namespace inkstream::core
