#include "core/client/chatrequest.h"

#include "core/protocol/endpointdetector.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace inkstream::core {

namespace {

// BASE + /v1 + TAIL, or BASE + TAIL when BASE ends in /v1, or BASE when it ends in TAIL.
QUrl withApiPath(const QUrl &base, const QString &version, const QString &tail)
{
    QUrl url = base;
    QString path = EndpointDetector::trimmedPath(base);
    if (!path.endsWith(tail))
        path += path.endsWith(version) ? tail : version + tail;
    url.setPath(path);
    return url;
}

QString lastUserText(const QJsonArray &messages)
{
    return messages.isEmpty()
        ? QString()
        : messages.last().toObject().value(QStringLiteral("content")).toString();
}

// OpenAI-shaped messages with the system prompt first (openai, ollama).
QJsonArray withSystem(const QJsonArray &messages, const QString &system)
{
    if (system.isEmpty())
        return messages;
    QJsonArray all {QJsonObject {{QStringLiteral("role"), QStringLiteral("system")},
                                 {QStringLiteral("content"), system}}};
    for (const QJsonValue message : messages)
        all.append(message);
    return all;
}

// The AI SDK's UIMessage: {id, role, parts: [{type: "text", text}]}.
QJsonArray uiMessages(const QJsonArray &messages)
{
    QJsonArray ui;
    for (const QJsonValue value : messages) {
        const QJsonObject message = value.toObject();
        ui.append(
            QJsonObject {{QStringLiteral("id"), QStringLiteral("m%1").arg(ui.size() + 1)},
                         {QStringLiteral("role"), message.value(QStringLiteral("role"))},
                         {QStringLiteral("parts"),
                          QJsonArray {QJsonObject {{QStringLiteral("type"), QStringLiteral("text")},
                                                   {QStringLiteral("text"),
                                                    message.value(QStringLiteral("content"))}}}}});
    }
    return ui;
}

} // namespace

bool ChatRequest::acceptsPrompts(Dialect dialect)
{
    return dialect == Dialect::ChatText || dialect == Dialect::AiSdk || needsModel(dialect);
}

bool ChatRequest::needsModel(Dialect dialect)
{
    return dialect == Dialect::OpenAi || dialect == Dialect::OpenAiResponses
        || dialect == Dialect::Anthropic || dialect == Dialect::Ollama;
}

QStringList ChatRequest::keyVariables(Dialect dialect)
{
    switch (dialect) {
    case Dialect::OpenAi:
    case Dialect::OpenAiResponses:
        return {QStringLiteral("INKSTREAM_API_KEY"), QStringLiteral("OPENAI_API_KEY")};
    case Dialect::Anthropic:
        return {QStringLiteral("INKSTREAM_API_KEY"), QStringLiteral("ANTHROPIC_API_KEY")};
    default:
        return {};
    }
}

QUrl ChatRequest::url(Dialect dialect, const QUrl &base)
{
    switch (dialect) {
    case Dialect::OpenAi:
        return withApiPath(base, QStringLiteral("/v1"), QStringLiteral("/chat/completions"));
    case Dialect::OpenAiResponses:
        return withApiPath(base, QStringLiteral("/v1"), QStringLiteral("/responses"));
    case Dialect::Anthropic:
        return withApiPath(base, QStringLiteral("/v1"), QStringLiteral("/messages"));
    case Dialect::Ollama:
        if (EndpointDetector::trimmedPath(base).endsWith(QStringLiteral("/api/generate")))
            return base;
        return withApiPath(base, QStringLiteral("/api"), QStringLiteral("/chat"));
    default:
        return base;
    }
}

QByteArray ChatRequest::body(Dialect dialect, const QUrl &url, const Options &options,
                             const QJsonArray &messages, const QString &conversationId)
{
    QJsonObject request {{QStringLiteral("model"), options.model},
                         {QStringLiteral("stream"), true}};
    if (options.temperature && dialect != Dialect::Ollama)
        request.insert(QStringLiteral("temperature"), *options.temperature);
    switch (dialect) {
    case Dialect::OpenAi:
        request.insert(QStringLiteral("messages"), withSystem(messages, options.system));
        break;
    case Dialect::OpenAiResponses:
        request.insert(QStringLiteral("input"), messages);
        if (!options.system.isEmpty())
            request.insert(QStringLiteral("instructions"), options.system);
        break;
    case Dialect::Anthropic:
        request.insert(QStringLiteral("max_tokens"), options.maxTokens);
        request.insert(QStringLiteral("messages"), messages);
        if (!options.system.isEmpty())
            request.insert(QStringLiteral("system"), options.system);
        break;
    case Dialect::Ollama:
        if (options.temperature)
            request.insert(QStringLiteral("options"),
                           QJsonObject {{QStringLiteral("temperature"), *options.temperature}});
        if (EndpointDetector::trimmedPath(url).endsWith(QStringLiteral("/api/generate"))) {
            request.insert(QStringLiteral("prompt"), lastUserText(messages));
            if (!options.system.isEmpty())
                request.insert(QStringLiteral("system"), options.system);
        } else {
            request.insert(QStringLiteral("messages"), withSystem(messages, options.system));
        }
        break;
    case Dialect::AiSdk:
        // What the SDK's useChat posts; the app's route chooses the model.
        request = QJsonObject {{QStringLiteral("id"), conversationId},
                               {QStringLiteral("messages"), uiMessages(messages)},
                               {QStringLiteral("trigger"), QStringLiteral("submit-message")}};
        break;
    default: // chat-text (seed 002)
        request = QJsonObject {{QStringLiteral("message"), lastUserText(messages)}};
        if (!conversationId.isEmpty())
            request.insert(QStringLiteral("session_id"), conversationId);
        break;
    }
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

ChatRequest::Headers ChatRequest::headers(Dialect dialect, const Options &options)
{
    Headers headers {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}};
    if (dialect == Dialect::Anthropic) {
        headers.append({QByteArrayLiteral("anthropic-version"), QByteArrayLiteral("2023-06-01")});
        if (!options.apiKey.isEmpty())
            headers.append({QByteArrayLiteral("x-api-key"), options.apiKey.toUtf8()});
    } else if (!options.apiKey.isEmpty()) {
        headers.append({QByteArrayLiteral("Authorization"),
                        QByteArrayLiteral("Bearer ") + options.apiKey.toUtf8()});
    }
    return headers;
}

} // namespace inkstream::core
