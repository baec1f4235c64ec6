#include "core/client/replayfilter.h"

#include <QHashFunctions>

namespace inkstream::core {

namespace {

bool belongsToConnection(const SseEvent &frame)
{
    return frame.type == "connected" || frame.type == "ping" || frame.type == "heartbeat";
}

} // namespace

void ReplayFilter::reset()
{
    m_hashes.clear();
    m_next = -1;
    m_skipped = 0;
}

void ReplayFilter::connectionOpened()
{
    m_next = m_hashes.isEmpty() ? -1 : 0;
}

bool ReplayFilter::isReplayed(const SseEvent &frame)
{
    if (belongsToConnection(frame))
        return false;
    if (!frame.lastEventId.isEmpty())
        m_next = -1;
    // A fixed seed: the hashes compare frames of one run only, but need not differ per run.
    const size_t hash = qHashMulti(0, frame.type, frame.data);
    if (m_next >= 0 && m_next < m_hashes.size() && m_hashes.at(m_next) == hash) {
        ++m_next;
        ++m_skipped;
        return true;
    }
    m_next = -1; // the first divergence (or past what was received): new frames from here
    m_hashes.append(hash);
    return false;
}

} // namespace inkstream::core
