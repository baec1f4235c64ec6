// libFuzzer target: every foreign dialect decoder and the auto-detection on arbitrary frames.
// Input: one byte choosing the dialect, then frames "TYPE\nDATA" separated by NUL bytes. Each
// decoder must take anything (warnings, never a crash), the events it makes must apply to a
// SessionModel, and finish() must be safe at any point.
#include "core/model/languageguesser.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/dialectdecoder.h"

#include <QLoggingCategory>
#include <array>
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
    if (size < 1)
        return 0;
    static constexpr std::array<Dialect, 6> kForeign
        = {Dialect::CodeStream, Dialect::SmartForge,  Dialect::ChatText,
           Dialect::OpenAi,     Dialect::WritingFlow, Dialect::ModelChunk};
    const Dialect dialect = kForeign[data[0] % kForeign.size()];
    auto decoder = DialectDecoder::create(dialect, &LanguageGuesser::extensionForLanguage);
    if (!decoder || decoder->dialect() != dialect)
        std::abort();

    SessionModel model;
    quint64 sequence = 0;
    const auto apply = [&](const DialectOutput &output) {
        if (output.duplicates < 0)
            std::abort();
        for (const EventPayload &payload : output.events)
            model.apply(Event {++sequence, QString(), payload});
    };
    const QByteArrayView input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    for (QByteArrayView rest = input; !rest.isEmpty();) {
        const qsizetype end = rest.indexOf('\0');
        const QByteArrayView frame = end < 0 ? rest : rest.first(end);
        rest = end < 0 ? QByteArrayView() : rest.sliced(end + 1);
        const qsizetype newline = frame.indexOf('\n');
        const SseEvent event {
            newline < 0 ? QByteArray("message") : frame.first(newline).toByteArray(),
            (newline < 0 ? frame : frame.sliced(newline + 1)).toByteArray(), QByteArray()};
        DialectDecoder::detect(event); // must not crash either
        if (!decoder->isFinished())
            apply(decoder->decode(event));
    }
    apply(decoder->finish());
    apply(decoder->finish()); // twice: idempotent
    return 0;
}
