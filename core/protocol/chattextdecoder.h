#pragma once

#include "core/protocol/chatreplydecoder.h"

namespace inkstream::core {

// Seed 002 ("chat-text"): a POST-initiated stream of `data: {"text": "..."}` or bare JSON
// strings `data: "..."`; the reply ends when the connection closes. Fenced code blocks in the
// reply become files as they stream.
class ChatTextDecoder final : public ChatReplyDecoder
{
public:
    explicit ChatTextDecoder(CodeBlockExtractor::ExtensionResolver resolver = nullptr);
    Dialect dialect() const override { return Dialect::ChatText; }
    DialectOutput decode(const SseEvent &frame) override;
};

} // namespace inkstream::core
