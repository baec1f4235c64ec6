#pragma once

#include "core/protocol/event.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace inkstream::core {

struct RecordedEvent
{
    qint64 atMs = 0; // since the recording started
    Event event;
};

// A recording read back (docs/recording.md).
struct Recording
{
    int version = 0;
    QString source;
    QString dialect;
    QDateTime startedAt;
    QList<RecordedEvent> events;
    QStringList warnings; // lines skipped, a cut-off end
};

class RecordingReader final
{
public:
    // Reads a whole recording. False with a reason when it is not one (missing or foreign
    // header, newer version, unreadable file); a damaged line or a cut-off last line only adds
    // a warning and everything else is kept.
    static bool read(const QString &path, Recording *recording, QString *error);
    static bool parse(const QByteArray &bytes, Recording *recording, QString *error);
    // Reads the header line (with or without its newline) into `recording`'s header fields;
    // false with a reason when it is not one this build reads.
    static bool readHeader(const QString &path, Recording *recording, QString *error);
    // The warning for a recording whose last line was cut off ("line N is incomplete ..."), as
    // read() gives it; empty when it ends with a complete line. Reads one byte of an intact
    // file, and counts the lines of a cut one.
    static QString cutOffWarning(const QString &path);
    // "line N is incomplete (the recording was cut off); replaying up to line N-1"
    static QString cutOffText(qint64 lineNumber);
    static bool parseHeader(QByteArrayView line, Recording *recording, QString *error);
};

} // namespace inkstream::core
