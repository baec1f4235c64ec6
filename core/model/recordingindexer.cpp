#include "core/model/recordingindexer.h"

#include "core/model/recordingline.h"
#include "core/model/recordingreader.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"

#include <QElapsedTimer>
#include <QFile>

namespace inkstream::core {

namespace {

constexpr qint64 kBlockBytes = 256 * 1024;
constexpr qint64 kDeliverEveryMs = 100;

} // namespace

RecordingIndexer::RecordingIndexer(Source source, CheckpointStore *store,
                                   const std::atomic<bool> *stop, Deliver deliver)
    : m_source(std::move(source))
    , m_store(store)
    , m_stop(stop)
    , m_deliver(std::move(deliver))
{
    if (!m_source.startedAt.isValid())
        m_source.startedAt = QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    m_source.startedAt = m_source.startedAt.toUTC();
    m_source.checkpointBytes = qMax<qint64>(1, m_source.checkpointBytes);
}

void RecordingIndexer::run()
{
    QFile file(m_source.path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(m_source.headerBytes)) {
        m_batch.error
            = QStringLiteral("cannot read recording %1: %2").arg(m_source.path, file.errorString());
        return deliver(true);
    }
    SessionModel model;
    m_store->follow(&model);
    if (!checkpoint(model, 0, m_source.headerBytes))
        return deliver(true);

    QByteArray buffer;
    qint64 bufferOffset = m_source.headerBytes; // where buffer[0] is in the file
    qint64 lastCheckpoint = m_source.headerBytes;
    QElapsedTimer sinceDelivery;
    sinceDelivery.start();
    bool delivered = false;
    while (!m_stop->load(std::memory_order_relaxed)) {
        const QByteArray block = file.read(kBlockBytes);
        if (block.isEmpty())
            break;
        buffer.append(block);
        qsizetype start = 0;
        for (qsizetype newline; (newline = buffer.indexOf('\n', start)) >= 0;) {
            scanLine(QByteArrayView(buffer.constData() + start, newline + 1 - start), &model);
            start = newline + 1;
            const qint64 offset = bufferOffset + start;
            if (offset - lastCheckpoint >= m_source.checkpointBytes) {
                if (!checkpoint(model, m_position, offset))
                    return deliver(true);
                lastCheckpoint = offset;
            }
        }
        buffer.remove(0, start);
        bufferOffset += start;
        m_batch.bytesRead = bufferOffset;
        if (!delivered || sinceDelivery.elapsed() >= kDeliverEveryMs) {
            deliver(false);
            delivered = true;
            sinceDelivery.restart();
        }
    }
    if (m_stop->load())
        return;
    if (file.error() != QFileDevice::NoError)
        m_batch.warnings << QStringLiteral("reading stopped at byte %1: %2")
                                .arg(bufferOffset)
                                .arg(file.errorString());
    else if (!buffer.isEmpty())
        m_batch.warnings << RecordingReader::cutOffText(m_lineNumber + 1);
    deliver(true);
}

void RecordingIndexer::scanLine(QByteArrayView line, SessionModel *model)
{
    ++m_lineNumber;
    qint64 at = 0;
    std::optional<Event> event;
    QString problem;
    switch (RecordingLine::decode(line, m_source.version, &at, &event, &problem)) {
    case RecordingLine::Kind::Other:
        return;
    case RecordingLine::Kind::Skipped:
        m_batch.warnings << QStringLiteral("line %1 skipped: %2").arg(m_lineNumber).arg(problem);
        return;
    case RecordingLine::Kind::Event:
        break;
    }
    if (at < m_previousMs)
        m_batch.warnings << QStringLiteral("line %1: its time goes back %2 ms; replayed in file "
                                           "order")
                                .arg(m_lineNumber)
                                .arg(m_previousMs - at);
    at = std::max(at, m_previousMs);
    m_previousMs = at;
    if (const auto *code = std::get_if<CodeEvent>(&event->payload);
        code && code->type == CodeEvent::Type::Start)
        m_batch.fileStarts.append(m_position);
    m_batch.times.append(at);
    m_analytics.recordEvent(*event, EventCodec::encodeSse(*event).size(), at);
    model->setMessageTime(m_source.startedAt.addMSecs(at));
    model->apply(*event);
    ++m_position;
}

bool RecordingIndexer::checkpoint(const SessionModel &model, qsizetype position, qint64 offset)
{
    ReplayCheckpoint checkpoint {position, offset, 0, 0};
    QString error;
    if (!m_store->write(model, &checkpoint, &error)) {
        m_batch.error = error;
        return false;
    }
    m_batch.checkpoints.append(checkpoint);
    return true;
}

void RecordingIndexer::deliver(bool finished)
{
    m_batch.analytics = m_analytics;
    m_batch.finished = finished;
    m_deliver(std::exchange(m_batch, RecordingIndexBatch()));
}

} // namespace inkstream::core
