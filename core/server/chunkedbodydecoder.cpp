#include "core/server/chunkedbodydecoder.h"

namespace inkstream::core {

ChunkedBodyDecoder::Status ChunkedBodyDecoder::fail(Status status, const QString &reason)
{
    m_state = State::Failed;
    m_reason = reason;
    return status;
}

bool ChunkedBodyDecoder::takeLine(QByteArrayView input, qsizetype *position, QByteArrayView *line,
                                  Status *failure)
{
    const qsizetype end = input.indexOf('\n', *position);
    if (end < 0) {
        if (input.size() - *position > kMaxLineBytes)
            *failure = fail(Status::Invalid,
                            QStringLiteral("a chunk line longer than %1 bytes").arg(kMaxLineBytes));
        return false;
    }
    QByteArrayView text = input.sliced(*position, end - *position);
    if (!text.endsWith('\r')) {
        *failure = fail(Status::Invalid, QStringLiteral("a chunk line not ended by CRLF"));
        return false;
    }
    text.chop(1);
    *line = text;
    *position = end + 1;
    return true;
}

bool ChunkedBodyDecoder::parseSize(QByteArrayView line)
{
    // chunk-size [ ; extensions ]: 1 to 15 hex digits (no sign, no spaces before them).
    qsizetype digits = 0;
    qint64 size = 0;
    while (digits < line.size()) {
        const char c = line.at(digits);
        int value = -1;
        if (c >= '0' && c <= '9')
            value = c - '0';
        else if (c >= 'a' && c <= 'f')
            value = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            value = c - 'A' + 10;
        if (value < 0)
            break;
        if (++digits > 15)
            return false;
        size = size * 16 + value;
    }
    if (digits == 0)
        return false;
    const QByteArrayView rest = line.sliced(digits);
    if (!rest.isEmpty() && rest.front() != ';' && rest.front() != ' ' && rest.front() != '\t')
        return false;
    m_chunkLeft = size;
    return true;
}

ChunkedBodyDecoder::Status ChunkedBodyDecoder::feed(QByteArrayView input, QByteArray *body,
                                                    qsizetype *consumed)
{
    qsizetype position = 0;
    Status failure = Status::NeedMore;
    const auto stop = [&](Status status) {
        *consumed = position;
        return status;
    };
    while (true) {
        switch (m_state) {
        case State::Failed:
            return stop(Status::Invalid);
        case State::Finished:
            return stop(Status::Done);
        case State::Size: {
            QByteArrayView line;
            if (!takeLine(input, &position, &line, &failure))
                return stop(failure);
            if (!parseSize(line))
                return stop(fail(Status::Invalid,
                                 QStringLiteral("a chunk size that is not a hex number: \"%1\"")
                                     .arg(QString::fromLatin1(line.first(qMin(line.size(), 40))))));
            if (m_chunkLeft > m_maxBodyBytes - m_decoded)
                return stop(
                    fail(Status::TooLarge,
                         QStringLiteral("the chunked body exceeds %1 bytes").arg(m_maxBodyBytes)));
            m_state = m_chunkLeft == 0 ? State::Trailer : State::Data;
            break;
        }
        case State::Data: {
            const qsizetype take = qsizetype(qMin(m_chunkLeft, qint64(input.size() - position)));
            if (take == 0)
                return stop(Status::NeedMore);
            body->append(input.sliced(position, take));
            position += take;
            m_chunkLeft -= take;
            m_decoded += take;
            if (m_chunkLeft == 0)
                m_state = State::DataEnd;
            break;
        }
        case State::DataEnd: {
            QByteArrayView line;
            if (!takeLine(input, &position, &line, &failure))
                return stop(failure);
            if (!line.isEmpty())
                return stop(
                    fail(Status::Invalid, QStringLiteral("chunk data longer than its size")));
            m_state = State::Size;
            break;
        }
        case State::Trailer: {
            const qsizetype before = position;
            QByteArrayView line;
            if (!takeLine(input, &position, &line, &failure))
                return stop(failure);
            m_trailerBytes += position - before;
            if (m_trailerBytes > 16 * 1024)
                return stop(fail(Status::Invalid, QStringLiteral("trailer fields over 16 KiB")));
            if (line.isEmpty())
                m_state = State::Finished;
            break;
        }
        }
    }
}

} // namespace inkstream::core
