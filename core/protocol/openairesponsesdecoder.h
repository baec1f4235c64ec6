#pragma once

#include "core/protocol/chatreplydecoder.h"

#include <QSet>

namespace inkstream::core {

// OpenAI's Responses API with `stream: true`: typed events from `response.created` through
// `response.output_text.delta` to `response.completed` (or `response.incomplete`,
// `response.failed`, `error`). The output text is the reply (fenced code to files); the
// lifecycle events carry nothing to show; other output (reasoning, tool calls) is skipped.
class OpenAiResponsesDecoder final : public ChatReplyDecoder
{
public:
    explicit OpenAiResponsesDecoder(CodeBlockExtractor::ExtensionResolver resolver = nullptr);
    Dialect dialect() const override { return Dialect::OpenAiResponses; }
    DialectOutput decode(const SseEvent &frame) override;

private:
    void finishWith(const QJsonObject &response, DialectOutput *out);

    QSet<QString> m_warnedNames;
};

} // namespace inkstream::core
