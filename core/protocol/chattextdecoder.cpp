#include "core/protocol/chattextdecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

namespace inkstream::core {

ChatTextDecoder::ChatTextDecoder(CodeBlockExtractor::ExtensionResolver resolver)
    : ChatReplyDecoder(resolver)
{ }

DialectOutput ChatTextDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    if (m_reply.isFinished())
        return out;
    // A bare JSON string is not a JSON document for Qt: wrap it in an array to parse it.
    const QJsonDocument document
        = QJsonDocument::fromJson(QByteArrayLiteral("[") + frame.data + QByteArrayLiteral("]"));
    const QJsonValue value = document.isArray() && document.array().size() == 1
        ? document.array().at(0)
        : QJsonValue(QJsonValue::Undefined);
    if (value.isString()) {
        m_reply.appendText(value.toString(), &out);
    } else if (value.isObject() && value.toObject().value(QStringLiteral("text")).isString()) {
        m_reply.appendText(value.toObject().value(QStringLiteral("text")).toString(), &out);
    } else if (value.isObject() && value.toObject().value(QStringLiteral("error")).isString()) {
        m_reply.fail(value.toObject().value(QStringLiteral("error")).toString(), &out);
    } else if (value.isUndefined()) {
        // The seed's server sends its errors as plain text ("Error: ..."): show it as text.
        out.warnings.append(QStringLiteral("chat-text: a frame that is not JSON was shown as "
                                           "text: %1")
                                .arg(QString::fromUtf8(frame.data.left(80))));
        m_reply.appendText(QString::fromUtf8(frame.data), &out);
    } else {
        out.warnings.append(QStringLiteral("chat-text: ignored a frame without \"text\": %1")
                                .arg(QString::fromUtf8(frame.data.left(80))));
    }
    return out;
}

} // namespace inkstream::core
