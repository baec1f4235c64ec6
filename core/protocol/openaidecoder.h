#pragma once

#include "core/protocol/chatreplydecoder.h"

namespace inkstream::core {

// OpenAI-compatible chat completions with `stream: true` (OpenAI, Ollama, llama.cpp's server,
// vLLM): `data: {"choices":[{"delta":{"content":"..."}}]}` frames, then `data: [DONE]`. The
// content of choice 0 is the reply; fenced code blocks in it become files as they stream.
// finish_reason and usage (stream_options.include_usage) become the reply's `usage` event.
class OpenAiDecoder final : public ChatReplyDecoder
{
public:
    explicit OpenAiDecoder(CodeBlockExtractor::ExtensionResolver resolver = nullptr);
    Dialect dialect() const override { return Dialect::OpenAi; }
    DialectOutput decode(const SseEvent &frame) override;
    DialectOutput finish() override;

private:
    // Reports what the stream said about the reply (finish_reason, usage), then completes it.
    void finishReply(DialectOutput *out);

    bool m_warnedOtherChoices = false;
    QString m_finishReason;
    QJsonObject m_usage;
};

} // namespace inkstream::core
