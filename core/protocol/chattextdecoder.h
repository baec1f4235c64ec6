#pragma once

#include "core/protocol/chatreplybuilder.h"
#include "core/protocol/dialectdecoder.h"

namespace inkstream::core {

// Seed 002 ("chat-text"): a POST-initiated stream of `data: {"text": "..."}` or bare JSON
// strings `data: "..."`; the reply ends when the connection closes. Fenced code blocks in the
// reply become files as they stream.
class ChatTextDecoder final : public DialectDecoder
{
public:
    explicit ChatTextDecoder(CodeBlockExtractor::ExtensionResolver resolver = nullptr);
    Dialect dialect() const override { return Dialect::ChatText; }
    DialectOutput decode(const SseEvent &frame) override;
    DialectOutput finish() override;
    bool isFinished() const override { return m_reply.isFinished(); }
    void setReplyId(const QString &id) override { m_reply.setMessageId(id); }

private:
    ChatReplyBuilder m_reply;
};

} // namespace inkstream::core
