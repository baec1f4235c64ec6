#include "core/protocol/chunker.h"

namespace inkstream::core {

qsizetype Chunker::chunkLength(QStringView text, qsizetype from, int chunkSize)
{
    const qsizetype size = text.size();
    if (from < 0 || from >= size)
        return 0;
    const int points = chunkSize < 1 ? 1 : chunkSize;
    qsizetype end = from;
    for (int n = 0; n < points && end < size; ++n) {
        if (text[end].isHighSurrogate() && end + 1 < size && text[end + 1].isLowSurrogate())
            end += 2;
        else
            end += 1;
    }
    return end - from;
}

QList<QStringView> Chunker::split(QStringView text, int chunkSize)
{
    QList<QStringView> chunks;
    chunks.reserve(text.size() / (chunkSize < 1 ? 1 : chunkSize) + 1);
    for (qsizetype from = 0; from < text.size();) {
        const qsizetype length = chunkLength(text, from, chunkSize);
        chunks.append(text.mid(from, length));
        from += length;
    }
    return chunks;
}

qsizetype Chunker::chunkCount(QStringView text, int chunkSize)
{
    qsizetype count = 0;
    for (qsizetype from = 0; from < text.size(); ++count)
        from += chunkLength(text, from, chunkSize);
    return count;
}

} // namespace inkstream::core
