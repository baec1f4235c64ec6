#include "core/protocol/steptracker.h"

namespace inkstream::core {

bool StepTracker::advanceTo(StepName step, const QString &detail, DialectOutput *out)
{
    if (m_step && int(*m_step) >= int(step))
        return false;
    for (int i = m_step ? int(*m_step) : int(StepName::Planning); i < int(step); ++i)
        out->events.append(StepEvent {StepName(i), StepEvent::Status::Complete, {}});
    out->events.append(StepEvent {
        step, step == StepName::Complete ? StepEvent::Status::Complete : StepEvent::Status::Start,
        detail});
    m_step = step;
    return true;
}

} // namespace inkstream::core
