#pragma once

#include "core/protocol/event.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace inkstream::core {

// Writes a session recording (docs/recording.md): a header line, then one checksummed line per
// event with its arrival time (LogRecord). Each line reaches the file with one unbuffered write,
// so a crash leaves at most a partial last line, which the reader skips with a warning.
class RecordingWriter final
{
public:
    static constexpr int kFormatVersion = 2;

    // The header line (newline included) of a recording in the current format; `extra` members
    // are added (a session log names its session and epoch).
    static QByteArray headerLine(const QUrl &source, const QString &dialect,
                                 const QJsonObject &extra = {});

    // Creates (truncates) `path` and writes the header; false with a reason otherwise.
    bool open(const QString &path, const QUrl &source, const QString &dialect, QString *error);
    bool isOpen() const { return m_file.isOpen(); }
    QString errorString() const { return m_error; }

    // Appends one event stamped with the time since open(). False (once logged) when the disk
    // refuses the line; later events are still tried.
    bool write(const Event &event);
    // The same, with an explicit time in milliseconds since the start (replays, tests).
    bool write(const Event &event, qint64 atMs);
    qsizetype eventsWritten() const { return m_events; }

private:
    QFile m_file;
    QElapsedTimer m_clock;
    QString m_error;
    qsizetype m_events = 0;
};

} // namespace inkstream::core
