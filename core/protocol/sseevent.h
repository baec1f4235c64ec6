#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace inkstream::core {

// One dispatched Server-Sent Event; every field is well-formed UTF-8.
struct SseEvent
{
    QByteArray type = QByteArrayLiteral("message"); // the `event:` field, "message" when absent
    QByteArray data;                                // `data:` lines joined with LF
    QByteArray lastEventId;                         // the last event ID at dispatch
    friend bool operator==(const SseEvent &, const SseEvent &) = default;
};

// The same event as views, valid only during the handler call: the data of a one-line event
// points into the bytes being fed, so framing copies nothing. Handlers that keep it copy it.
struct SseEventView
{
    QByteArrayView type;
    QByteArrayView data;
    QByteArrayView lastEventId;
};

} // namespace inkstream::core
