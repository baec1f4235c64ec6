#pragma once

#include "core/protocol/dialectdecoder.h"

#include <QHash>

namespace inkstream::core {

// Seed 000 ("code-stream"): `connected` {clientId} and `code` events with the type inside the
// JSON (start, delta with position, complete with fullContent, error). The `complete`'s
// fullContent is authoritative; when it differs from the deltas a warning says so.
class CodeStreamDecoder final : public DialectDecoder
{
public:
    Dialect dialect() const override { return Dialect::CodeStream; }
    DialectOutput decode(const SseEvent &frame) override;
    bool workDone() const override { return m_sawFile && m_streamed.isEmpty(); }

private:
    QHash<QString, QString> m_streamed; // open file name -> text of its deltas so far
    bool m_sawFile = false;
};

} // namespace inkstream::core
