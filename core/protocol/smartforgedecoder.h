#pragma once

#include "core/protocol/dialectdecoder.h"

#include <QJsonObject>

namespace inkstream::core {

// Seed 001 ("smart-forge"): project:created, step:start/complete, file:generating, code:chunk,
// file:complete, validation:start/complete, complete, error. The name travels as the SSE
// `event:` field or as a `type` member of data-only frames; the fields may sit at the top
// level or in a nested `data` object. Workflow events also become `event` chat lines, as the
// seed's UI shows them.
class SmartForgeDecoder final : public DialectDecoder
{
public:
    Dialect dialect() const override { return Dialect::SmartForge; }
    DialectOutput decode(const SseEvent &frame) override;

private:
    bool step(const QJsonObject &fields, const QString &fallback, StepEvent::Status status,
              DialectOutput *out);
};

} // namespace inkstream::core
