#include "core/protocol/openaidecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace inkstream::core {

OpenAiDecoder::OpenAiDecoder(CodeBlockExtractor::ExtensionResolver resolver)
    : ChatReplyDecoder(resolver)
{ }

DialectOutput OpenAiDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    if (m_reply.isFinished())
        return out;
    if (frame.data.trimmed() == "[DONE]") {
        finishReply(&out);
        return out;
    }
    const std::optional<QJsonObject> parsed
        = parseObject(frame, dialectText(Dialect::OpenAi), &out);
    if (!parsed)
        return out;
    const QJsonObject &object = *parsed;
    if (object.contains(QStringLiteral("error"))) {
        const QJsonValue error = object.value(QStringLiteral("error"));
        const QString message = error.isObject()
            ? error.toObject().value(QStringLiteral("message")).toString()
            : error.toString();
        m_reply.fail(message.isEmpty() ? QStringLiteral("the server reported an error") : message,
                     &out);
        return out;
    }
    const QJsonArray choices = object.value(QStringLiteral("choices")).toArray();
    for (const QJsonValue choiceValue : choices) {
        const QJsonObject choice = choiceValue.toObject();
        if (choice.value(QStringLiteral("index")).toInt() != 0) {
            if (!std::exchange(m_warnedOtherChoices, true))
                out.warnings.append(QStringLiteral("openai: only choice 0 is shown (n > 1)"));
            continue;
        }
        const QString finishReason = choice.value(QStringLiteral("finish_reason")).toString();
        if (!finishReason.isEmpty())
            m_finishReason = finishReason;
        const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
        const QJsonValue content = delta.value(QStringLiteral("content"));
        if (content.isString())
            m_reply.appendText(content.toString(), &out);
        // role-only deltas and tool calls carry no text for the panel.
    }
    // With stream_options.include_usage the last chunk (no choices) carries the counts.
    const QJsonValue usage = object.value(QStringLiteral("usage"));
    if (usage.isObject())
        m_usage = usage.toObject();
    return out;
}

DialectOutput OpenAiDecoder::finish()
{
    DialectOutput out;
    finishReply(&out);
    return out;
}

void OpenAiDecoder::finishReply(DialectOutput *out)
{
    if (m_reply.isFinished())
        return;
    m_reply.reportUsage(m_finishReason, m_usage.value(QStringLiteral("prompt_tokens")),
                        m_usage.value(QStringLiteral("completion_tokens")), out);
    m_reply.finish(out);
}

} // namespace inkstream::core
