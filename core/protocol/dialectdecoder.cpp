#include "core/protocol/dialectdecoder.h"

#include "core/protocol/aisdkdecoder.h"
#include "core/protocol/anthropicdecoder.h"
#include "core/protocol/chattextdecoder.h"
#include "core/protocol/codestreamdecoder.h"
#include "core/protocol/modelchunkdecoder.h"
#include "core/protocol/ollamadecoder.h"
#include "core/protocol/openaidecoder.h"
#include "core/protocol/openairesponsesdecoder.h"
#include "core/protocol/smartforgedecoder.h"
#include "core/protocol/writingflowdecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <array>
#include <cmath>

namespace inkstream::core {

namespace {

constexpr std::array<Dialect, 12> kDialects
    = {Dialect::Auto,     Dialect::Native,    Dialect::CodeStream,      Dialect::SmartForge,
       Dialect::ChatText, Dialect::OpenAi,    Dialect::WritingFlow,     Dialect::ModelChunk,
       Dialect::Ollama,   Dialect::Anthropic, Dialect::OpenAiResponses, Dialect::AiSdk};

bool isSmartForgeName(QStringView name)
{
    static const QStringList names
        = {QStringLiteral("project:created"),  QStringLiteral("step:start"),
           QStringLiteral("step:complete"),    QStringLiteral("file:generating"),
           QStringLiteral("code:chunk"),       QStringLiteral("file:complete"),
           QStringLiteral("validation:start"), QStringLiteral("validation:complete"),
           QStringLiteral("complete"),         QStringLiteral("error")};
    return names.contains(name);
}

DialectDecoder::Detection found(Dialect dialect, const QString &reason)
{
    return {dialect, reason};
}

} // namespace

DialectDecoder::~DialectDecoder() = default;

QString DialectDecoder::eventName(const QJsonObject &object, const SseEvent &frame)
{
    const QString name = object.value(QStringLiteral("type")).toString();
    return name.isEmpty() ? QString::fromUtf8(frame.type) : name;
}

std::optional<QJsonObject> DialectDecoder::parseObject(const SseEvent &frame,
                                                       const QString &dialect, DialectOutput *out)
{
    const QJsonDocument document = QJsonDocument::fromJson(frame.data);
    if (document.isObject())
        return document.object();
    out->warnings.append(
        QStringLiteral("%1: ignored a %2 frame that is not a JSON object: %3")
            .arg(dialect, QString::fromUtf8(frame.type), QString::fromUtf8(frame.data.left(80))));
    return std::nullopt;
}

void DialectDecoder::chatLine(const QString &text, DialectOutput *out)
{
    if (text.isEmpty())
        return;
    ChatEvent chat;
    chat.messageId = QStringLiteral("%1-%2").arg(dialectText(dialect())).arg(++m_chatLines);
    chat.role = ChatRole::Event;
    chat.type = ChatEvent::Type::Start;
    chat.delta = text;
    out->events.append(chat);
    chat.type = ChatEvent::Type::Complete;
    chat.delta.clear();
    out->events.append(chat);
}

std::optional<int> DialectDecoder::percent(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number))
        return number > 0 ? 100 : 0;
    return qRound(qBound(0.0, number, 100.0));
}

std::unique_ptr<DialectDecoder>
DialectDecoder::create(Dialect dialect, CodeBlockExtractor::ExtensionResolver resolver)
{
    switch (dialect) {
    case Dialect::Auto:
    case Dialect::Native:
        return nullptr;
    case Dialect::CodeStream:
        return std::make_unique<CodeStreamDecoder>();
    case Dialect::SmartForge:
        return std::make_unique<SmartForgeDecoder>();
    case Dialect::ChatText:
        return std::make_unique<ChatTextDecoder>(resolver);
    case Dialect::OpenAi:
        return std::make_unique<OpenAiDecoder>(resolver);
    case Dialect::WritingFlow:
        return std::make_unique<WritingFlowDecoder>();
    case Dialect::ModelChunk:
        return std::make_unique<ModelChunkDecoder>(resolver);
    case Dialect::Ollama:
        return std::make_unique<OllamaDecoder>(resolver);
    case Dialect::Anthropic:
        return std::make_unique<AnthropicDecoder>(resolver);
    case Dialect::OpenAiResponses:
        return std::make_unique<OpenAiResponsesDecoder>(resolver);
    case Dialect::AiSdk:
        return std::make_unique<AiSdkDecoder>(resolver);
    }
    return nullptr;
}

std::optional<DialectDecoder::Detection> DialectDecoder::detect(const SseEvent &frame)
{
    const QString name = QString::fromUtf8(frame.type);
    if (frame.data.trimmed() == "[DONE]")
        return found(Dialect::OpenAi, QStringLiteral("a [DONE] frame"));
    const QJsonDocument document
        = QJsonDocument::fromJson(QByteArrayLiteral("[") + frame.data + QByteArrayLiteral("]"));
    if (!document.isArray() || document.array().size() != 1)
        return std::nullopt;
    const QJsonValue value = document.array().at(0);
    if (value.isString())
        return found(Dialect::ChatText, QStringLiteral("a bare JSON string frame"));
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject object = value.toObject();
    if (object.contains(QStringLiteral("seq")))
        return found(Dialect::Native, QStringLiteral("a \"seq\" member in the %1 frame").arg(name));
    if (object.value(QStringLiteral("choices")).isArray()
        || object.value(QStringLiteral("object")).toString().startsWith(u"chat.completion"))
        return found(Dialect::OpenAi, QStringLiteral("a chat.completion.chunk frame"));
    const QString inner = object.value(QStringLiteral("type")).toString();
    const QString typeName = name == u"message" ? inner : name;
    if (AnthropicDecoder::isEventName(typeName))
        return found(Dialect::Anthropic, QStringLiteral("a \"%1\" event").arg(typeName));
    if (typeName.startsWith(u"response."))
        return found(Dialect::OpenAiResponses, QStringLiteral("a \"%1\" event").arg(typeName));
    if (name == u"message" && AiSdkDecoder::isPartType(inner, object))
        return found(Dialect::AiSdk, QStringLiteral("a UI message stream \"%1\" part").arg(inner));
    if (object.value(QStringLiteral("done")).isBool()
        && (object.value(QStringLiteral("message")).isObject()
            || object.value(QStringLiteral("response")).isString()))
        return found(Dialect::Ollama,
                     QStringLiteral("a frame with \"done\" and \"message\" or "
                                    "\"response\""));
    if (isSmartForgeName(typeName))
        return found(
            Dialect::SmartForge,
            QStringLiteral("a \"%1\" event%2")
                .arg(typeName,
                     name == u"message" ? QStringLiteral(" in a type member") : QString()));
    if (name == u"code"
        || (name == u"message" && object.contains(QStringLiteral("fileName"))
            && (inner == u"start" || inner == u"delta" || inner == u"complete"
                || inner == u"error")))
        return found(Dialect::CodeStream, QStringLiteral("a code event without \"seq\""));
    if (ModelChunkDecoder::isEventName(typeName))
        return found(Dialect::ModelChunk, QStringLiteral("a \"%1\" event").arg(typeName));
    if (object.contains(QStringLiteral("jobId"))
        && (object.value(QStringLiteral("chunk")).isString()
            || object.value(QStringLiteral("progress")).isDouble()))
        return found(Dialect::ModelChunk,
                     QStringLiteral("a frame with \"jobId\" and \"chunk\" or \"progress\""));
    if (object.value(QStringLiteral("blockId")).isString())
        return found(Dialect::WritingFlow, QStringLiteral("a generation frame with \"blockId\""));
    if (object.value(QStringLiteral("step")).isString()
        && object.value(QStringLiteral("progress")).isDouble())
        return found(Dialect::WritingFlow,
                     QStringLiteral("an autopilot frame with \"step\" and \"progress\""));
    if (object.value(QStringLiteral("text")).isString())
        return found(Dialect::ChatText, QStringLiteral("a {\"text\"} frame"));
    return std::nullopt;
}

QString DialectDecoder::dialectText(Dialect dialect)
{
    switch (dialect) {
    case Dialect::Auto:
        return QStringLiteral("auto");
    case Dialect::Native:
        return QStringLiteral("native");
    case Dialect::CodeStream:
        return QStringLiteral("code-stream");
    case Dialect::SmartForge:
        return QStringLiteral("smart-forge");
    case Dialect::ChatText:
        return QStringLiteral("chat-text");
    case Dialect::OpenAi:
        return QStringLiteral("openai");
    case Dialect::WritingFlow:
        return QStringLiteral("writing-flow");
    case Dialect::ModelChunk:
        return QStringLiteral("model-chunk");
    case Dialect::Ollama:
        return QStringLiteral("ollama");
    case Dialect::Anthropic:
        return QStringLiteral("anthropic");
    case Dialect::OpenAiResponses:
        return QStringLiteral("openai-responses");
    case Dialect::AiSdk:
        return QStringLiteral("ai-sdk");
    }
    return QStringLiteral("unknown");
}

bool DialectDecoder::dialectFromText(QStringView text, Dialect *dialect)
{
    for (Dialect candidate : kDialects) {
        if (text == dialectText(candidate)) {
            *dialect = candidate;
            return true;
        }
    }
    return false;
}

QStringList DialectDecoder::dialectNames()
{
    QStringList names;
    for (Dialect candidate : kDialects)
        names.append(dialectText(candidate));
    return names;
}

} // namespace inkstream::core
