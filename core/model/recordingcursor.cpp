#include "core/model/recordingcursor.h"

#include "core/model/recordingline.h"

namespace inkstream::core {

namespace {

constexpr qint64 kBlockBytes = 256 * 1024;

} // namespace

bool RecordingCursor::open(const QString &path, int version, QString *error)
{
    m_version = version;
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) { // it reads in blocks itself
        *error = QStringLiteral("cannot read recording %1: %2").arg(path, m_file.errorString());
        return false;
    }
    return true;
}

void RecordingCursor::moveTo(qint64 offset, qsizetype position)
{
    m_file.seek(offset);
    m_buffer.clear();
    m_start = 0;
    m_position = position;
}

bool RecordingCursor::next(Event *event)
{
    for (;;) {
        qsizetype newline = m_buffer.indexOf('\n', m_start);
        if (newline < 0) {
            m_buffer.remove(0, m_start);
            m_start = 0;
            const QByteArray block = m_file.read(kBlockBytes);
            if (block.isEmpty())
                return false;
            m_buffer.append(block);
            continue;
        }
        const QByteArrayView line(m_buffer.constData() + m_start, newline + 1 - m_start);
        m_start = newline + 1;
        qint64 at = 0;
        std::optional<Event> decoded;
        QString problem;
        if (RecordingLine::decode(line, m_version, &at, &decoded, &problem)
            != RecordingLine::Kind::Event)
            continue; // the index reported it
        *event = std::move(*decoded);
        ++m_position;
        return true;
    }
}

} // namespace inkstream::core
