#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace inkstream::core {

// Decodes a chunked request body (RFC 9112 §7.1) as it arrives, counting the decoded bytes
// against a limit, so a body that would exceed it is refused before it is held. Chunk
// extensions are skipped; trailer fields are read and dropped.
class ChunkedBodyDecoder final
{
public:
    enum class Status { NeedMore, Done, Invalid, TooLarge };

    explicit ChunkedBodyDecoder(qint64 maxBodyBytes)
        : m_maxBodyBytes(maxBodyBytes)
    { }

    // Consumes what it can of `input` (sets *consumed), appending decoded bytes to `body`.
    // Done: the body ended at input[*consumed]; Invalid/TooLarge: reason() says why.
    Status feed(QByteArrayView input, QByteArray *body, qsizetype *consumed);
    QString reason() const { return m_reason; }
    qint64 decodedBytes() const { return m_decoded; }

private:
    enum class State { Size, Data, DataEnd, Trailer, Finished, Failed };
    static constexpr qsizetype kMaxLineBytes = 4096;

    Status fail(Status status, const QString &reason);
    // A complete line at `input`, without its CRLF; false when it has not arrived yet.
    bool takeLine(QByteArrayView input, qsizetype *position, QByteArrayView *line, Status *failure);
    bool parseSize(QByteArrayView line);

    qint64 m_maxBodyBytes;
    qint64 m_decoded = 0;
    qint64 m_chunkLeft = 0;
    qsizetype m_trailerBytes = 0;
    State m_state = State::Size;
    QString m_reason;
};

} // namespace inkstream::core
