#include "core/model/replaytimeline.h"

#include "core/model/sessionmodel.h"

#include <algorithm>

namespace inkstream::core {

ReplayTimeline::ReplayTimeline(QList<RecordedEvent> events, int checkpointInterval,
                               const QDateTime &startedAt)
    : m_events(std::move(events))
    , m_interval(qMax(1, checkpointInterval))
    , m_startedAt(startedAt.isValid() ? startedAt.toUTC()
                                      : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC))
{
    SessionModel scratch;
    m_checkpoints.append(scratch.toSnapshot());
    for (qsizetype i = 0; i < m_events.size(); ++i) {
        const Event &event = m_events[i].event;
        if (const auto *code = std::get_if<CodeEvent>(&event.payload);
            code && code->type == CodeEvent::Type::Start)
            m_fileStarts.append(i);
        apply(i, &scratch);
        if ((i + 1) % m_interval == 0)
            m_checkpoints.append(scratch.toSnapshot());
    }
}

bool ReplayTimeline::seek(qsizetype position, SessionModel *model, QString *error) const
{
    position = std::clamp<qsizetype>(position, 0, m_events.size());
    const qsizetype checkpoint = position / m_interval;
    QString loadError;
    if (!model->loadSnapshot(m_checkpoints.at(checkpoint), &loadError)) {
        if (error)
            *error = loadError;
        return false;
    }
    for (qsizetype i = checkpoint * m_interval; i < position; ++i)
        apply(i, model);
    return true;
}

void ReplayTimeline::apply(qsizetype index, SessionModel *model) const
{
    const RecordedEvent &recorded = m_events.at(index);
    model->setMessageTime(m_startedAt.addMSecs(recorded.atMs));
    model->apply(recorded.event);
}

qsizetype ReplayTimeline::positionAt(qint64 ms) const
{
    const auto it = std::lower_bound(
        m_events.cbegin(), m_events.cend(), ms,
        [](const RecordedEvent &event, qint64 value) { return event.atMs < value; });
    return it - m_events.cbegin();
}

qsizetype ReplayTimeline::previousFileStart(qsizetype position) const
{
    const auto it = std::lower_bound(m_fileStarts.cbegin(), m_fileStarts.cend(), position);
    return it == m_fileStarts.cbegin() ? position : *(it - 1);
}

qsizetype ReplayTimeline::nextFileStart(qsizetype position) const
{
    const auto it = std::upper_bound(m_fileStarts.cbegin(), m_fileStarts.cend(), position);
    return it == m_fileStarts.cend() ? position : *it;
}

} // namespace inkstream::core
