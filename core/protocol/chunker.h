#pragma once

#include <QList>
#include <QStringView>

namespace inkstream::core {

// How a file is typed into a session.
struct ChunkOptions
{
    int chunkSize = 5; // code points per delta
    int delayMs = 20; // pause between deltas; 0 = as fast as the event loop allows
    bool instant = false; // no deltas: `start`, then `complete` with the full content
};

// Splits text into chunks of N code points. A surrogate pair is never split, so no chunk ever
// ends inside a UTF-8 sequence on the wire; a lone surrogate counts as one code point.
// A chunk size below 1 counts as 1.
class Chunker final
{
public:
    // Length in UTF-16 code units of the chunk that starts at `from` (0 at the end of text).
    static qsizetype chunkLength(QStringView text, qsizetype from, int chunkSize);
    // All chunks, as views into `text` (which must outlive them). Empty text gives no chunk.
    static QList<QStringView> split(QStringView text, int chunkSize);
    static qsizetype chunkCount(QStringView text, int chunkSize);
};

} // namespace inkstream::core
