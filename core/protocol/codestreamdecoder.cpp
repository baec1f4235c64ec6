#include "core/protocol/codestreamdecoder.h"

#include "core/protocol/eventcodec.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace inkstream::core {

DialectOutput CodeStreamDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    const std::optional<QJsonObject> parsed
        = parseObject(frame, dialectText(Dialect::CodeStream), &out);
    if (!parsed)
        return out;
    const QJsonObject &object = *parsed;
    QString name = QString::fromUtf8(frame.type);
    if (name == u"message") {
        // Data-only frames: tell the two kinds apart by their members.
        if (object.contains(QStringLiteral("fileName")) && object.contains(QStringLiteral("type")))
            name = QStringLiteral("code");
        else if (object.contains(QStringLiteral("clientId")))
            name = QStringLiteral("connected");
    }
    if (name == u"connected") {
        out.events.append(ConnectedEvent {object.value(QStringLiteral("clientId")).toString()});
        return out;
    }
    if (name == u"ping" || name == u"heartbeat")
        return out;
    if (name != u"code") {
        out.warnings.append(QStringLiteral("code-stream: ignored unknown event \"%1\"").arg(name));
        return out;
    }
    const DecodeResult result = EventCodec::decodeObject(name, object);
    if (!result.ok()) {
        out.warnings.append(QStringLiteral("code-stream: ignored %1").arg(result.error));
        return out;
    }
    const CodeEvent &code = std::get<CodeEvent>(result.event->payload);
    m_sawFile = true;
    switch (code.type) {
    case CodeEvent::Type::Start:
        m_streamed.insert(code.fileName, QString());
        break;
    case CodeEvent::Type::Delta:
        m_streamed[code.fileName].append(code.delta);
        break;
    case CodeEvent::Type::Complete: {
        const QString streamed = m_streamed.take(code.fileName);
        if (code.hasFullContent && !streamed.isEmpty() && streamed != code.fullContent)
            out.warnings.append(
                QStringLiteral("code-stream: %1: the complete event's fullContent (%2 characters) "
                               "differs from the streamed deltas (%3 characters); using "
                               "fullContent")
                    .arg(code.fileName)
                    .arg(code.fullContent.size())
                    .arg(streamed.size()));
        break;
    }
    case CodeEvent::Type::Error:
        m_streamed.remove(code.fileName);
        break;
    }
    out.events.append(code);
    return out;
}

} // namespace inkstream::core
