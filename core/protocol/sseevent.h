#pragma once

#include <QByteArray>

namespace inkstream::core {

// One dispatched Server-Sent Event; every field is well-formed UTF-8.
struct SseEvent
{
    QByteArray type = QByteArrayLiteral("message"); // the `event:` field, "message" when absent
    QByteArray data;                                // `data:` lines joined with LF
    QByteArray lastEventId;                         // the last event ID at dispatch
    friend bool operator==(const SseEvent &, const SseEvent &) = default;
};

} // namespace inkstream::core
