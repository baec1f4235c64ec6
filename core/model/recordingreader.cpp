#include "core/model/recordingreader.h"

#include "core/model/recordingline.h"
#include "core/model/recordingwriter.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <optional>

namespace inkstream::core {

namespace {

// A header is a short line; a foreign file without line breaks is not read whole to find out.
constexpr qint64 kMaxHeaderBytes = 1024 * 1024;

} // namespace

bool RecordingReader::read(const QString &path, Recording *recording, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read recording %1: %2").arg(path, file.errorString());
        return false;
    }
    if (!parse(file.readAll(), recording, error)) {
        *error = QStringLiteral("%1: %2").arg(path, *error);
        return false;
    }
    return true;
}

bool RecordingReader::readHeader(const QString &path, Recording *recording, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read recording %1: %2").arg(path, file.errorString());
        return false;
    }
    if (!parseHeader(file.readLine(kMaxHeaderBytes), recording, error)) {
        *error = QStringLiteral("%1: %2").arg(path, *error);
        return false;
    }
    return true;
}

QString RecordingReader::cutOffWarning(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() == 0 || !file.seek(file.size() - 1)
        || file.read(1) == "\n" || !file.seek(0))
        return {};
    qint64 lines = 0; // complete ones
    for (QByteArray block; !(block = file.read(1 << 20)).isEmpty();)
        lines += block.count('\n');
    return cutOffText(lines + 1);
}

QString RecordingReader::cutOffText(qint64 lineNumber)
{
    return QStringLiteral("line %1 is incomplete (the recording was cut off); replaying up to "
                          "line %2")
        .arg(lineNumber)
        .arg(lineNumber - 1);
}

bool RecordingReader::parseHeader(QByteArrayView line, Recording *recording, QString *error)
{
    QJsonParseError parseError;
    const QJsonObject header
        = QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), line.size()), &parseError)
              .object();
    if (parseError.error != QJsonParseError::NoError
        || header.value(QStringLiteral("format")).toString() != u"inkstream-recording") {
        *error = QStringLiteral("not an Inkstream recording (the first line is not its header)");
        return false;
    }
    recording->version = header.value(QStringLiteral("version")).toInt();
    if (recording->version < 1 || recording->version > RecordingWriter::kFormatVersion) {
        *error = QStringLiteral("recording format version %1 is not supported (this build reads "
                                "up to %2)")
                     .arg(recording->version)
                     .arg(RecordingWriter::kFormatVersion);
        return false;
    }
    recording->source = header.value(QStringLiteral("source")).toString();
    recording->dialect = header.value(QStringLiteral("dialect")).toString();
    recording->startedAt = QDateTime::fromString(
        header.value(QStringLiteral("startedAt")).toString(), Qt::ISODateWithMs);
    return true;
}

bool RecordingReader::parse(const QByteArray &bytes, Recording *recording, QString *error)
{
    *recording = {};
    // Views into `bytes`, each followed there by its newline (but a cut-off last line).
    QList<QByteArrayView> lines;
    for (qsizetype start = 0; start < bytes.size();) {
        const qsizetype end = bytes.indexOf('\n', start);
        const qsizetype stop = end < 0 ? bytes.size() : end;
        lines.append(QByteArrayView(bytes).sliced(start, stop - start));
        start = stop + 1;
    }
    // A file that ends without a newline was cut off in the middle of its last line.
    const bool cutOff = !bytes.isEmpty() && !bytes.endsWith('\n');

    if (!parseHeader(lines.value(0), recording, error))
        return false;

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype lineNumber = i + 1;
        const bool last = i == lines.size() - 1;
        if (last && cutOff) {
            recording->warnings << cutOffText(lineNumber);
            break;
        }
        qint64 at = -1;
        std::optional<Event> event;
        QString problem;
        // With its newline (the cut-off last line was handled above).
        const QByteArrayView line(lines[i].data(), lines[i].size() + 1);
        const RecordingLine::Kind kind
            = RecordingLine::decode(line, recording->version, &at, &event, &problem);
        if (kind == RecordingLine::Kind::Other)
            continue;
        if (kind == RecordingLine::Kind::Skipped) {
            recording->warnings
                << QStringLiteral("line %1 skipped: %2").arg(lineNumber).arg(problem);
            continue;
        }
        const qint64 previous = recording->events.isEmpty() ? 0 : recording->events.last().atMs;
        if (at < previous)
            recording->warnings << QStringLiteral("line %1: its time goes back %2 ms; replayed "
                                                  "in file order")
                                       .arg(lineNumber)
                                       .arg(previous - at);
        recording->events.append(RecordedEvent {std::max(at, previous), std::move(*event)});
    }
    return true;
}

} // namespace inkstream::core
