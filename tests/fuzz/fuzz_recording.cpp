// libFuzzer target: RecordingReader::parse on arbitrary bytes (docs/recording.md). A recording
// is read or refused with a reason; whatever it reads must apply to a SessionModel.
#include "core/model/recordingreader.h"
#include "core/model/sessionmodel.h"

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
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    Recording recording;
    QString error;
    if (!RecordingReader::parse(bytes, &recording, &error)) {
        if (error.isEmpty())
            std::abort(); // a refusal always says why
        return 0;
    }
    // Times never negative, never going back: the replay timeline seeks on them.
    SessionModel model;
    qint64 previous = 0;
    for (const RecordedEvent &recorded : recording.events) {
        if (recorded.atMs < previous)
            std::abort();
        previous = recorded.atMs;
        model.apply(recorded.event);
    }
    return 0;
}
