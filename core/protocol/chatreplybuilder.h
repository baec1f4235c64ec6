#pragma once

#include "core/protocol/codeblockextractor.h"
#include "core/protocol/dialectdecoder.h"
#include "core/protocol/steptracker.h"

namespace inkstream::core {

// Builds one streaming assistant reply for the chat dialects (chat-text, openai): the text goes
// to the chat panel as a `chat` message, its fenced code blocks to files as they stream
// (CodeBlockExtractor). The reply completes, and with it the session, when the stream ends.
// Unless told otherwise it drives the tracker too: generating from the first text, complete
// (100 %) at the end; a failure marks the running step failed.
class ChatReplyBuilder final
{
public:
    explicit ChatReplyBuilder(CodeBlockExtractor::ExtensionResolver resolver,
                              QString messageId = QStringLiteral("reply-1"));
    // For streams with several replies whose tracker is driven elsewhere (model-chunk jobs).
    void setDrivesTracker(bool drives) { m_drivesTracker = drives; }
    // See CodeBlockExtractor::shareSnippetNumbers.
    void shareSnippetNumbers(std::shared_ptr<int> counter)
    {
        m_extractor.shareSnippetNumbers(std::move(counter));
    }

    void appendText(const QString &text, DialectOutput *out);
    // Completes the reply (and its open code block) and the session; once.
    void finish(DialectOutput *out);
    DialectOutput finish(); // the same, as what a decoder's finish() returns
    // Completes the reply only, for streams that carry several replies (model-chunk jobs).
    void finishReply(DialectOutput *out);
    bool hasText() const { return m_started; }
    // The session failed: the reply completes with what arrived, then the session errors.
    void fail(const QString &error, DialectOutput *out);
    bool isFinished() const { return m_finished; }
    // The source's own account of the reply (why it stopped, tokens in and out; a JSON number
    // or nothing for each count) as a `usage` event; nothing when it said none of it.
    void reportUsage(const QString &stopReason, const QJsonValue &inputTokens,
                     const QJsonValue &outputTokens, DialectOutput *out) const;
    // Before the first text only: the message id is fixed once the reply started.
    void setMessageId(const QString &id)
    {
        if (!m_started)
            m_messageId = id;
    }

private:
    void completeReply(DialectOutput *out);

    CodeBlockExtractor m_extractor;
    StepTracker m_steps;
    bool m_drivesTracker = true;
    QString m_messageId;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace inkstream::core
