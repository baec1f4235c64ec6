#pragma once

#include "core/protocol/chatreplydecoder.h"

#include <QSet>

namespace inkstream::core {

// Anthropic's Messages API with `stream: true`: `message_start`, then per content block
// `content_block_start`, `content_block_delta` (`text_delta`) and `content_block_stop`, `ping`
// at any time, `message_delta` (stop_reason, usage) and `message_stop`; `error` mid-stream.
// Text blocks are the reply (fenced code to files); other block types are skipped.
class AnthropicDecoder final : public ChatReplyDecoder
{
public:
    explicit AnthropicDecoder(CodeBlockExtractor::ExtensionResolver resolver = nullptr);
    Dialect dialect() const override { return Dialect::Anthropic; }
    DialectOutput decode(const SseEvent &frame) override;

    // A Messages stream event name that no other dialect uses (`message_start`, ...).
    static bool isEventName(QStringView name);

    QJsonValue m_inputTokens;
    QJsonValue m_outputTokens;
    QString m_stopReason;
    QSet<QString> m_warnedBlockTypes;
};

} // namespace inkstream::core
