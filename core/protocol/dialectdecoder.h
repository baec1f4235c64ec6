#pragma once

#include "core/protocol/codeblockextractor.h"
#include "core/protocol/event.h"
#include "core/protocol/sseevent.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace inkstream::core {

// The stream formats Inkstream follows (docs/protocol.md, "Dialects").
enum class Dialect {
    Auto,
    Native,
    CodeStream,
    SmartForge,
    ChatText,
    OpenAi,
    WritingFlow,
    ModelChunk,
    Ollama,
    Anthropic,
    OpenAiResponses,
    AiSdk
};

// What a dialect decoder made of one frame: typed events (without sequence numbers; the client
// numbers them) and readable warnings for anything it did not understand.
struct DialectOutput
{
    QList<EventPayload> events;
    QStringList warnings;
    int duplicates = 0; // frames dropped because their sequence was already applied
};

// Decodes one foreign stream format into the typed events SessionModel applies. Stateful per
// stream: create one per connection with create(), feed it every SSE frame in order, call
// finish() when the stream ends. Never fails: what it cannot map becomes a warning.
class DialectDecoder
{
public:
    virtual ~DialectDecoder();
    virtual Dialect dialect() const = 0;
    virtual DialectOutput decode(const SseEvent &frame) = 0;
    // The stream ended (connection closed): completes whatever is still open.
    virtual DialectOutput finish() { return {}; }
    // Whether the stream said it is over (e.g. OpenAI's [DONE]); later frames are ignored.
    virtual bool isFinished() const { return false; }
    // Whether everything the stream started has ended (every block or file complete, or a
    // terminal frame seen): a stream without ids that closes now is over, not to be reconnected.
    virtual bool workDone() const { return false; }
    // The chat message id of the reply, for the dialects that build one (chat-text, openai);
    // set before the first frame.
    virtual void setReplyId(const QString & /*id*/) { }

    // A decoder for a foreign dialect; null for Auto and Native (EventCodec decodes those).
    // `resolver` names snippet files of chat dialects ("python" -> "py").
    static std::unique_ptr<DialectDecoder>
    create(Dialect dialect, CodeBlockExtractor::ExtensionResolver resolver = nullptr);

    // Which dialect a frame belongs to, with the reason; empty when the frame does not tell
    // (e.g. a bare `connected`, or text that is not JSON).
    struct Detection
    {
        Dialect dialect = Dialect::Native;
        QString reason;
    };
    static std::optional<Detection> detect(const SseEvent &frame);

    static QString dialectText(Dialect dialect); // "auto", "native", "code-stream", ...
    static bool dialectFromText(QStringView text, Dialect *dialect);
    static QStringList dialectNames();

    // A JSON number as a percentage clamped to 0..100 (before rounding: a huge or non-finite
    // number does not fit an int); nullopt when `value` is not a number.
    static std::optional<int> percent(const QJsonValue &value);

protected:
    // The frame's data as a JSON object; otherwise nullopt, with the warning "DIALECT: ignored
    // a TYPE frame that is not a JSON object: DATA…" added to `out`.
    // A frame's event name: its data's "type" member (the documented one, for APIs that send
    // the name twice), else the SSE event name.
    static QString eventName(const QJsonObject &object, const SseEvent &frame);
    static std::optional<QJsonObject> parseObject(const SseEvent &frame, const QString &dialect,
                                                  DialectOutput *out);
    // A whole one-line chat message from the source itself ("DIALECT-N"); nothing when empty.
    void chatLine(const QString &text, DialectOutput *out);

    DialectDecoder() = default;
    DialectDecoder(const DialectDecoder &) = default;
    DialectDecoder &operator=(const DialectDecoder &) = default;

private:
    int m_chatLines = 0;
};

} // namespace inkstream::core
