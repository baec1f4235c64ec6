#pragma once

#include "core/protocol/event.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace inkstream::core {

// Result of decoding one wire event: an event, or a human-readable reason it was rejected.
struct DecodeResult
{
    std::optional<Event> event;
    QString error; // set when event is empty
    bool ok() const { return event.has_value(); }
};

// The native JSON codec (docs/protocol.md): one-line JSON objects, SSE `event:` names
// "connected", "code", "step", "progress", "chat", "session", "snapshot". Every object carries
// "seq" (the sequence, also the SSE id) and "sessionId".
class EventCodec final
{
public:
    // The largest sequence number: JSON numbers (and JavaScript viewers) are exact up to
    // 2^53 - 1, and a sequence must survive the JSON round trip. Larger `seq` members are
    // rejected; a larger SSE id is not taken as a sequence.
    static constexpr quint64 kMaxSequence = (quint64(1) << 53) - 1;

    // One-line JSON for the `data:` field (also the WebSocket message text).
    static QByteArray encodeJson(const Event &event);
    // A complete SSE frame: "id: N\nevent: NAME\ndata: JSON\n\n".
    static QByteArray encodeSse(const Event &event);

    // Decodes one event. `name` is the SSE event name; when it is empty or "message" the
    // name is taken from a "event" member of the JSON (WebSocket and NDJSON carry it there).
    // `sseId` is the SSE id field; when non-empty it is the sequence unless JSON has "seq".
    // Unknown names, malformed JSON, missing or mistyped fields give an error, never a crash.
    static DecodeResult decode(QByteArrayView name, QByteArrayView json, QByteArrayView sseId = {});
    // Decodes from an already parsed object (POST .../events bodies, NDJSON lines).
    static DecodeResult decodeObject(const QString &name, const QJsonObject &object);
};

} // namespace inkstream::core
