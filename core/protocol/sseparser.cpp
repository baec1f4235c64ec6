#include "core/protocol/sseparser.h"

#include "core/protocol/linescanner.h"
#include "core/protocol/protocollog.h"
#include "core/protocol/utf8.h"

#include <cstring>
#include <limits>

namespace inkstream::core {

namespace {

template<qsizetype N> bool isName(QByteArrayView name, const char (&expected)[N])
{
    return name.size() == N - 1 && std::memcmp(name.data(), expected, N - 1) == 0;
}

// Byte equality without a library call: the strings compared here (event types) are short.
bool sameBytes(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a.data()[i] != b.data()[i])
            return false;
    }
    return true;
}

// The value after "NAME:" at the start of a line, without its one optional leading space.
QByteArrayView valueAfter(const char *line, qsizetype length, qsizetype nameAndColon)
{
    const char *value = line + nameAndColon;
    const char *const end = line + length;
    if (value != end && *value == ' ')
        ++value;
    return QByteArrayView(value, end - value);
}

// Appends bytes known to be ASCII as they are, anything else as sanitised UTF-8.
void appendText(QByteArray &out, QByteArrayView bytes, bool ascii)
{
    if (ascii)
        out.append(bytes);
    else
        Utf8::appendSanitized(out, bytes);
}

// `out` = `bytes` as text, reusing out's buffer (ids and types change with nearly every event).
void assignText(QByteArray &out, QByteArrayView bytes, bool ascii)
{
    if (ascii && out.size() == bytes.size() && !out.isEmpty() && out.isDetached()) {
        std::memcpy(out.data(), bytes.data(), size_t(bytes.size()));
        return;
    }
    out.truncate(0);
    appendText(out, bytes, ascii);
}

constexpr char kBom[] = "\xEF\xBB\xBF";

} // namespace

void SseParser::feed(QByteArrayView bytes)
{
    const char *p = bytes.data();
    const char *const end = p + bytes.size();
    if (!m_bomChecked) {
        // The BOM may arrive split across feeds: hold its first bytes until it is decided.
        while (p != end && m_bomCandidate.size() < 3 && *p == kBom[m_bomCandidate.size()])
            m_bomCandidate.append(*p++);
        if (m_bomCandidate.size() == 3) {
            m_bomCandidate.clear();
            m_bomChecked = true;
        } else if (p == end) {
            return;
        } else {
            m_bomChecked = true;
            if (!m_bomCandidate.isEmpty()) {
                const QByteArray held = std::exchange(m_bomCandidate, {});
                const quint64 generation = m_generation;
                consume(held.constData(), held.constData() + held.size());
                if (generation != m_generation)
                    return;
            }
        }
    }
    consume(p, end);
}

void SseParser::consume(const char *p, const char *const end)
{
    consumeLines(p, end);
    materializeDataView(); // the bytes it points into belong to the caller
}

void SseParser::consumeLines(const char *p, const char *const end)
{
    const quint64 generation = m_generation;
    if (m_afterCR && p != end) {
        m_afterCR = false;
        if (*p == '\n')
            ++p;
    }
    if (p == end)
        return;
    LineScanner scanner(p, end);
    while (p != end) {
        bool ascii = true;
        const char *eol = scanner.lineEnd(p, &ascii);
        if (eol == end) {
            if (m_skippingLine)
                return;
            if (m_tail.isEmpty() && (*p == ':' || m_discarding)) {
                // Comments and lines of a dropped event are never needed: skip, don't store.
                m_skippingLine = true;
                return;
            }
            const qsizetype length = end - p;
            if (m_tail.size() + length + pendingDataSize() > m_maxEventSize) {
                m_tail.clear();
                m_skippingLine = true;
                dropEvent();
                return;
            }
            m_tail.append(p, length);
            return;
        }
        if (m_skippingLine) {
            m_skippingLine = false;
        } else if (!m_tail.isEmpty()) {
            if (m_tail.size() + (eol - p) + pendingDataSize() > m_maxEventSize) {
                m_tail.clear();
                dropEvent();
            } else {
                m_tail.append(p, eol - p);
                processLine(m_tail.constData(), m_tail.size(), false, false);
                m_tail.clear();
            }
        } else {
            processLine(p, eol - p, ascii, true);
        }
        if (generation != m_generation)
            return;
        p = eol + 1;
        if (*eol == '\r') {
            if (p == end)
                m_afterCR = true;
            else if (*p == '\n')
                ++p;
        }
    }
}

void SseParser::processField(QByteArrayView name, QByteArrayView value, bool ascii, bool stable)
{
    // Field names are compared as bytes: ill-formed UTF-8 decodes to U+FFFD, never to ASCII.
    if (isName(name, "data"))
        dataField(value, ascii, stable);
    else if (isName(name, "event"))
        eventField(value, ascii);
    else if (isName(name, "id"))
        idField(value, ascii);
    else if (isName(name, "retry"))
        retryField(value);
}

inline void SseParser::dataField(QByteArrayView value, bool ascii, bool stable)
{
    if (pendingDataSize() + value.size() + 1 > m_maxEventSize) {
        dropEvent();
        return;
    }
    appendData(value, ascii, stable);
}

inline void SseParser::eventField(QByteArrayView value, bool ascii)
{
    // Most events repeat the last type: then nothing is copied at all.
    if (value.isEmpty()) {
        m_typeState = TypeState::Unset; // an empty type means "message"
    } else if (sameBytes(value, m_currentType)) {
        m_typeState = TypeState::SameAsCurrent;
    } else {
        m_typeState = TypeState::New;
        assignText(m_type, value, ascii);
    }
}

inline void SseParser::idField(QByteArrayView value, bool ascii)
{
    if (!value.isEmpty() && std::memchr(value.data(), '\0', size_t(value.size())))
        return;
    // Ids change with nearly every event: copying is as cheap as comparing first.
    assignText(m_idBuffer, value, ascii);
    m_idChanged = true;
}

void SseParser::retryField(QByteArrayView value)
{
    if (value.isEmpty())
        return;
    qint64 milliseconds = 0;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return;
        constexpr qint64 max = std::numeric_limits<qint64>::max();
        const int digit = c - '0';
        milliseconds = milliseconds > (max - digit) / 10 ? max : milliseconds * 10 + digit;
    }
    m_retry = milliseconds;
    if (m_onRetry)
        m_onRetry(milliseconds);
}

void SseParser::processLine(const char *line, qsizetype length, bool ascii, bool stable)
{
    if (length == 0) {
        dispatch();
        return;
    }
    if (m_discarding || line[0] == ':')
        return;
    if (length + pendingDataSize() > m_maxEventSize) {
        dropEvent();
        return;
    }
    // The fields every native event has, recognised without searching for the colon.
    if (length >= 5 && std::memcmp(line, "data:", 5) == 0) {
        dataField(valueAfter(line, length, 5), ascii, stable);
        return;
    }
    if (length >= 3 && std::memcmp(line, "id:", 3) == 0) {
        idField(valueAfter(line, length, 3), ascii);
        return;
    }
    if (length >= 6 && std::memcmp(line, "event:", 6) == 0) {
        eventField(valueAfter(line, length, 6), ascii);
        return;
    }
    const auto *colon = static_cast<const char *>(std::memchr(line, ':', size_t(length)));
    if (!colon) {
        processField(QByteArrayView(line, length), {}, ascii, stable);
        return;
    }
    processField(QByteArrayView(line, colon - line), valueAfter(line, length, colon + 1 - line),
                 ascii, stable);
}

void SseParser::appendData(QByteArrayView value, bool ascii, bool stable)
{
    // The first data line of an event, well-formed and inside the feed: keep a view of it.
    if (stable && !m_hasDataView && m_data.isEmpty() && (ascii || Utf8::isValid(value))) {
        m_dataView = value;
        m_hasDataView = true;
        return;
    }
    materializeDataView();
    appendText(m_data, value, ascii);
    m_data.append('\n');
}

void SseParser::materializeDataView()
{
    if (!m_hasDataView)
        return;
    m_hasDataView = false;
    m_data.append(m_dataView); // validated when the view was taken
    m_data.append('\n');
}

void SseParser::dispatch()
{
    // The last event ID string is set at every dispatch, also for events without data.
    if (m_idChanged) {
        m_idChanged = false;
        assignText(m_lastEventId, m_idBuffer, true);
    }
    const TypeState typeState = std::exchange(m_typeState, TypeState::Unset);
    if (m_discarding || (!m_hasDataView && m_data.isEmpty())) {
        m_discarding = false;
        clearEvent();
        return;
    }
    const QByteArrayView data
        = m_hasDataView ? m_dataView : QByteArrayView(m_data).chopped(1); // the last LF
    if (typeState == TypeState::New)
        m_currentType.swap(m_type);
    else if (typeState == TypeState::Unset && !sameBytes(m_currentType, "message"))
        m_currentType = QByteArrayLiteral("message");
    ++m_eventsDispatched;
    const quint64 generation = m_generation;
    if (m_onEventView) {
        m_onEventView(SseEventView {m_currentType, data, m_lastEventId});
        if (generation != m_generation)
            return; // the handler reset the parser: the event's bytes are gone
    }
    if (m_onEvent) {
        if (!sameBytes(m_event.type, m_currentType))
            m_event.type = m_currentType;
        assignText(m_event.data, data, true);
        assignText(m_event.lastEventId, m_lastEventId, true);
        m_onEvent(m_event);
        if (generation != m_generation)
            return;
    }
    clearEvent();
}

void SseParser::clearEvent()
{
    m_hasDataView = false;
    if (!m_data.isEmpty())
        m_data.truncate(0);
    m_typeState = TypeState::Unset;
}

void SseParser::dropEvent()
{
    const QString message
        = QStringLiteral("SSE event larger than %1 bytes dropped").arg(m_maxEventSize);
    qCWarning(lcProtocol, "%s", qUtf8Printable(message));
    ++m_eventsDropped;
    m_discarding = true;
    m_data.clear();
    m_hasDataView = false;
    m_type.clear();
    m_typeState = TypeState::Unset;
    if (m_onError)
        m_onError(message);
}

void SseParser::reset()
{
    ++m_generation;
    m_tail.clear();
    m_bomCandidate.clear();
    m_data.clear();
    m_hasDataView = false;
    m_type.clear();
    m_typeState = TypeState::Unset;
    m_idBuffer = m_lastEventId;
    m_idChanged = false;
    m_bomChecked = false;
    m_afterCR = false;
    m_skippingLine = false;
    m_discarding = false;
}

} // namespace inkstream::core
