#pragma once

#include "core/protocol/dialectdecoder.h"

#include <QString>

namespace inkstream::core {

// Follows the steps a source names itself (seed 004's search, strategy, outline; seed 003's
// thinking, searching, writing) as `step` events that carry the source's name: entering a step
// completes the active one and starts it (the model lists steps in the order first named).
// Each event also names the fixed step it maps to, for viewers that know only the four.
class SourceStepTracker final
{
public:
    // Appends the events to `out`; false when `name` is already the active step (nothing to do).
    bool enter(const QString &name, StepName mapped, const QString &detail, DialectOutput *out);
    void completeActive(DialectOutput *out); // the source's work is done
    void failActive(const QString &detail, DialectOutput *out); // the source failed
    QString active() const { return m_active; }

private:
    QString m_active;
    StepName m_mapped = StepName::Planning;
};

} // namespace inkstream::core
