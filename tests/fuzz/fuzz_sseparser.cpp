// libFuzzer target: SseParser on arbitrary bytes split at arbitrary points. The first two bytes
// choose the chunking and the event size limit; the rest is the stream. Checks that memory
// stays bounded, every dispatched field is well-formed UTF-8 and reset() mid-stream is safe;
// a second parser fed the same chunks through the view handler (views into the fed bytes) must
// dispatch exactly the same events.
// The limit counts received bytes; U+FFFD repair can make one ill-formed byte three, hence 3x.
#include "core/protocol/sseparser.h"
#include "core/protocol/utf8.h"

#include <QList>
#include <QLoggingCategory>
#include <cstdint>
#include <cstdlib>

using inkstream::core::SseEvent;
using inkstream::core::SseEventView;
using inkstream::core::SseParser;
using inkstream::core::Utf8;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    QLoggingCategory::setFilterRules(QStringLiteral("inkstream.*=false"));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const int chunkSeed = data[0];
    const qsizetype maxEventSize = 1 + data[1] * 4; // small limits reach the overflow paths
    const char *bytes = reinterpret_cast<const char *>(data) + 2;
    const qsizetype length = qsizetype(size) - 2;

    const bool resetsInHandler = chunkSeed & 1;
    SseParser parser;
    parser.setMaxEventSize(maxEventSize);
    quint64 events = 0;
    QList<SseEvent> copied;
    parser.setEventHandler([&](const SseEvent &event) {
        if (!resetsInHandler)
            copied.append(event);
        if (!Utf8::isValid(event.type) || !Utf8::isValid(event.data)
            || !Utf8::isValid(event.lastEventId) || event.data.size() > 3 * maxEventSize)
            std::abort();
        // Every 7th event reconnects from inside the handler, which the parser allows.
        if (++events % 7 == 0 && resetsInHandler)
            parser.reset();
    });
    SseParser viewParser;
    viewParser.setMaxEventSize(maxEventSize);
    QList<SseEvent> viewed;
    viewParser.setEventViewHandler([&](const SseEventView &event) {
        viewed.append(SseEvent {event.type.toByteArray(), event.data.toByteArray(),
                                event.lastEventId.toByteArray()});
    });
    parser.setErrorHandler([](const QString &) {});
    parser.setRetryHandler([](qint64 ms) {
        if (ms < 0)
            std::abort();
    });

    // Chunk sizes cycle through 1..chunkSeed+1 so splits land inside CRLF, BOM and UTF-8.
    qsizetype at = 0;
    int step = 0;
    while (at < length) {
        const qsizetype chunk = std::min<qsizetype>(length - at, 1 + (step++ % (chunkSeed + 1)));
        parser.feed(QByteArrayView(bytes + at, chunk));
        if (!resetsInHandler)
            viewParser.feed(QByteArrayView(bytes + at, chunk));
        at += chunk;
        // Held bytes: the line being read plus the event's data, each within the limit.
        if (parser.bufferedBytes() > 3 * maxEventSize + 3)
            std::abort();
    }
    if (!Utf8::isValid(parser.lastEventId()))
        std::abort();
    if (!resetsInHandler && viewed != copied)
        std::abort();
    return 0;
}
