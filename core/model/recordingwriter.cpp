#include "core/model/recordingwriter.h"

#include "core/model/logrecord.h"
#include "core/protocol/eventcodec.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace inkstream::core {

bool RecordingWriter::open(const QString &path, const QUrl &source, const QString &dialect,
                           QString *error)
{
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
        *error = QStringLiteral("cannot write recording %1: %2").arg(path, m_file.errorString());
        return false;
    }
    const QByteArray line = headerLine(source, dialect);
    if (m_file.write(line) != line.size()) {
        *error = QStringLiteral("cannot write recording %1: %2").arg(path, m_file.errorString());
        m_file.close();
        return false;
    }
    m_clock.start();
    m_events = 0;
    return true;
}

QByteArray RecordingWriter::headerLine(const QUrl &source, const QString &dialect,
                                       const QJsonObject &extra)
{
    QJsonObject header {
        {QStringLiteral("format"), QStringLiteral("inkstream-recording")},
        {QStringLiteral("version"), kFormatVersion},
        {QStringLiteral("source"), source.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)},
        {QStringLiteral("dialect"), dialect},
        {QStringLiteral("startedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
    for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
        header.insert(it.key(), it.value());
    return QJsonDocument(header).toJson(QJsonDocument::Compact) + '\n';
}

bool RecordingWriter::write(const Event &event)
{
    return write(event, m_clock.isValid() ? m_clock.elapsed() : 0);
}

bool RecordingWriter::write(const Event &event, qint64 atMs)
{
    if (!m_file.isOpen())
        return false;
    // The event's own wire JSON, embedded as is: the reader decodes it with the same codec.
    const QByteArray line = LogRecord::encode(atMs, "event", EventCodec::encodeJson(event));
    if (m_file.write(line) != line.size()) {
        if (m_error.isEmpty())
            m_error
                = QStringLiteral("recording %1: %2").arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    ++m_events;
    return true;
}

} // namespace inkstream::core
