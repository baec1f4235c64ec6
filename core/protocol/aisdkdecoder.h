#pragma once

#include "core/protocol/chatreplydecoder.h"

#include <QSet>

namespace inkstream::core {

// The Vercel AI SDK's UI message stream (header `x-vercel-ai-ui-message-stream: v1`): SSE
// `data:` parts `start`, `start-step`, `text-start`, `text-delta` {id, delta}, `text-end`,
// `finish-step`, `finish`, then `data: [DONE]`; `error` {errorText} mid-stream. The text parts
// are the reply (fenced code to files); reasoning, tool, source, file and data parts are
// skipped.
class AiSdkDecoder final : public ChatReplyDecoder
{
public:
    explicit AiSdkDecoder(CodeBlockExtractor::ExtensionResolver resolver = nullptr);
    Dialect dialect() const override { return Dialect::AiSdk; }
    DialectOutput decode(const SseEvent &frame) override;

    // A part type only the UI message stream sends (`text-delta`, `start` with a messageId ...).
    static bool isPartType(QStringView type, const QJsonObject &part);

    QSet<QString> m_warnedTypes;
};

} // namespace inkstream::core
