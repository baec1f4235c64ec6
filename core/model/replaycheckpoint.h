#pragma once

#include <QtGlobal>

namespace inkstream::core {

// A place in a recording where replaying can start: the session after `position` events, whose
// next line starts at byte `offset` of the recording. The session itself is in the
// CheckpointStore at `storeOffset` (`storeBytes` long).
struct ReplayCheckpoint
{
    qsizetype position = 0;
    qint64 offset = 0;
    qint64 storeOffset = 0;
    qint64 storeBytes = 0;
};

} // namespace inkstream::core
