#pragma once

#include <QJsonObject>
#include <QString>
#include <utility>
#include <variant>

// The typed events every part of Inkstream speaks internally. Wire dialects decode into these;
// SessionModel applies them; the publisher encodes them. See docs/protocol.md for the JSON.
namespace inkstream::core {

struct TextPosition
{
    int line = 0; // zero-based, as in seed 000
    int column = 0; // zero-based, in UTF-16 code units of the line
    friend bool operator==(const TextPosition &, const TextPosition &) = default;
};

// `connected`: sent once per subscriber when its stream opens.
struct ConnectedEvent
{
    QString clientId;
    // An Inkstream publisher says where the stream starts (docs/protocol.md, "Catch-up"):
    // `epoch` names the session's history (it survives publisher restarts, a new history gets a
    // new one), `lastSequence` is the session's head when the stream opened and `resumeAfter`
    // the sequence the stream continues after (the honoured Last-Event-ID, or 0: from the
    // start). Empty epoch: the source said nothing of it.
    QString epoch {};
    quint64 lastSequence = 0;
    quint64 resumeAfter = 0;
    friend bool operator==(const ConnectedEvent &, const ConnectedEvent &) = default;
};

// `code`: the seed 000 shape, type inside the JSON.
struct CodeEvent
{
    enum class Type { Start, Delta, Complete, Error };
    Type type = Type::Delta;
    QString fileName;
    QString delta; // Delta only
    // Delta only: where `delta` starts in the file, in UTF-16 code units; -1 when the source
    // did not say. A viewer that already holds that text skips it, so a delta received twice
    // is never appended twice.
    qint64 offset = -1;
    TextPosition position; // Delta only: where the delta starts
    bool hasPosition = false;
    QString fullContent; // Complete only (authoritative when present)
    bool hasFullContent = false;
    QString error; // Error only
    QString language; // optional hint on Start
    friend bool operator==(const CodeEvent &, const CodeEvent &) = default;
};

enum class StepName { Planning, Generating, Validating, Complete };
inline constexpr int StepCount = 4;

// `step`: one of the four tracker steps starts, completes or fails; or, with `source`, a step
// the source names itself (seed 004's "search"), `step` then being the one it maps to.
struct StepEvent
{
    enum class Status { Start, Complete, Error };
    StepEvent() = default;
    // Not an aggregate, so that `source` may be left out wherever a fixed step is meant.
    StepEvent(StepName stepName, Status stepStatus, QString stepDetail = {},
              QString sourceName = {})
        : step(stepName)
        , status(stepStatus)
        , detail(std::move(stepDetail))
        , source(std::move(sourceName))
    { }
    StepName step = StepName::Planning;
    Status status = Status::Start;
    QString detail; // sub-step text ("Planning API structure...")
    QString source; // the source's own name for the step; empty: the fixed step `step`
    friend bool operator==(const StepEvent &, const StepEvent &) = default;
};

// `progress`: overall percentage 0..100 with a line of detail.
struct ProgressEvent
{
    int percent = 0;
    QString detail;
    friend bool operator==(const ProgressEvent &, const ProgressEvent &) = default;
};

enum class ChatRole { Assistant, User, System, Event };

// `chat`: a chat message streams token by token.
struct ChatEvent
{
    enum class Type { Start, Delta, Complete };
    Type type = Type::Delta;
    QString messageId;
    ChatRole role = ChatRole::Assistant;
    QString delta; // Delta (and optionally Start: initial text)
    qint64 offset = -1; // where `delta` starts in the message text (UTF-16); -1: not said
    friend bool operator==(const ChatEvent &, const ChatEvent &) = default;
};

// `session`: the whole session completes or fails.
struct SessionEvent
{
    enum class Type { Complete, Error };
    Type type = Type::Complete;
    QString error;
    friend bool operator==(const SessionEvent &, const SessionEvent &) = default;
};

// `snapshot`: the full state of a session (SnapshotCodec's JSON), for late joiners and re-sync.
struct SnapshotEvent
{
    QJsonObject state;
    friend bool operator==(const SnapshotEvent &, const SnapshotEvent &) = default;
};

// `shutdown`: the publisher is stopping and closes this stream; the session may come back on
// the same address (clients reconnect and resume). Not sequenced, not part of the session.
struct ShutdownEvent
{
    QString reason;
    friend bool operator==(const ShutdownEvent &, const ShutdownEvent &) = default;
};

// `usage`: what the model reported about a finished reply (the LLM dialects: why it stopped,
// tokens in and out). Analytics and the summary count it; the editor and chat do not show it.
struct UsageEvent
{
    QString messageId; // the reply it belongs to; empty when the source did not say
    QString stopReason; // the source's own words: "end_turn", "stop", "length", ...
    qint64 inputTokens = -1; // -1: not reported
    qint64 outputTokens = -1;
    friend bool operator==(const UsageEvent &, const UsageEvent &) = default;
};

using EventPayload = std::variant<ConnectedEvent, CodeEvent, StepEvent, ProgressEvent, ChatEvent,
                                  SessionEvent, SnapshotEvent, ShutdownEvent, UsageEvent>;

struct Event
{
    quint64 sequence = 0; // per-session, monotonic, starts at 1; 0 = not sequenced
    QString sessionId;
    EventPayload payload;
    // A catch-up event stands for the sequences firstSequence..sequence at once (merged
    // deltas); 0 means just `sequence`. JSON member "from".
    quint64 firstSequence = 0;
    friend bool operator==(const Event &, const Event &) = default;

    // The first sequence this event covers: firstSequence, or sequence when that is 0.
    quint64 coversFrom() const { return firstSequence != 0 ? firstSequence : sequence; }
};

// Wire names of enum values, shared by every codec. Unknown names return false.
QString eventName(const EventPayload &payload); // "code", "step", ...
QString stepNameText(StepName step); // "planning", ...
bool stepNameFromText(QStringView text, StepName *out);
QString chatRoleText(ChatRole role); // "assistant", ...
bool chatRoleFromText(QStringView text, ChatRole *out);

} // namespace inkstream::core
