#include "core/protocol/openaidecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace inkstream::core {

OpenAiDecoder::OpenAiDecoder(CodeBlockExtractor::ExtensionResolver resolver)
    : m_reply(resolver)
{ }

DialectOutput OpenAiDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    if (m_reply.isFinished())
        return out;
    if (frame.data.trimmed() == "[DONE]") {
        m_reply.finish(&out);
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
    for (const QJsonValue &choiceValue : choices) {
        const QJsonObject choice = choiceValue.toObject();
        if (choice.value(QStringLiteral("index")).toInt() != 0) {
            if (!std::exchange(m_warnedOtherChoices, true))
                out.warnings.append(QStringLiteral("openai: only choice 0 is shown (n > 1)"));
            continue;
        }
        const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
        const QJsonValue content = delta.value(QStringLiteral("content"));
        if (content.isString())
            m_reply.appendText(content.toString(), &out);
        // role-only deltas, finish_reason, usage and tool calls carry no text for the panel.
    }
    return out;
}

DialectOutput OpenAiDecoder::finish()
{
    return m_reply.finish();
}

} // namespace inkstream::core
