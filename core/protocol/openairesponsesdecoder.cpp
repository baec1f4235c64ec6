#include "core/protocol/openairesponsesdecoder.h"

namespace inkstream::core {

namespace {

// Lifecycle events with nothing for the chat or the files.
bool isSilent(QStringView name)
{
    static const QStringList names = {QStringLiteral("response.created"),
                                      QStringLiteral("response.queued"),
                                      QStringLiteral("response.in_progress"),
                                      QStringLiteral("response.output_item.added"),
                                      QStringLiteral("response.output_item.done"),
                                      QStringLiteral("response.content_part.added"),
                                      QStringLiteral("response.content_part.done"),
                                      QStringLiteral("response.output_text.done"),
                                      QStringLiteral("response.output_text.annotation.added"),
                                      QStringLiteral("response.refusal.done")};
    return names.contains(name);
}

} // namespace

OpenAiResponsesDecoder::OpenAiResponsesDecoder(CodeBlockExtractor::ExtensionResolver resolver)
    : ChatReplyDecoder(resolver)
{ }

DialectOutput OpenAiResponsesDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    if (m_reply.isFinished())
        return out;
    const QString dialectName = dialectText(Dialect::OpenAiResponses);
    const std::optional<QJsonObject> parsed = parseObject(frame, dialectName, &out);
    if (!parsed)
        return out;
    const QJsonObject &object = *parsed;
    const QString name = eventName(object, frame);
    const QJsonObject response = object.value(QStringLiteral("response")).toObject();

    if (name == u"response.output_text.delta" || name == u"response.refusal.delta") {
        m_reply.appendText(object.value(QStringLiteral("delta")).toString(), &out);
    } else if (name == u"response.completed") {
        finishWith(response, &out);
    } else if (name == u"response.incomplete") {
        const QString reason = response.value(QStringLiteral("incomplete_details"))
                                   .toObject()
                                   .value(QStringLiteral("reason"))
                                   .toString();
        out.warnings.append(
            QStringLiteral("%1: the response is incomplete (%2)")
                .arg(dialectName, reason.isEmpty() ? QStringLiteral("no reason") : reason));
        finishWith(response, &out);
    } else if (name == u"response.failed" || name == u"error") {
        // response.failed carries response.error {code, message}; error {code, message} itself.
        const QJsonObject error
            = name == u"error" ? object : response.value(QStringLiteral("error")).toObject();
        const QString message = error.value(QStringLiteral("message")).toString();
        const QString code = error.value(QStringLiteral("code")).toString();
        m_reply.fail(message.isEmpty()    ? QStringLiteral("the server reported an error")
                         : code.isEmpty() ? message
                                          : QStringLiteral("%1 (%2)").arg(message, code),
                     &out);
    } else if (!isSilent(name) && !m_warnedNames.contains(name)) {
        m_warnedNames.insert(name); // reasoning or tool-call streams: once per kind
        out.warnings.append(QStringLiteral("%1: ignored \"%2\" events").arg(dialectName, name));
    }
    return out;
}

void OpenAiResponsesDecoder::finishWith(const QJsonObject &response, DialectOutput *out)
{
    const QJsonObject usage = response.value(QStringLiteral("usage")).toObject();
    m_reply.reportUsage(response.value(QStringLiteral("status")).toString(),
                        usage.value(QStringLiteral("input_tokens")),
                        usage.value(QStringLiteral("output_tokens")), out);
    m_reply.finish(out);
}

} // namespace inkstream::core
