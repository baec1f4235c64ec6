#pragma once

#include <QString>

namespace inkstream::app {

// A one-line status at the bottom of a terminal ("watch: 1,204 events · 3 files · 12 s"),
// rewritten in place. Only when stderr is a terminal and not quieted; a log line or message
// clears it first, so the two never mix on one line.
class TerminalStatusLine final
{
public:
    // Whether a status line would be shown: stderr is a TTY (and TERM is not "dumb").
    static bool isAvailable();

    // Shows `text` (cut to the terminal's width) in place of the last status.
    static void show(const QString &text);
    // Removes the status line; the next message starts at column 0.
    static void clear();
    // For the message handler: clears the status line, if one is shown.
    static void clearForMessage() { clear(); }
};

} // namespace inkstream::app
