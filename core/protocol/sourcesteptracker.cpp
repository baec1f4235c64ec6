#include "core/protocol/sourcesteptracker.h"

namespace inkstream::core {

bool SourceStepTracker::enter(const QString &name, StepName mapped, const QString &detail,
                              DialectOutput *out)
{
    if (name.isEmpty() || name == m_active)
        return false;
    completeActive(out);
    out->events.append(StepEvent {mapped, StepEvent::Status::Start, detail, name});
    m_active = name;
    m_mapped = mapped;
    return true;
}

void SourceStepTracker::completeActive(DialectOutput *out)
{
    if (m_active.isEmpty())
        return;
    out->events.append(StepEvent {m_mapped, StepEvent::Status::Complete, {}, m_active});
    m_active.clear();
}

void SourceStepTracker::failActive(const QString &detail, DialectOutput *out)
{
    if (m_active.isEmpty())
        return;
    out->events.append(StepEvent {m_mapped, StepEvent::Status::Error, detail, m_active});
    m_active.clear();
}

} // namespace inkstream::core
