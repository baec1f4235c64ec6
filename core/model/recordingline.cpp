#include "core/model/recordingline.h"

#include "core/model/logrecord.h"
#include "core/protocol/eventcodec.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace inkstream::core {

RecordingLine::Kind RecordingLine::decode(QByteArrayView line, int version, qint64 *atMs,
                                          std::optional<Event> *event, QString *problem)
{
    qint64 at = -1;
    if (version >= 2) {
        // Checksummed records; a session log also holds records that are not events.
        QByteArrayView kind;
        QByteArrayView value;
        if (LogRecord::parse(line, &at, &kind, &value) != LogRecord::Parse::Ok) {
            *problem = QStringLiteral("damaged (its checksum does not match)");
            return Kind::Skipped;
        }
        if (kind != "event")
            return Kind::Other;
        DecodeResult decoded = EventCodec::decode({}, value);
        *event = std::move(decoded.event);
        *problem = decoded.error;
    } else {
        const QByteArrayView text = line.endsWith('\n') ? line.chopped(1) : line;
        QJsonParseError parseError;
        const QJsonObject object
            = QJsonDocument::fromJson(QByteArray::fromRawData(text.data(), text.size()),
                                      &parseError)
                  .object();
        if (parseError.error != QJsonParseError::NoError
            || !object.value(QStringLiteral("event")).isObject()) {
            *problem = QStringLiteral("not a recorded event");
            return Kind::Skipped;
        }
        DecodeResult decoded
            = EventCodec::decodeObject({}, object.value(QStringLiteral("event")).toObject());
        *event = std::move(decoded.event);
        *problem = decoded.error;
        at = object.value(QStringLiteral("t")).toInteger(-1);
    }
    if (!*event)
        return Kind::Skipped;
    // Arrival times are milliseconds since the start, never negative: the replay timeline and
    // seeking rely on their order.
    if (at < 0) {
        event->reset();
        *problem = QStringLiteral("\"t\" must be a non-negative integer of milliseconds");
        return Kind::Skipped;
    }
    *atMs = at;
    return Kind::Event;
}

} // namespace inkstream::core
