#include "core/protocol/chatreplybuilder.h"

namespace inkstream::core {

ChatReplyBuilder::ChatReplyBuilder(CodeBlockExtractor::ExtensionResolver resolver,
                                   QString messageId)
    : m_extractor(resolver)
    , m_messageId(std::move(messageId))
{ }

void ChatReplyBuilder::appendText(const QString &text, DialectOutput *out)
{
    if (m_finished || text.isEmpty())
        return;
    ChatEvent chat;
    chat.messageId = m_messageId;
    chat.role = ChatRole::Assistant;
    chat.type = m_started ? ChatEvent::Type::Delta : ChatEvent::Type::Start;
    chat.delta = text;
    if (!m_started && m_drivesTracker)
        m_steps.advanceTo(StepName::Generating, QStringLiteral("Replying"), out);
    m_started = true;
    out->events.append(chat);
    for (const CodeEvent &code : m_extractor.feed(text))
        out->events.append(code);
    out->warnings.append(m_extractor.takeWarnings());
}

void ChatReplyBuilder::completeReply(DialectOutput *out)
{
    for (const CodeEvent &code : m_extractor.finish())
        out->events.append(code);
    out->warnings.append(m_extractor.takeWarnings());
    if (m_started) {
        ChatEvent chat;
        chat.messageId = m_messageId;
        chat.role = ChatRole::Assistant;
        chat.type = ChatEvent::Type::Complete;
        out->events.append(chat);
    }
}

DialectOutput ChatReplyBuilder::finish()
{
    DialectOutput out;
    finish(&out);
    return out;
}

void ChatReplyBuilder::finish(DialectOutput *out)
{
    if (m_finished)
        return;
    finishReply(out);
    if (m_drivesTracker) {
        m_steps.advanceTo(StepName::Complete, {}, out);
        out->events.append(ProgressEvent {100, {}});
    }
    out->events.append(SessionEvent {SessionEvent::Type::Complete, {}});
}

void ChatReplyBuilder::finishReply(DialectOutput *out)
{
    if (m_finished)
        return;
    m_finished = true;
    completeReply(out);
}

void ChatReplyBuilder::reportUsage(const QString &stopReason, const QJsonValue &inputTokens,
                                   const QJsonValue &outputTokens, DialectOutput *out) const
{
    const auto count = [](const QJsonValue &value) {
        return value.isDouble() && value.toDouble() >= 0 ? qint64(value.toDouble()) : qint64(-1);
    };
    const UsageEvent usage {m_messageId, stopReason, count(inputTokens), count(outputTokens)};
    if (!usage.stopReason.isEmpty() || usage.inputTokens >= 0 || usage.outputTokens >= 0)
        out->events.append(usage);
}

void ChatReplyBuilder::fail(const QString &error, DialectOutput *out)
{
    if (m_finished)
        return;
    m_finished = true;
    completeReply(out);
    if (m_drivesTracker && m_steps.current())
        out->events.append(StepEvent {*m_steps.current(), StepEvent::Status::Error, error});
    out->events.append(SessionEvent {SessionEvent::Type::Error, error});
}

} // namespace inkstream::core
