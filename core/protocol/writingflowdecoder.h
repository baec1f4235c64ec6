#pragma once

#include "core/protocol/dialectdecoder.h"
#include "core/protocol/sourcesteptracker.h"
#include "core/protocol/steptracker.h"

#include <QJsonObject>
#include <QSet>

namespace inkstream::core {

// Seed 004 ("writing-flow"): autopilot frames {step, progress, stats?, docId?, message?} (step
// search, strategy, outline, done, error) drive the tracker; generation frames {blockId, delta,
// cites?, done?, error?} stream each block into a file BLOCKID.md.
class WritingFlowDecoder final : public DialectDecoder
{
public:
    Dialect dialect() const override { return Dialect::WritingFlow; }
    DialectOutput decode(const SseEvent &frame) override;
    bool workDone() const override;

private:
    void autopilot(const QJsonObject &object, DialectOutput *out);
    void generation(const QJsonObject &object, DialectOutput *out);

    StepTracker m_steps;
    SourceStepTracker m_sourceSteps; // search, strategy, outline as the seed names them
    QSet<QString> m_blocks; // blocks started
    QSet<QString> m_endedBlocks; // blocks done or failed: what comes for them again is a replay
    bool m_autopilotEnded = false; // step done or error seen
};

} // namespace inkstream::core
