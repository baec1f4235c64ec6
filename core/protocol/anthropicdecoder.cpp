#include "core/protocol/anthropicdecoder.h"

namespace inkstream::core {

AnthropicDecoder::AnthropicDecoder(CodeBlockExtractor::ExtensionResolver resolver)
    : ChatReplyDecoder(resolver)
{ }

bool AnthropicDecoder::isEventName(QStringView name)
{
    return name == u"message_start" || name == u"content_block_start"
        || name == u"content_block_delta" || name == u"content_block_stop"
        || name == u"message_delta" || name == u"message_stop";
}

DialectOutput AnthropicDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    if (m_reply.isFinished())
        return out;
    const QString dialectName = dialectText(Dialect::Anthropic);
    const std::optional<QJsonObject> parsed = parseObject(frame, dialectName, &out);
    if (!parsed)
        return out;
    const QJsonObject &object = *parsed;
    // The name travels twice (event: and "type"); the data's own is the one documented.
    const QString name = eventName(object, frame);

    if (name == u"content_block_delta") {
        const QJsonObject delta = object.value(QStringLiteral("delta")).toObject();
        if (delta.value(QStringLiteral("type")).toString() == u"text_delta")
            m_reply.appendText(delta.value(QStringLiteral("text")).toString(), &out);
        // thinking, signature and tool-input deltas: their block was reported at its start.
    } else if (name == u"content_block_start") {
        const QJsonObject block = object.value(QStringLiteral("content_block")).toObject();
        const QString type = block.value(QStringLiteral("type")).toString();
        if (type == u"text")
            m_reply.appendText(block.value(QStringLiteral("text")).toString(), &out);
        else if (!m_warnedBlockTypes.contains(type)) {
            m_warnedBlockTypes.insert(type);
            out.warnings.append(
                QStringLiteral("%1: skipped a \"%2\" content block").arg(dialectName, type));
        }
    } else if (name == u"message_start") {
        const QJsonObject usage = object.value(QStringLiteral("message"))
                                      .toObject()
                                      .value(QStringLiteral("usage"))
                                      .toObject();
        m_inputTokens = usage.value(QStringLiteral("input_tokens"));
        m_outputTokens = usage.value(QStringLiteral("output_tokens"));
    } else if (name == u"message_delta") {
        const QString reason = object.value(QStringLiteral("delta"))
                                   .toObject()
                                   .value(QStringLiteral("stop_reason"))
                                   .toString();
        if (!reason.isEmpty())
            m_stopReason = reason;
        // message_delta's usage is cumulative.
        const QJsonObject usage = object.value(QStringLiteral("usage")).toObject();
        if (usage.value(QStringLiteral("output_tokens")).isDouble())
            m_outputTokens = usage.value(QStringLiteral("output_tokens"));
        if (usage.value(QStringLiteral("input_tokens")).isDouble())
            m_inputTokens = usage.value(QStringLiteral("input_tokens"));
    } else if (name == u"message_stop") {
        if (m_stopReason == u"max_tokens")
            out.warnings.append(
                QStringLiteral("%1: the reply was cut at max_tokens").arg(dialectName));
        m_reply.reportUsage(m_stopReason, m_inputTokens, m_outputTokens, &out);
        m_reply.finish(&out);
    } else if (name == u"error") {
        const QJsonObject error = object.value(QStringLiteral("error")).toObject();
        const QString message = error.value(QStringLiteral("message")).toString();
        const QString type = error.value(QStringLiteral("type")).toString();
        m_reply.fail(message.isEmpty()    ? QStringLiteral("the server reported an error")
                         : type.isEmpty() ? message
                                          : QStringLiteral("%1 (%2)").arg(message, type),
                     &out);
    } else if (name != u"ping" && name != u"content_block_stop") {
        out.warnings.append(
            QStringLiteral("%1: ignored unknown event \"%2\"").arg(dialectName, name));
    }
    return out;
}

} // namespace inkstream::core
