#pragma once

#include "core/protocol/sseevent.h"

#include <QList>
#include <QtGlobal>

namespace inkstream::core {

// Recognises a stream without ids that starts over when it is reconnected: it keeps a compact
// hash of every frame received since the stream opened and, after a reconnection, skips the
// frames that repeat that sequence from its start, until the first one that differs (from
// there on frames are new and recorded again). Frames that belong to one connection only
// (`connected`, `ping`, `heartbeat`) are neither recorded nor matched; a frame with an `id:`
// ends the matching (such a server resumes by itself).
class ReplayFilter final
{
public:
    void reset(); // a new stream: forget what was received
    void connectionOpened(); // a (re)connection: a replay, if any, starts with its next frame
    // Whether `frame` repeats what was received at its place before (drop it, counted);
    // otherwise it is recorded as received.
    bool isReplayed(const SseEvent &frame);
    quint64 skipped() const { return m_skipped; }

private:
    QList<size_t> m_hashes; // one per frame received, in order
    qsizetype m_next = -1; // while matching a replay: the index the next frame must repeat
    quint64 m_skipped = 0;
};

} // namespace inkstream::core
