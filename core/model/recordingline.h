#pragma once

#include "core/protocol/event.h"

#include <QByteArrayView>
#include <QString>
#include <optional>

namespace inkstream::core {

// One line of a recording after its header, read back (docs/recording.md). Every reader of a
// recording — the whole-file reader, the replay's index and its cursor — decides with this one
// function which lines are events, so they agree on every event's position.
class RecordingLine final
{
public:
    enum class Kind {
        Event, // an event with its time
        Other, // a session log's record of another kind: not part of a replay
        Skipped, // damaged or not an event: skipped, with `problem` saying why
    };

    // `line` is a whole line with its newline; `version` is the recording's format version.
    static Kind decode(QByteArrayView line, int version, qint64 *atMs, std::optional<Event> *event,
                       QString *problem);
};

} // namespace inkstream::core
