#include "core/model/recordingindex.h"

#include "core/model/recordingindexer.h"

#include <QCoreApplication>
#include <QFile>
#include <QThread>
#include <algorithm>

namespace inkstream::core {

RecordingIndex::RecordingIndex(QObject *parent)
    : QObject(parent)
{ }

RecordingIndex::~RecordingIndex()
{
    m_stop = true;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

bool RecordingIndex::open(const QString &path, QString *error, qint64 checkpointBytes)
{
    Q_ASSERT(!m_thread);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read recording %1: %2").arg(path, file.errorString());
        return false;
    }
    const QByteArray headerLine = file.readLine(1024 * 1024); // a header is a short line
    if (!RecordingReader::parseHeader(headerLine, &m_header, error)) {
        *error = QStringLiteral("%1: %2").arg(path, *error);
        return false;
    }
    if (!m_store.open(error))
        return false;
    m_path = path;
    m_headerBytes = headerLine.size();
    m_fileSize = file.size();

    RecordingIndexer::Source source {path, m_header.version, m_header.startedAt, m_headerBytes,
                                     checkpointBytes};
    auto deliver = [this](RecordingIndexBatch batch) {
        QMetaObject::invokeMethod(
            this, [this, batch = std::move(batch)] { take(batch); }, Qt::QueuedConnection);
    };
    m_thread = QThread::create(
        [indexer = std::make_shared<RecordingIndexer>(std::move(source), &m_store, &m_stop,
                                                      std::move(deliver))] { indexer->run(); });
    m_thread->setObjectName(QStringLiteral("recording index"));
    m_thread->start(QThread::LowPriority);
    return true;
}

void RecordingIndex::take(const RecordingIndexBatch &batch)
{
    const qsizetype before = m_times.size();
    m_times.append(batch.times);
    m_fileStarts.append(batch.fileStarts);
    m_checkpoints.append(batch.checkpoints);
    m_analytics = batch.analytics;
    m_bytesRead = std::max(m_bytesRead, batch.bytesRead);
    for (const QString &warning : batch.warnings) {
        m_header.warnings.append(warning);
        Q_EMIT warningFound(warning);
    }
    if (m_times.size() > before)
        Q_EMIT grew(m_times.size());
    if (!batch.error.isEmpty())
        Q_EMIT failed(batch.error);
    if (batch.finished) {
        m_times.squeeze(); // 8 bytes an event, without the room a growing list keeps
        m_fileStarts.squeeze();
        m_complete = true;
        Q_EMIT completed();
    }
}

const ReplayCheckpoint &RecordingIndex::checkpointFor(qsizetype position) const
{
    Q_ASSERT(!m_checkpoints.isEmpty());
    const auto after = std::upper_bound(m_checkpoints.cbegin(), m_checkpoints.cend(), position,
                                        [](qsizetype value, const ReplayCheckpoint &checkpoint) {
                                            return value < checkpoint.position;
                                        });
    return after == m_checkpoints.cbegin() ? m_checkpoints.first() : *(after - 1);
}

void RecordingIndex::waitForComplete()
{
    if (!m_thread)
        return;
    m_thread->wait();
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
}

} // namespace inkstream::core
