#pragma once

#include "core/protocol/dialectdecoder.h"

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>
#include <utility>

namespace inkstream::core {

// The request that posts a prompt to a chat endpoint, per dialect: where it goes (the API path
// appended to a base URL), its JSON body and its headers. `watch --prompt` and the window's
// ChatConversation both use it. The API key is a header here and is never logged.
class ChatRequest final
{
public:
    static constexpr int DefaultMaxTokens = 4096; // Anthropic requires max_tokens

    struct Options
    {
        QString model;
        QString apiKey;
        QString system; // a system prompt; empty: none
        int maxTokens = DefaultMaxTokens; // anthropic
        std::optional<double> temperature; // sent when set (ollama: in `options`)
    };
    using Headers = QList<std::pair<QByteArray, QByteArray>>;

    // chat-text, openai, openai-responses, anthropic, ollama, ai-sdk.
    static bool acceptsPrompts(Dialect dialect);
    // The APIs that name a model in every request.
    static bool needsModel(Dialect dialect);
    // Where the provider's key usually lives (ANTHROPIC_API_KEY, OPENAI_API_KEY), after
    // Inkstream's own INKSTREAM_API_KEY; empty for endpoints without keys.
    static QStringList keyVariables(Dialect dialect);

    // The endpoint for a base URL: /v1/chat/completions, /v1/responses, /v1/messages or
    // /api/chat appended unless the URL already ends in it; chat-text and ai-sdk as given.
    static QUrl url(Dialect dialect, const QUrl &base);
    // `messages` is the conversation as OpenAI's [{role, content}], the new prompt last;
    // `conversationId` names it to the servers that keep the history (chat-text, ai-sdk).
    static QByteArray body(Dialect dialect, const QUrl &url, const Options &options,
                           const QJsonArray &messages, const QString &conversationId);
    static Headers headers(Dialect dialect, const Options &options);
};

} // namespace inkstream::core
