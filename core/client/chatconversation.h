#pragma once

#include "core/client/chatrequest.h"
#include "core/protocol/dialectdecoder.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QObject>
#include <QString>
#include <QUrl>

namespace inkstream::core {

class SessionClient;

// A conversation with an endpoint that takes prompts (ChatRequest::acceptsPrompts). Each send()
// shows the prompt in the chat, posts it as a one-shot stream and lets the SessionClient follow the
// reply into the same SessionModel, so the chat holds the whole conversation and every reply's
// code blocks stream into files. openai requests carry the history (the endpoint is
// stateless); chat-text sends the conversation id (the seed's server keeps the history). stop()
// aborts the request and keeps what arrived. While a reply streams it measures time to first
// token and tokens per second (an OpenAI-compatible chunk is one token; for chat-text, four
// characters count as one).
class ChatConversation final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatConversation)

public:
    struct Endpoint
    {
        QUrl url; // openai: the server or its /v1 base (/v1/chat/completions is appended)
        Dialect dialect = Dialect::OpenAi;
        QString model; // the APIs that take one (ChatRequest::needsModel)
        QString apiKey; // a bearer token (anthropic: x-api-key), never logged
        QString system; // system prompt; empty: none
        int maxTokens = ChatRequest::DefaultMaxTokens; // anthropic
        std::optional<double> temperature;
    };

    explicit ChatConversation(SessionClient *client, QObject *parent = nullptr);

    static bool acceptsPrompts(Dialect dialect);
    // Starts a new conversation with `endpoint` (an empty URL ends it): clears the session.
    void setEndpoint(const Endpoint &endpoint);
    Endpoint endpoint() const { return m_endpoint; }
    bool isOpen() const { return !m_endpoint.url.isEmpty(); }
    bool isReplying() const { return m_replying; }
    int turns() const { return m_turn; }
    // The messages so far as OpenAI's [{role, content}], finished replies included.
    QJsonArray history() const { return m_history; }

    // Posts `prompt`; false (with `error`) when no endpoint is open, a reply is still
    // streaming, or the prompt is blank.
    bool send(const QString &prompt, QString *error = nullptr);
    void stop();

    // Since send(): -1 until the first token.
    qint64 timeToFirstTokenMs() const { return m_firstTokenMs; }
    double tokensPerSecond() const;
    qint64 tokens() const { return m_tokens; }

    // The request pieces `watch --prompt` uses too.
    static QUrl completionsUrl(const QUrl &base);
    static QByteArray openAiRequest(const QString &model, const QJsonArray &messages);
    static QByteArray chatTextRequest(const QString &prompt, const QString &conversationId);

Q_SIGNALS:
    void replyStarted();
    void replyFinished(); // completed, failed or stopped
    void statsChanged(); // a token arrived

private:
    void onEvent(const Event &event);
    void finishReply();

    SessionClient *m_client = nullptr;
    Endpoint m_endpoint;
    QJsonArray m_history;
    QString m_conversationId;
    QString m_replyId;
    QString m_replyText;
    int m_turn = 0;
    bool m_replying = false;
    QElapsedTimer m_clock;
    qint64 m_firstTokenMs = -1;
    qint64 m_lastTokenMs = -1;
    qint64 m_tokens = 0;
};

} // namespace inkstream::core
