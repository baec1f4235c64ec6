#pragma once

#include "core/protocol/chatreplybuilder.h"
#include "core/protocol/dialectdecoder.h"

namespace inkstream::core {

// OpenAI-compatible chat completions with `stream: true` (OpenAI, Ollama, llama.cpp's server,
// vLLM): `data: {"choices":[{"delta":{"content":"..."}}]}` frames, then `data: [DONE]`. The
// content of choice 0 is the reply; fenced code blocks in it become files as they stream.
// finish_reason and usage (stream_options.include_usage) become the reply's `usage` event.
class OpenAiDecoder final : public DialectDecoder
{
public:
    explicit OpenAiDecoder(CodeBlockExtractor::ExtensionResolver resolver = nullptr);
    Dialect dialect() const override { return Dialect::OpenAi; }
    DialectOutput decode(const SseEvent &frame) override;
    DialectOutput finish() override;
    bool isFinished() const override { return m_reply.isFinished(); }
    void setReplyId(const QString &id) override { m_reply.setMessageId(id); }

private:
    // Reports what the stream said about the reply (finish_reason, usage), then completes it.
    void finishReply(DialectOutput *out);

    ChatReplyBuilder m_reply;
    bool m_warnedOtherChoices = false;
    QString m_finishReason;
    QJsonObject m_usage;
};

} // namespace inkstream::core
