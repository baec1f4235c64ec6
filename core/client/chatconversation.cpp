#include "core/client/chatconversation.h"

#include "core/client/clientlog.h"
#include "core/client/loggableurl.h"
#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

namespace inkstream::core {

ChatConversation::ChatConversation(SessionClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    Q_ASSERT(client);
    connect(m_client, &SessionClient::eventReceived, this,
            [this](const Event &event, qsizetype) { onEvent(event); });
    connect(m_client, &SessionClient::stateChanged, this, [this](ConnectionState state) {
        if (m_replying
            && (state == ConnectionState::Error || state == ConnectionState::Disconnected))
            finishReply();
    });
}

bool ChatConversation::acceptsPrompts(Dialect dialect)
{
    return ChatRequest::acceptsPrompts(dialect);
}

void ChatConversation::setEndpoint(const Endpoint &endpoint)
{
    if (m_replying)
        stop();
    m_endpoint = endpoint;
    m_history = {};
    m_turn = 0;
    m_conversationId = QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QUrl ChatConversation::completionsUrl(const QUrl &base)
{
    QUrl url = base;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (!path.endsWith(QStringLiteral("/chat/completions")))
        path += path.endsWith(QStringLiteral("/v1")) ? QStringLiteral("/chat/completions")
                                                     : QStringLiteral("/v1/chat/completions");
    url.setPath(path);
    return url;
}

QByteArray ChatConversation::openAiRequest(const QString &model, const QJsonArray &messages)
{
    return QJsonDocument(QJsonObject {{QStringLiteral("model"), model},
                                      {QStringLiteral("stream"), true},
                                      {QStringLiteral("messages"), messages}})
        .toJson(QJsonDocument::Compact);
}

QByteArray ChatConversation::chatTextRequest(const QString &prompt, const QString &conversationId)
{
    QJsonObject request {{QStringLiteral("message"), prompt}};
    if (!conversationId.isEmpty())
        request.insert(QStringLiteral("session_id"), conversationId);
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

bool ChatConversation::send(const QString &prompt, QString *error)
{
    const auto refuse = [error](const QString &reason) {
        if (error)
            *error = reason;
        return false;
    };
    if (!isOpen())
        return refuse(tr("No chat endpoint is open: connect to a chat endpoint (OpenAI, "
                         "Anthropic, Ollama, AI SDK or chat-text) first."));
    if (m_replying)
        return refuse(tr("A reply is still streaming: stop it or wait for it."));
    if (prompt.trimmed().isEmpty())
        return refuse(tr("The prompt is empty."));

    const QJsonObject userMessage {{QStringLiteral("role"), QStringLiteral("user")},
                                   {QStringLiteral("content"), prompt}};
    const Dialect dialect = m_endpoint.dialect;
    const ChatRequest::Options options {m_endpoint.model, m_endpoint.apiKey, m_endpoint.system,
                                        m_endpoint.maxTokens, m_endpoint.temperature};
    const QUrl url = ChatRequest::url(dialect, m_endpoint.url);
    QJsonArray messages = m_history;
    messages.append(userMessage);
    const QByteArray body = ChatRequest::body(dialect, url, options, messages, m_conversationId);
    const ChatRequest::Headers headers = ChatRequest::headers(dialect, options);

    ++m_turn;
    m_history.append(userMessage);
    m_replyId = QStringLiteral("reply-%1").arg(m_turn);
    m_replyText.clear();
    m_firstTokenMs = -1;
    m_lastTokenMs = -1;
    m_tokens = 0;
    m_replying = true;
    m_client->setDialect(m_endpoint.dialect);
    m_client->setRequest(StreamRequest::post(body, headers));
    m_client->setReplyId(m_replyId);
    if (m_turn == 1)
        m_client->connectTo(url); // a fresh session for a new conversation
    else
        m_client->continueWith(url);
    const QString promptId = QStringLiteral("prompt-%1").arg(m_turn);
    m_client->applyLocalEvent(ChatEvent {ChatEvent::Type::Start, promptId, ChatRole::User, prompt});
    m_client->applyLocalEvent(ChatEvent {ChatEvent::Type::Complete, promptId, ChatRole::User, {}});
    m_clock.start();
    qCInfo(lcClient, "prompt %d sent to %s", m_turn, qPrintable(LoggableUrl::toString(url)));
    Q_EMIT replyStarted();
    return true;
}

void ChatConversation::stop()
{
    if (!m_replying)
        return;
    m_client->stopStream();
    m_client->applyLocalEvent(ChatEvent {ChatEvent::Type::Start,
                                         QStringLiteral("stopped-%1").arg(m_turn), ChatRole::Event,
                                         tr("Stopped: the reply keeps what arrived.")});
    m_client->applyLocalEvent(ChatEvent {
        ChatEvent::Type::Complete, QStringLiteral("stopped-%1").arg(m_turn), ChatRole::Event, {}});
    finishReply();
}

double ChatConversation::tokensPerSecond() const
{
    const qint64 span = m_lastTokenMs - m_firstTokenMs;
    return span > 0 && m_tokens > 1 ? double(m_tokens - 1) * 1000.0 / double(span) : 0.0;
}

void ChatConversation::onEvent(const Event &event)
{
    if (!m_replying)
        return;
    if (const auto *chat = std::get_if<ChatEvent>(&event.payload)) {
        if (chat->messageId != m_replyId || chat->delta.isEmpty())
            return;
        const qint64 now = m_clock.elapsed();
        if (m_firstTokenMs < 0)
            m_firstTokenMs = now;
        m_lastTokenMs = now;
        m_replyText += chat->delta;
        // An LLM API sends about a token per delta; chat-text sends words.
        m_tokens
            = m_endpoint.dialect != Dialect::ChatText ? m_tokens + 1 : (m_replyText.size() + 3) / 4;
        Q_EMIT statsChanged();
    } else if (std::holds_alternative<SessionEvent>(event.payload)) {
        finishReply();
    }
}

void ChatConversation::finishReply()
{
    if (!m_replying)
        return;
    m_replying = false;
    if (!m_replyText.isEmpty())
        m_history.append(QJsonObject {{QStringLiteral("role"), QStringLiteral("assistant")},
                                      {QStringLiteral("content"), m_replyText}});
    Q_EMIT replyFinished();
}

} // namespace inkstream::core
