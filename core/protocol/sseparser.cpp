#include "core/protocol/sseparser.h"

#include "core/protocol/protocollog.h"
#include "core/protocol/utf8.h"

#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace inkstream::core {

namespace {

// First CR or LF in [p, end), or end. Clears *ascii when a byte before it is not ASCII, so an
// ASCII line (nearly every line) needs no second pass for UTF-8 validation.
const char *findLineEnd(const char *p, const char *end, bool *ascii)
{
#if defined(__SSE2__)
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    int high = 0;
    while (end - p >= 16) {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const int mask
            = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, cr), _mm_cmpeq_epi8(chunk, lf)));
        const int chunkHigh = _mm_movemask_epi8(chunk);
        if (mask != 0) {
            const int stop = __builtin_ctz(static_cast<unsigned>(mask));
            if ((high | (chunkHigh & ((1 << stop) - 1))) != 0)
                *ascii = false;
            return p + stop;
        }
        high |= chunkHigh;
        p += 16;
    }
    if (high != 0)
        *ascii = false;
#endif
    for (; p != end && *p != '\n' && *p != '\r'; ++p) {
        if (static_cast<unsigned char>(*p) >= 0x80)
            *ascii = false;
    }
    return p;
}

template<qsizetype N> bool isName(QByteArrayView name, const char (&expected)[N])
{
    return name.size() == N - 1 && std::memcmp(name.data(), expected, N - 1) == 0;
}

// Appends bytes known to be ASCII as they are, anything else as sanitised UTF-8.
void appendText(QByteArray &out, QByteArrayView bytes, bool ascii)
{
    if (ascii)
        out.append(bytes);
    else
        Utf8::appendSanitized(out, bytes);
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
    const quint64 generation = m_generation;
    if (m_afterCR && p != end) {
        m_afterCR = false;
        if (*p == '\n')
            ++p;
    }
    while (p != end) {
        bool ascii = true;
        const char *eol = findLineEnd(p, end, &ascii);
        if (eol == end) {
            if (m_skippingLine)
                return;
            if (m_tail.isEmpty() && (*p == ':' || m_discarding)) {
                // Comments and lines of a dropped event are never needed: skip, don't store.
                m_skippingLine = true;
                return;
            }
            const qsizetype length = end - p;
            if (m_tail.size() + length + m_data.size() > m_maxEventSize) {
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
            if (m_tail.size() + (eol - p) + m_data.size() > m_maxEventSize) {
                m_tail.clear();
                dropEvent();
            } else {
                m_tail.append(p, eol - p);
                processLine(m_tail.constData(), m_tail.size(), false);
                m_tail.clear();
            }
        } else {
            processLine(p, eol - p, ascii);
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

void SseParser::processLine(const char *line, qsizetype length, bool ascii)
{
    if (length == 0) {
        dispatch();
        return;
    }
    if (m_discarding || line[0] == ':')
        return;
    if (length + m_data.size() > m_maxEventSize) {
        dropEvent();
        return;
    }
    const auto *colon = static_cast<const char *>(std::memchr(line, ':', size_t(length)));
    if (!colon) {
        processField(QByteArrayView(line, length), {}, ascii);
        return;
    }
    const char *value = colon + 1;
    const char *const end = line + length;
    if (value != end && *value == ' ')
        ++value;
    processField(QByteArrayView(line, colon - line), QByteArrayView(value, end - value), ascii);
}

void SseParser::processField(QByteArrayView name, QByteArrayView value, bool ascii)
{
    // Field names are compared as bytes: ill-formed UTF-8 decodes to U+FFFD, never to ASCII.
    if (isName(name, "data")) {
        if (m_data.size() + value.size() + 1 > m_maxEventSize) {
            dropEvent();
            return;
        }
        appendText(m_data, value, ascii);
        m_data.append('\n');
    } else if (isName(name, "event")) {
        // Most events repeat the last type: keep m_event.type then, no copy at all.
        m_typeIsLast = !m_event.type.isEmpty() && value == m_event.type;
        m_type.truncate(0);
        if (!m_typeIsLast)
            appendText(m_type, value, ascii);
    } else if (isName(name, "id")) {
        if (value.contains('\0'))
            return;
        if (value != m_idBuffer) {
            m_idBuffer.truncate(0); // keeps the capacity: ids change with every event
            appendText(m_idBuffer, value, ascii);
        }
    } else if (isName(name, "retry")) {
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
}

void SseParser::dispatch()
{
    // m_event.lastEventId is the last event ID string; it is copied, not shared, so its
    // capacity is reused from event to event.
    if (m_event.lastEventId != m_idBuffer) {
        m_event.lastEventId.truncate(0);
        m_event.lastEventId.append(m_idBuffer);
    }
    const bool typeIsLast = std::exchange(m_typeIsLast, false);
    if (m_discarding || m_data.isEmpty()) {
        m_discarding = false;
        m_data.truncate(0);
        m_type.truncate(0);
        return;
    }
    m_data.chop(1); // the LF every data line appended
    if (typeIsLast) {
        // m_event.type already holds it
    } else if (m_type.isEmpty()) {
        if (m_event.type != "message")
            m_event.type = QByteArrayLiteral("message");
    } else {
        m_event.type.swap(m_type);
        m_type.truncate(0);
    }
    m_event.data.swap(m_data);
    ++m_eventsDispatched;
    if (m_onEvent)
        m_onEvent(m_event);
    // Take the buffer back so its capacity is reused unless the handler kept a copy.
    m_data.swap(m_event.data);
    m_data.truncate(0);
}

void SseParser::dropEvent()
{
    const QString message
        = QStringLiteral("SSE event larger than %1 bytes dropped").arg(m_maxEventSize);
    qCWarning(lcProtocol, "%s", qUtf8Printable(message));
    ++m_eventsDropped;
    m_discarding = true;
    m_data.clear();
    m_type.clear();
    m_typeIsLast = false;
    if (m_onError)
        m_onError(message);
}

void SseParser::reset()
{
    ++m_generation;
    m_tail.clear();
    m_bomCandidate.clear();
    m_data.clear();
    m_type.clear();
    m_typeIsLast = false;
    m_idBuffer = m_event.lastEventId;
    m_bomChecked = false;
    m_afterCR = false;
    m_skippingLine = false;
    m_discarding = false;
}

} // namespace inkstream::core
