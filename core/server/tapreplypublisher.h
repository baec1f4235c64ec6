#pragma once

#include "core/protocol/chatreplybuilder.h"
#include "core/protocol/ndjsonsplitter.h"
#include "core/protocol/sseparser.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QPointer>
#include <QString>
#include <memory>

namespace inkstream::core {

class Session;
class TapFileNames;

// The chat APIs the tap publishes (anything else it forwards unpublished).
enum class TapApi {
    OpenAiChat, // POST /v1/chat/completions: SSE chunks, or one chat.completion JSON
    OllamaChat, // POST /api/chat: NDJSON lines, or one JSON object
    OllamaGenerate, // POST /api/generate: the same with "response" for the text
};

// Publishes one reply that passes through the tap into the session, as the window's own chat
// would show it: the request's last user message, the assistant's text token by token (its
// fenced code blocks as files, through ChatReplyBuilder), tool calls and upstream errors as
// chat events, the tracker generating -> complete. It reads the upstream's bytes as they are
// forwarded and never changes them. The session's own complete/error is the tap's to publish
// (several replies may stream at once): this reports how the reply ended instead.
class TapReplyPublisher final
{
public:
    enum class Outcome { Streaming, Complete, Failed, Stopped };

    // `number` tells this reply's messages apart ("tap-3-reply"); `names` keeps the files of
    // replies streaming at once apart; `snippetNumbers` numbers unnamed blocks across replies.
    TapReplyPublisher(Session *session, TapApi api, int number, TapFileNames *names,
                      std::shared_ptr<int> snippetNumbers);
    ~TapReplyPublisher();
    Q_DISABLE_COPY_MOVE(TapReplyPublisher)

    // The caller's request: its last user message becomes the prompt in the chat.
    void publishPrompt(const QByteArray &requestBody);
    // The upstream's status line and content type, before its body.
    void responseStarted(int status, const QByteArray &contentType);
    // The next bytes of the upstream's body, exactly as forwarded.
    void feed(QByteArrayView bytes);
    // The body ended as the upstream meant it to.
    void finish();
    // The upstream's answer broke off (`error` says how); what arrived is kept.
    void fail(const QString &error);
    // The caller went away and the upstream request was cancelled.
    void stop();

    Outcome outcome() const { return m_outcome; }
    // Why the reply failed (Failed only).
    QString error() const { return m_error; }

    // The text of a request's last user message (string content, or the text parts of an
    // array); `api` decides where it is (Ollama's generate has a prompt).
    static QString lastUserMessage(TapApi api, const QJsonObject &request);

private:
    enum class BodyKind { Pending, EventStream, JsonLines, WholeJson, ErrorBody };

    void onFrame(QByteArrayView data);
    void onOpenAiChunk(const QJsonObject &chunk);
    void onOllamaObject(const QJsonObject &object);
    void onWholeOpenAi(const QJsonObject &completion);
    void collectToolCalls(const QJsonArray &calls);
    void publishToolCalls();
    void failWith(const QString &error);
    void finishReply();
    void publish(DialectOutput *out);
    void publishCode(CodeEvent code);
    void chatLine(const QString &suffix, const QString &text);

    QPointer<Session> m_session;
    TapApi m_api;
    int m_number;
    TapFileNames *m_names;
    ChatReplyBuilder m_reply;
    BodyKind m_kind = BodyKind::Pending;
    int m_status = 0;
    SseParser m_sse;
    NdjsonSplitter m_lines;
    QByteArray m_whole; // WholeJson and ErrorBody: the body, up to a bound
    QString m_finishReason;
    QJsonObject m_usage;
    struct ToolCall
    {
        QString name;
        QString arguments;
    };
    QMap<int, ToolCall> m_toolCalls; // OpenAI streams them by index, in pieces
    QHash<QString, QString> m_fileNames; // the name in the reply -> the name published
    Outcome m_outcome = Outcome::Streaming;
    QString m_error;
};

} // namespace inkstream::core
