#pragma once

#include "core/protocol/chatreplydecoder.h"

namespace inkstream::core {

// Ollama's native API with `stream: true`: `POST /api/chat` answers NDJSON lines
// `{"message":{"content":"..."},"done":false}`, `/api/generate` `{"response":"...","done":false}`;
// the last line has `"done":true` with `done_reason` and the token counts, an `{"error"}` line
// fails it. Each line arrives as one frame (SseClient frames application/x-ndjson by line).
class OllamaDecoder final : public ChatReplyDecoder
{
public:
    explicit OllamaDecoder(CodeBlockExtractor::ExtensionResolver resolver = nullptr);
    Dialect dialect() const override { return Dialect::Ollama; }
    DialectOutput decode(const SseEvent &frame) override;
};

} // namespace inkstream::core
