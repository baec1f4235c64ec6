#pragma once

#include "core/protocol/chatreplybuilder.h"
#include "core/protocol/dialectdecoder.h"

namespace inkstream::core {

// The base of the dialects whose stream is one chat reply (OpenAI, Anthropic, Ollama, the AI
// SDK, chat-text, ...): each reads its own frames and hands the text to one ChatReplyBuilder,
// which streams the narration, turns fenced code blocks into files and ends the reply.
class ChatReplyDecoder : public DialectDecoder
{
public:
    bool isFinished() const override { return m_reply.isFinished(); }
    void setReplyId(const QString &id) override { m_reply.setMessageId(id); }
    DialectOutput finish() override { return m_reply.finish(); }

protected:
    explicit ChatReplyDecoder(CodeBlockExtractor::ExtensionResolver resolver)
        : m_reply(resolver)
    { }

    ChatReplyBuilder m_reply;
};

} // namespace inkstream::core
