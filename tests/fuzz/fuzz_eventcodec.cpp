// libFuzzer target: EventCodec::decode on an arbitrary SSE event name, id and JSON (input:
// NAME '\n' ID '\n' JSON). A decoded event must encode, decode again to the same event, and
// apply to a SessionModel without crashing.
#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"

#include <QLoggingCategory>
#include <cstdint>
#include <cstdlib>

using namespace inkstream::core;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    QLoggingCategory::setFilterRules(QStringLiteral("inkstream.*=false"));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype first = input.indexOf('\n');
    const QByteArrayView name = first < 0 ? QByteArrayView() : input.first(first);
    QByteArrayView rest = first < 0 ? input : input.sliced(first + 1);
    const qsizetype second = rest.indexOf('\n');
    const QByteArrayView id = second < 0 ? QByteArrayView() : rest.first(second);
    const QByteArrayView json = second < 0 ? rest : rest.sliced(second + 1);

    const DecodeResult result = EventCodec::decode(name, json, id);
    if (!result.ok()) {
        if (result.error.isEmpty())
            std::abort(); // a rejection always says why
        return 0;
    }
    const Event &event = *result.event;
    // What the publisher would send for this event must read back as the same event.
    const DecodeResult again = EventCodec::decode({}, EventCodec::encodeJson(event));
    if (!again.ok() || !(*again.event == event))
        std::abort();

    SessionModel model;
    model.apply(event);
    model.apply(event);
    return 0;
}
