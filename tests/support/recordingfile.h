#pragma once

#include "core/model/logrecord.h"
#include "core/model/recordingreader.h"
#include "core/model/recordingwriter.h"
#include "core/protocol/eventcodec.h"

#include <QFile>
#include <QUrl>

// A recording as `--record` writes it (docs/recording.md), with the events' times and the
// start given: the header, then one checksummed line per event.
inline QByteArray recordingFileBytes(const QList<inkstream::core::RecordedEvent> &events,
                                     const QDateTime &startedAt)
{
    using namespace inkstream::core;
    QByteArray bytes = RecordingWriter::headerLine(
        QUrl(QStringLiteral("http://127.0.0.1:1/api/sessions/rec")), QStringLiteral("native"),
        {{QStringLiteral("startedAt"), startedAt.toUTC().toString(Qt::ISODateWithMs)}});
    for (const RecordedEvent &recorded : events)
        LogRecord::append(&bytes, recorded.atMs, "event", EventCodec::encodeJson(recorded.event));
    return bytes;
}

inline bool writeRecordingFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(bytes) == bytes.size();
}
