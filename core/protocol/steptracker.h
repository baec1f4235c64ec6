#pragma once

#include "core/protocol/dialectdecoder.h"

#include <optional>

namespace inkstream::core {

// Moves the four-step tracker forward for dialects that only say which step they are in
// (writing-flow's autopilot, model-chunk's metadata.step): entering a step completes the ones
// before it and starts this one (Complete completes itself). Never moves backwards.
class StepTracker final
{
public:
    // Appends the step events to `out`; false when `step` is the current one or behind it.
    bool advanceTo(StepName step, const QString &detail, DialectOutput *out);
    std::optional<StepName> current() const { return m_step; }

private:
    std::optional<StepName> m_step;
};

} // namespace inkstream::core
