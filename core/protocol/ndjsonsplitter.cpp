#include "core/protocol/ndjsonsplitter.h"

namespace inkstream::core {

QList<QByteArray> NdjsonSplitter::feed(const QByteArray &bytes)
{
    QList<QByteArray> lines;
    qsizetype from = 0;
    while (from < bytes.size()) {
        const qsizetype newline = bytes.indexOf('\n', from);
        const qsizetype end = newline < 0 ? bytes.size() : newline;
        if (!m_skipping) {
            m_line.append(bytes.constData() + from, end - from);
            if (m_line.size() > m_maxLineSize) {
                m_drops.append(QStringLiteral("dropped an NDJSON line longer than %1 bytes")
                                   .arg(m_maxLineSize));
                m_line.clear();
                m_skipping = true;
            }
        }
        if (newline < 0)
            break;
        if (m_skipping)
            m_skipping = false;
        else
            complete(&lines);
        from = newline + 1;
    }
    return lines;
}

QList<QByteArray> NdjsonSplitter::finish()
{
    QList<QByteArray> lines;
    if (!m_skipping)
        complete(&lines);
    reset();
    return lines;
}

void NdjsonSplitter::reset()
{
    m_line.clear();
    m_skipping = false;
}

void NdjsonSplitter::complete(QList<QByteArray> *lines)
{
    const QByteArray line = std::exchange(m_line, {}).trimmed(); // CRLF too
    if (!line.isEmpty())
        lines->append(line);
}

} // namespace inkstream::core
