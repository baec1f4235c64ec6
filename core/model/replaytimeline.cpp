#include "core/model/replaytimeline.h"

#include "core/model/recordingindex.h"

#include <algorithm>

namespace inkstream::core {

ReplayTimeline::ReplayTimeline(const RecordingIndex *index)
    : m_index(index)
{ }

bool ReplayTimeline::open(QString *error)
{
    const QDateTime startedAt = m_index->header().startedAt;
    m_startedAt
        = startedAt.isValid() ? startedAt.toUTC() : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    return m_cursor.open(m_index->path(), m_index->header().version, error);
}

qsizetype ReplayTimeline::size() const
{
    return m_index->size();
}

qint64 ReplayTimeline::durationMs() const
{
    return m_index->times().isEmpty() ? 0 : m_index->times().last();
}

bool ReplayTimeline::seek(qsizetype position, SessionModel *model, QString *error)
{
    position = std::clamp<qsizetype>(position, 0, size());
    if (m_index->checkpoints().isEmpty()) { // nothing indexed yet: the start
        model->clear();
        return true;
    }
    const ReplayCheckpoint &checkpoint = m_index->checkpointFor(position);
    if (!m_index->store().restore(checkpoint, &m_scratch, error))
        return false;
    m_cursor.moveTo(checkpoint.offset, checkpoint.position);
    if (!readTo(position, &m_scratch, error))
        return false;
    model->copyFrom(m_scratch);
    m_scratch.clear(); // the texts now belong to `model` alone, so its appends copy nothing
    return true;
}

bool ReplayTimeline::playOn(qsizetype from, qsizetype to, SessionModel *model, QString *error)
{
    to = std::min(to, size());
    if (from >= to)
        return true;
    if (m_cursor.position() != from) { // moved by a seek elsewhere: find `from` again
        const ReplayCheckpoint &checkpoint = m_index->checkpointFor(from);
        m_cursor.moveTo(checkpoint.offset, checkpoint.position);
        if (!readTo(from, nullptr, error))
            return false;
    }
    return readTo(to, model, error);
}

bool ReplayTimeline::readTo(qsizetype position, SessionModel *model, QString *error)
{
    const QList<qint64> &times = m_index->times();
    Event event;
    while (m_cursor.position() < position) {
        const qsizetype index = m_cursor.position();
        if (!m_cursor.next(&event)) {
            if (error)
                *error = QStringLiteral("the recording ends before event %1 (changed on disk?)")
                             .arg(index + 1);
            return false;
        }
        if (!model)
            continue;
        model->setMessageTime(m_startedAt.addMSecs(times.at(index)));
        model->apply(event);
    }
    return true;
}

qsizetype ReplayTimeline::positionAt(qint64 ms) const
{
    const QList<qint64> &times = m_index->times();
    return std::lower_bound(times.cbegin(), times.cend(), ms) - times.cbegin();
}

const QList<qsizetype> &ReplayTimeline::fileStarts() const
{
    return m_index->fileStarts();
}

qsizetype ReplayTimeline::previousFileStart(qsizetype position) const
{
    const QList<qsizetype> &starts = fileStarts();
    const auto it = std::lower_bound(starts.cbegin(), starts.cend(), position);
    return it == starts.cbegin() ? position : *(it - 1);
}

qsizetype ReplayTimeline::nextFileStart(qsizetype position) const
{
    const QList<qsizetype> &starts = fileStarts();
    const auto it = std::upper_bound(starts.cbegin(), starts.cend(), position);
    return it == starts.cend() ? position : *it;
}

} // namespace inkstream::core
