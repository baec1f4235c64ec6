#pragma once

#include "core/protocol/sseevent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <functional>

namespace inkstream::core {

// A streaming parser for text/event-stream that follows the WHATWG HTML rules for
// "interpreting an event stream" exactly: UTF-8 decoding with U+FFFD replacement, one leading
// BOM stripped, CR / LF / CRLF line ends (also split across feeds), comments, the event, data,
// id and retry fields, and dispatch on a blank line. Feed it any split of the bytes; complete
// lines are parsed in place and only an incomplete last line is carried to the next feed.
//
// An event whose data plus the line being read exceed maxEventSize() is dropped (the error
// handler says so) and the stream resumes after the next blank line, so memory stays bounded
// whatever the server sends; fields read before the overflow (an id) still count, lines after
// it are skipped. Comment lines of any length are skipped without being stored.
// Handlers may call reset(); they must not destroy the parser.
class SseParser final
{
public:
    using EventHandler = std::function<void(const SseEvent &event)>;
    using EventViewHandler = std::function<void(const SseEventView &event)>;
    using ErrorHandler = std::function<void(const QString &message)>;
    using RetryHandler = std::function<void(qint64 milliseconds)>;

    static constexpr qsizetype DefaultMaxEventSize = 1024 * 1024;

    void setEventHandler(EventHandler handler) { m_onEvent = std::move(handler); }
    // Zero-copy dispatch for handlers that decode at once (called before the EventHandler
    // when both are set).
    void setEventViewHandler(EventViewHandler handler) { m_onEventView = std::move(handler); }
    void setErrorHandler(ErrorHandler handler) { m_onError = std::move(handler); }
    void setRetryHandler(RetryHandler handler) { m_onRetry = std::move(handler); }

    // Bytes of `data` (plus the line being read) one event may hold before it is dropped.
    void setMaxEventSize(qsizetype bytes) { m_maxEventSize = bytes > 0 ? bytes : 1; }
    qsizetype maxEventSize() const { return m_maxEventSize; }

    void feed(QByteArrayView bytes);
    // Starts a new stream (a reconnection): drops any partial event and line, expects a BOM
    // again, keeps lastEventId() and retry() as the spec does.
    void reset();

    // The last event ID string (set at each dispatch, also when the event had no data); what a
    // reconnecting client sends as Last-Event-ID.
    QByteArray lastEventId() const { return m_lastEventId; }
    // The reconnection time from the last valid `retry:` field, -1 when none came.
    qint64 retry() const { return m_retry; }
    bool hasRetry() const { return m_retry >= 0; }

    // Bytes held between feeds (partial line and event); never much above maxEventSize().
    qsizetype bufferedBytes() const { return m_tail.size() + m_data.size(); }
    quint64 eventsDispatched() const { return m_eventsDispatched; }
    quint64 eventsDropped() const { return m_eventsDropped; }

private:
    enum class TypeState { Unset, SameAsCurrent, New };

    void consume(const char *p, const char *end);
    void consumeLines(const char *p, const char *end);
    // `stable`: the line lies in the bytes being fed (not in m_tail), so a view of it stays
    // valid until the feed returns. `ascii`: the whole line is ASCII, so it needs no UTF-8 check.
    void processLine(const char *line, qsizetype length, bool ascii, bool stable);
    void processField(QByteArrayView name, QByteArrayView value, bool ascii, bool stable);
    void dataField(QByteArrayView value, bool ascii, bool stable);
    void eventField(QByteArrayView value, bool ascii);
    void idField(QByteArrayView value, bool ascii);
    void retryField(QByteArrayView value);
    void appendData(QByteArrayView value, bool ascii, bool stable);
    // Copies a pending data view into m_data before the bytes it points into go away.
    void materializeDataView();
    qsizetype pendingDataSize() const
    {
        return m_data.size() + (m_hasDataView ? m_dataView.size() + 1 : 0);
    }
    void dispatch();
    void dropEvent();
    void clearEvent();

    EventHandler m_onEvent;
    EventViewHandler m_onEventView;
    ErrorHandler m_onError;
    RetryHandler m_onRetry;
    qsizetype m_maxEventSize = DefaultMaxEventSize;

    QByteArray m_tail; // incomplete last line of the previous feed
    QByteArray m_bomCandidate; // up to two leading bytes that may start a BOM
    QByteArray m_data; // data lines, each followed by LF, when they cannot be a view
    QByteArrayView m_dataView; // the only data line so far, inside the current feed
    bool m_hasDataView = false;
    QByteArray m_type; // the event field, when it differs from m_currentType
    TypeState m_typeState = TypeState::Unset;
    QByteArray m_currentType = QByteArrayLiteral("message"); // of the last dispatched event
    QByteArray m_idBuffer; // the spec's "last event ID buffer"
    QByteArray m_lastEventId; // the "last event ID string", set at dispatch
    bool m_idChanged = false; // an id field came since the last dispatch
    SseEvent m_event; // for the copying EventHandler; reused so its buffers are too
    qint64 m_retry = -1;
    quint64 m_generation = 0; // bumped by reset(), so a feed stops if a handler resets
    quint64 m_eventsDispatched = 0;
    quint64 m_eventsDropped = 0;
    bool m_bomChecked = false;
    bool m_afterCR = false; // the previous feed ended with CR: a leading LF is its CRLF
    bool m_skippingLine = false;
    bool m_discarding = false; // inside an oversized event: skip to the next blank line
};

} // namespace inkstream::core
