#pragma once

#include "core/protocol/event.h"

#include <QByteArray>
#include <QFile>

namespace inkstream::core {

// Reads a recording's events one after another from a known place (a checkpoint's byte offset
// and event position), deciding which lines are events as the index did (RecordingLine). What
// is read is not kept: a replay holds the events it is applying, no more.
class RecordingCursor final
{
public:
    bool open(const QString &path, int version, QString *error);

    // The next event read will be the one at `position`, whose line starts at `offset`.
    void moveTo(qint64 offset, qsizetype position);
    // How many events come before the next one read.
    qsizetype position() const { return m_position; }
    // Reads the next event; false at the end of what the file holds (or a cut-off line).
    bool next(Event *event);

private:
    QFile m_file;
    int m_version = 0;
    QByteArray m_buffer;
    qsizetype m_start = 0; // of the next line in m_buffer
    qsizetype m_position = 0;
};

} // namespace inkstream::core
