#pragma once

#include "core/protocol/sseevent.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace inkstream::core {

// Formats text/event-stream frames that SseParser (and any WHATWG client) reads back exactly.
class SseWriter final
{
public:
    // One event: optional `id:`, optional `event:` (omitted when empty), then one `data:` line
    // per line of `data` (split at CR, LF and CRLF), then the blank line. An id or name that
    // would break the framing (CR, LF; NUL in an id) yields an empty result and a warning.
    static QByteArray event(QByteArrayView data, QByteArrayView name = {},
                            std::optional<QByteArrayView> id = std::nullopt);
    // Appends the frame to `out`; false (and `out` unchanged) when name or id are unusable.
    static bool appendEvent(QByteArray &out, QByteArrayView data, QByteArrayView name = {},
                            std::optional<QByteArrayView> id = std::nullopt);
    // The frame for a parsed event, id included, so parse(frame(e)) == e for a fresh parser.
    static QByteArray event(const SseEvent &event);
    // "retry: N\n": the client's reconnection delay.
    static QByteArray retry(qint64 milliseconds);
    // ": text\n", one comment line per line of `text` (keep-alive pings).
    static QByteArray comment(QByteArrayView text = {});
};

} // namespace inkstream::core
