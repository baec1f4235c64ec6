#include "core/protocol/ollamadecoder.h"

namespace inkstream::core {

OllamaDecoder::OllamaDecoder(CodeBlockExtractor::ExtensionResolver resolver)
    : ChatReplyDecoder(resolver)
{ }

DialectOutput OllamaDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    if (m_reply.isFinished())
        return out;
    const std::optional<QJsonObject> parsed
        = parseObject(frame, dialectText(Dialect::Ollama), &out);
    if (!parsed)
        return out;
    const QJsonObject &object = *parsed;
    if (object.contains(QStringLiteral("error"))) {
        const QString error = object.value(QStringLiteral("error")).toString();
        m_reply.fail(error.isEmpty() ? QStringLiteral("the server reported an error") : error,
                     &out);
        return out;
    }
    const QJsonValue message = object.value(QStringLiteral("message"));
    const QJsonValue response = object.value(QStringLiteral("response"));
    if (message.isObject())
        m_reply.appendText(message.toObject().value(QStringLiteral("content")).toString(), &out);
    else if (response.isString())
        m_reply.appendText(response.toString(), &out);
    else if (!object.value(QStringLiteral("done")).toBool())
        out.warnings.append(QStringLiteral("ollama: ignored a line with neither \"message\" nor "
                                           "\"response\""));
    // `thinking` and `tool_calls` carry nothing for the chat or the files.
    if (object.value(QStringLiteral("done")).toBool()) {
        const QString reason = object.value(QStringLiteral("done_reason")).toString();
        if (reason == u"length")
            out.warnings.append(QStringLiteral("ollama: the reply was cut at the length limit"));
        m_reply.reportUsage(reason, object.value(QStringLiteral("prompt_eval_count")),
                            object.value(QStringLiteral("eval_count")), &out);
        m_reply.finish(&out);
    }
    return out;
}

} // namespace inkstream::core
