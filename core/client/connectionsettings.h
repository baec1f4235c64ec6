#pragma once

#include "core/client/chatconversation.h"
#include "core/client/sessionclient.h"

#include <QString>
#include <QUrl>

namespace inkstream::core {

// What a viewer connects with: the endpoint, how to read it, and credentials. The connect
// dialog and `inkstream --connect ...` fill it in; MainWindow either follows the stream or,
// for endpoints that take prompts (ChatRequest::acceptsPrompts), opens a ChatConversation.
struct ConnectionSettings
{
    QUrl url;
    Dialect dialect = Dialect::Auto;
    SessionClient::TransportMode transport = SessionClient::TransportMode::Auto;
    QString token; // bearer token / API key; never logged, never stored
    QString model; // the chat APIs that take one (ChatRequest::needsModel)
    QString system; // chat APIs: system prompt; empty: none
    int maxTokens = ChatRequest::DefaultMaxTokens; // anthropic
    std::optional<double> temperature; // chat APIs

    bool takesPrompts() const { return ChatConversation::acceptsPrompts(dialect); }
};

} // namespace inkstream::core
