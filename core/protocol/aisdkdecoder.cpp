#include "core/protocol/aisdkdecoder.h"

namespace inkstream::core {

AiSdkDecoder::AiSdkDecoder(CodeBlockExtractor::ExtensionResolver resolver)
    : ChatReplyDecoder(resolver)
{ }

bool AiSdkDecoder::isPartType(QStringView type, const QJsonObject &part)
{
    if (type == u"start")
        return part.value(QStringLiteral("messageId")).isString();
    return type == u"text-start" || type == u"text-delta" || type == u"text-end"
        || type == u"start-step" || type == u"finish-step";
}

DialectOutput AiSdkDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    if (m_reply.isFinished())
        return out;
    if (frame.data.trimmed() == "[DONE]") {
        m_reply.finish(&out);
        return out;
    }
    const QString dialectName = dialectText(Dialect::AiSdk);
    const std::optional<QJsonObject> parsed = parseObject(frame, dialectName, &out);
    if (!parsed)
        return out;
    const QJsonObject &part = *parsed;
    const QString type = part.value(QStringLiteral("type")).toString();
    if (type == u"text-delta") {
        m_reply.appendText(part.value(QStringLiteral("delta")).toString(), &out);
    } else if (type == u"finish") {
        m_reply.reportUsage(part.value(QStringLiteral("finishReason")).toString(), {}, {}, &out);
        m_reply.finish(&out);
    } else if (type == u"error") {
        const QString text = part.value(QStringLiteral("errorText")).toString();
        m_reply.fail(text.isEmpty() ? QStringLiteral("the server reported an error") : text, &out);
    } else if (type == u"abort") {
        out.warnings.append(QStringLiteral("%1: the server aborted the reply").arg(dialectName));
        m_reply.finish(&out);
    } else if (type != u"start" && type != u"text-start" && type != u"text-end"
               && type != u"start-step" && type != u"finish-step" && type != u"message-metadata"
               && !m_warnedTypes.contains(type)) {
        // data-NAME parts differ per app: one warning for each kind.
        m_warnedTypes.insert(type);
        out.warnings.append(QStringLiteral("%1: skipped \"%2\" parts").arg(dialectName, type));
    }
    return out;
}

} // namespace inkstream::core
