// libFuzzer target: snapshot loading, as a client re-syncing from GET .../snapshot or a
// `snapshot` event does it (QJsonDocument, then SessionModel::loadSnapshot). A snapshot that
// loads must survive toSnapshot() -> loadSnapshot() unchanged.
#include "core/model/sessionmodel.h"

#include <QJsonDocument>
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
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!document.isObject())
        return 0;
    SessionModel model;
    QString error;
    if (!model.loadSnapshot(document.object(), &error)) {
        if (error.isEmpty())
            std::abort(); // a rejection always says why
        return 0;
    }
    const QJsonObject saved = model.toSnapshot();
    SessionModel copy;
    if (!copy.loadSnapshot(saved, &error) || copy.toSnapshot() != saved)
        std::abort();
    return 0;
}
