#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace inkstream::core {

// Splits a newline-delimited JSON body (application/x-ndjson: Ollama's streaming answers) into
// its lines as bytes arrive: each complete non-blank line is one frame. A line longer than
// maxLineSize() is dropped (takeDrops() says so) and its rest skipped up to the next newline,
// so a runaway line never grows the buffer.
class NdjsonSplitter final
{
public:
    QList<QByteArray> feed(const QByteArray &bytes);
    // The stream ended: a last line without its newline, if any.
    QList<QByteArray> finish();
    void reset();

    void setMaxLineSize(qsizetype bytes) { m_maxLineSize = bytes > 0 ? bytes : 1; }
    qsizetype bufferedBytes() const { return m_line.size(); }
    QStringList takeDrops() { return std::exchange(m_drops, {}); }

private:
    void complete(QList<QByteArray> *lines);

    QByteArray m_line;
    bool m_skipping = false; // inside an oversized line
    qsizetype m_maxLineSize = 1024 * 1024;
    QStringList m_drops;
};

} // namespace inkstream::core
