#include "core/server/tapreplypublisher.h"

#include "core/model/languageguesser.h"
#include "core/server/serverlog.h"
#include "core/server/session.h"
#include "core/server/tapfilenames.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace inkstream::core {

namespace {

// An error answer or a non-streaming reply is read whole; beyond this it is forwarded but not
// published (a chat reply is far smaller).
constexpr qsizetype kMaxWholeBody = 16 * 1024 * 1024;

QJsonObject parseObject(QByteArrayView bytes)
{
    return QJsonDocument::fromJson(QByteArray::fromRawData(bytes.data(), bytes.size())).object();
}

// What an upstream's error body says: OpenAI's {"error":{"message"}}, Ollama's {"error":"..."},
// else the start of the text.
QString errorText(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QJsonValue error = object.value(QStringLiteral("error"));
    QString text = error.isObject() ? error.toObject().value(QStringLiteral("message")).toString()
                                    : error.toString();
    if (text.isEmpty())
        text = object.value(QStringLiteral("message")).toString();
    if (text.isEmpty())
        text = QString::fromUtf8(body.left(300)).trimmed();
    return text;
}

QString contentText(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    QString text; // [{"type":"text","text":"..."}, {"type":"image_url",...}]
    for (const QJsonValue part : content.toArray()) {
        const QJsonObject object = part.toObject();
        if (object.value(QStringLiteral("type")).toString() == u"text") {
            if (!text.isEmpty())
                text += u'\n';
            text += object.value(QStringLiteral("text")).toString();
        }
    }
    return text;
}

QString argumentsText(const QJsonValue &arguments)
{
    if (arguments.isString())
        return arguments.toString();
    return QString::fromUtf8(QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact));
}

} // namespace

TapReplyPublisher::TapReplyPublisher(Session *session, TapApi api, int number, TapFileNames *names,
                                     std::shared_ptr<int> snippetNumbers)
    : m_session(session)
    , m_api(api)
    , m_number(number)
    , m_names(names)
    , m_reply(&LanguageGuesser::extensionForLanguage, QStringLiteral("tap-%1-reply").arg(number))
{
    m_reply.shareSnippetNumbers(std::move(snippetNumbers));
    m_sse.setEventHandler([this](const SseEvent &event) { onFrame(event.data); });
}

TapReplyPublisher::~TapReplyPublisher()
{
    m_names->releaseAll(m_number);
}

QString TapReplyPublisher::lastUserMessage(TapApi api, const QJsonObject &request)
{
    if (api == TapApi::OllamaGenerate)
        return request.value(QStringLiteral("prompt")).toString();
    const QJsonArray messages = request.value(QStringLiteral("messages")).toArray();
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        const QJsonObject message = messages.at(i).toObject();
        if (message.value(QStringLiteral("role")).toString() == u"user")
            return contentText(message.value(QStringLiteral("content")));
    }
    return {};
}

void TapReplyPublisher::publishPrompt(const QByteArray &requestBody)
{
    const QString prompt = lastUserMessage(m_api, QJsonDocument::fromJson(requestBody).object());
    if (prompt.isEmpty() || !m_session)
        return;
    const QString id = QStringLiteral("tap-%1-prompt").arg(m_number);
    m_session->publish(ChatEvent {ChatEvent::Type::Start, id, ChatRole::User, prompt});
    m_session->publish(ChatEvent {ChatEvent::Type::Complete, id, ChatRole::User, {}});
}

void TapReplyPublisher::responseStarted(int status, const QByteArray &contentType)
{
    m_status = status;
    const QByteArray type = contentType.toLower();
    if (status < 200 || status >= 300)
        m_kind = BodyKind::ErrorBody;
    else if (type.startsWith("text/event-stream"))
        m_kind = BodyKind::EventStream;
    else if (type.startsWith("application/x-ndjson") || type.startsWith("application/jsonl"))
        m_kind = BodyKind::JsonLines;
    else
        m_kind = BodyKind::WholeJson;
}

void TapReplyPublisher::feed(QByteArrayView bytes)
{
    if (m_outcome != Outcome::Streaming)
        return;
    switch (m_kind) {
    case BodyKind::EventStream:
        m_sse.feed(bytes);
        break;
    case BodyKind::JsonLines:
        for (const QByteArray &line : m_lines.feed(bytes.toByteArray()))
            onFrame(line);
        break;
    case BodyKind::Pending:
    case BodyKind::WholeJson:
    case BodyKind::ErrorBody:
        if (m_whole.size() + bytes.size() <= kMaxWholeBody)
            m_whole.append(bytes);
        break;
    }
}

void TapReplyPublisher::onFrame(QByteArrayView data)
{
    if (m_outcome != Outcome::Streaming)
        return;
    if (m_api == TapApi::OpenAiChat) {
        if (data.trimmed() == "[DONE]") {
            finishReply();
            return;
        }
        onOpenAiChunk(parseObject(data));
    } else {
        onOllamaObject(parseObject(data));
    }
}

void TapReplyPublisher::onOpenAiChunk(const QJsonObject &chunk)
{
    if (chunk.contains(QStringLiteral("error"))) {
        failWith(errorText(QJsonDocument(chunk).toJson(QJsonDocument::Compact)));
        return;
    }
    DialectOutput out;
    for (const QJsonValue choiceValue : chunk.value(QStringLiteral("choices")).toArray()) {
        const QJsonObject choice = choiceValue.toObject();
        if (choice.value(QStringLiteral("index")).toInt() != 0)
            continue; // n > 1: the first choice is the reply shown
        const QString reason = choice.value(QStringLiteral("finish_reason")).toString();
        if (!reason.isEmpty())
            m_finishReason = reason;
        const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
        const QJsonValue content = delta.value(QStringLiteral("content"));
        if (content.isString())
            m_reply.appendText(content.toString(), &out);
        collectToolCalls(delta.value(QStringLiteral("tool_calls")).toArray());
    }
    if (const QJsonValue usage = chunk.value(QStringLiteral("usage")); usage.isObject())
        m_usage = usage.toObject();
    publish(&out);
}

void TapReplyPublisher::onOllamaObject(const QJsonObject &object)
{
    if (object.contains(QStringLiteral("error"))) {
        failWith(errorText(QJsonDocument(object).toJson(QJsonDocument::Compact)));
        return;
    }
    DialectOutput out;
    const QJsonObject message = object.value(QStringLiteral("message")).toObject();
    m_reply.appendText(m_api == TapApi::OllamaGenerate
                           ? object.value(QStringLiteral("response")).toString()
                           : message.value(QStringLiteral("content")).toString(),
                       &out);
    publish(&out);
    for (const QJsonValue call : message.value(QStringLiteral("tool_calls")).toArray()) {
        const QJsonObject function = call.toObject().value(QStringLiteral("function")).toObject();
        m_toolCalls.insert(int(m_toolCalls.size()),
                           {function.value(QStringLiteral("name")).toString(),
                            argumentsText(function.value(QStringLiteral("arguments")))});
    }
    if (object.value(QStringLiteral("done")).toBool()) {
        m_finishReason = object.value(QStringLiteral("done_reason")).toString();
        m_usage
            = {{QStringLiteral("prompt_tokens"), object.value(QStringLiteral("prompt_eval_count"))},
               {QStringLiteral("completion_tokens"), object.value(QStringLiteral("eval_count"))}};
        finishReply();
    }
}

void TapReplyPublisher::onWholeOpenAi(const QJsonObject &completion)
{
    DialectOutput out;
    const QJsonObject choice
        = completion.value(QStringLiteral("choices")).toArray().at(0).toObject();
    const QJsonObject message = choice.value(QStringLiteral("message")).toObject();
    m_reply.appendText(contentText(message.value(QStringLiteral("content"))), &out);
    publish(&out);
    collectToolCalls(message.value(QStringLiteral("tool_calls")).toArray());
    m_finishReason = choice.value(QStringLiteral("finish_reason")).toString();
    m_usage = completion.value(QStringLiteral("usage")).toObject();
    finishReply();
}

void TapReplyPublisher::collectToolCalls(const QJsonArray &calls)
{
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject call = calls.at(i).toObject();
        const int index = call.value(QStringLiteral("index")).toInt(int(i));
        const QJsonObject function = call.value(QStringLiteral("function")).toObject();
        ToolCall &known = m_toolCalls[index];
        known.name += function.value(QStringLiteral("name")).toString();
        known.arguments += argumentsText(function.value(QStringLiteral("arguments")));
    }
}

void TapReplyPublisher::publishToolCalls()
{
    int number = 0;
    for (const ToolCall &call : std::as_const(m_toolCalls))
        chatLine(QStringLiteral("tool-%1").arg(++number),
                 QStringLiteral("Tool call: %1(%2)").arg(call.name, call.arguments));
    m_toolCalls.clear();
}

void TapReplyPublisher::finish()
{
    if (m_outcome != Outcome::Streaming)
        return;
    switch (m_kind) {
    case BodyKind::ErrorBody:
        failWith(
            QStringLiteral("the upstream answered %1: %2").arg(m_status).arg(errorText(m_whole)));
        return;
    case BodyKind::JsonLines:
        for (const QByteArray &line : m_lines.finish())
            onFrame(line);
        break;
    case BodyKind::WholeJson:
    case BodyKind::Pending: {
        const QJsonObject object = QJsonDocument::fromJson(m_whole).object();
        if (object.contains(QStringLiteral("error")))
            failWith(errorText(m_whole));
        else if (m_api == TapApi::OpenAiChat)
            onWholeOpenAi(object);
        else
            onOllamaObject(object);
        break;
    }
    case BodyKind::EventStream:
        break;
    }
    finishReply(); // a stream that ended without its [DONE] or done line ends here
}

void TapReplyPublisher::finishReply()
{
    if (m_outcome != Outcome::Streaming)
        return;
    publishToolCalls();
    DialectOutput out;
    m_reply.reportUsage(m_finishReason, m_usage.value(QStringLiteral("prompt_tokens")),
                        m_usage.value(QStringLiteral("completion_tokens")), &out);
    m_reply.finish(&out);
    publish(&out);
    if (m_outcome == Outcome::Streaming)
        m_outcome = Outcome::Complete;
}

void TapReplyPublisher::fail(const QString &error)
{
    if (m_outcome == Outcome::Streaming)
        failWith(error);
}

void TapReplyPublisher::failWith(const QString &error)
{
    publishToolCalls();
    chatLine(QStringLiteral("error"), error);
    DialectOutput out;
    m_reply.fail(error, &out);
    publish(&out);
    m_outcome = Outcome::Failed;
    m_error = error;
}

void TapReplyPublisher::stop()
{
    if (m_outcome != Outcome::Streaming)
        return;
    m_outcome = Outcome::Stopped;
    if (!m_session)
        return;
    const QString reason = QStringLiteral("stopped: the caller went away");
    for (auto it = m_fileNames.cbegin(); it != m_fileNames.cend(); ++it) {
        if (m_names->isHeldBy(it.value(), m_number)) { // still being written
            CodeEvent error;
            error.type = CodeEvent::Type::Error;
            error.fileName = it.value();
            error.error = reason;
            m_session->publish(error);
        }
    }
    m_names->releaseAll(m_number);
    if (m_reply.hasText()) {
        m_session->publish(ChatEvent {ChatEvent::Type::Complete,
                                      QStringLiteral("tap-%1-reply").arg(m_number),
                                      ChatRole::Assistant,
                                      {}});
        m_session->publish(StepEvent {StepName::Generating, StepEvent::Status::Error, reason});
    }
    chatLine(QStringLiteral("stopped"),
             QStringLiteral("Stopped: the caller went away; the reply keeps what arrived."));
}

void TapReplyPublisher::publish(DialectOutput *out)
{
    for (const QString &warning : std::as_const(out->warnings))
        qCDebug(lcServer, "tap reply %d: %s", m_number, qPrintable(warning));
    for (EventPayload &payload : out->events) {
        if (const auto *session = std::get_if<SessionEvent>(&payload)) {
            // The session's own end is the tap's (other replies may still stream).
            if (session->type == SessionEvent::Type::Error) {
                m_outcome = Outcome::Failed;
                m_error = session->error;
            }
            continue;
        }
        if (!m_session)
            continue;
        if (auto *code = std::get_if<CodeEvent>(&payload))
            publishCode(std::move(*code));
        else
            m_session->publish(payload);
    }
}

void TapReplyPublisher::publishCode(CodeEvent code)
{
    if (code.type == CodeEvent::Type::Start)
        m_fileNames.insert(code.fileName, m_names->claim(code.fileName, m_number));
    const QString published = m_fileNames.value(code.fileName, code.fileName);
    code.fileName = published;
    const bool ends = code.type == CodeEvent::Type::Complete || code.type == CodeEvent::Type::Error;
    m_session->publish(code);
    if (ends)
        m_names->release(published, m_number);
}

void TapReplyPublisher::chatLine(const QString &suffix, const QString &text)
{
    if (!m_session || text.isEmpty())
        return;
    const QString id = QStringLiteral("tap-%1-%2").arg(m_number).arg(suffix);
    m_session->publish(ChatEvent {ChatEvent::Type::Start, id, ChatRole::Event, text});
    m_session->publish(ChatEvent {ChatEvent::Type::Complete, id, ChatRole::Event, {}});
}

} // namespace inkstream::core
