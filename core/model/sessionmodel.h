#pragma once

#include "core/protocol/event.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <array>

namespace inkstream::core {

enum class FileState { Writing, Complete, Error };
enum class StepState { Pending, Active, Complete, Error };
enum class ChatState { Streaming, Complete };
enum class SessionState { Idle, Running, Complete, Error };

struct SessionFile
{
    QString name;
    QString language; // LanguageGuesser name ("Python"), empty when unknown
    QString content;
    QString previousContent; // content before the current stream rewrote the file, for diffs
    FileState state = FileState::Writing;
    TextPosition end; // stream position: where the next delta goes
    QString error;
};

struct StepInfo
{
    StepState state = StepState::Pending;
    QString detail;
};

// A step as the source names it (seed 004's "search"), listed in the order first named.
struct SourceStep
{
    QString name; // as the source sends it
    QString label; // as the tracker shows it ("Search")
    StepState state = StepState::Pending;
    QString detail;
};

struct ChatMessage
{
    QString id;
    ChatRole role = ChatRole::Assistant;
    QString text;
    ChatState state = ChatState::Streaming;
    QDateTime timestamp;
};

// The one session model both the publisher and the viewer keep. It applies typed events;
// appends cost O(delta). Widgets observe it through the signals below.
class SessionModel final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionModel)

public:
    explicit SessionModel(QObject *parent = nullptr);

    // Applies one event. An event that cannot be applied is reported through errorReported
    // and returns false; the model stays consistent either way.
    bool apply(const Event &event);
    void clear();

    const QList<SessionFile> &files() const { return m_files; }
    int fileIndex(const QString &name) const { return m_fileIndex.value(name, -1); }
    const QList<ChatMessage> &chat() const { return m_chat; }
    int chatIndex(const QString &messageId) const { return m_chatIndex.value(messageId, -1); }
    const std::array<StepInfo, StepCount> &steps() const { return m_steps; }
    // The source's own steps; empty when it has none (the four fixed steps stand).
    const QList<SourceStep> &sourceSteps() const { return m_sourceSteps; }
    int progress() const { return m_progress; }
    QString progressDetail() const { return m_progressDetail; }
    SessionState state() const { return m_state; }
    QString sessionError() const { return m_sessionError; }
    QString sessionId() const { return m_sessionId; }
    quint64 lastSequence() const { return m_lastSequence; }
    // Characters of deltas that carried an offset the model already held (received twice, as
    // after a reconnect mid catch-up) and were therefore not appended again. Not reset by clear().
    quint64 repeatedCharacters() const { return m_repeatedCharacters; }

    // The time stamped on chat messages that start from here on; invalid (the default) means
    // the current time. Replays stamp the recorded time instead.
    void setMessageTime(const QDateTime &time) { m_messageTime = time; }

    enum class SnapshotText { Included, Omitted };
    // Full state as JSON (the `snapshot` event and GET .../snapshot); see docs/protocol.md.
    // Omitted leaves every file's content and chat message's text empty (a replay's
    // checkpoints keep the text apart, once).
    QJsonObject toSnapshot(SnapshotText text = SnapshotText::Included) const;
    // Replaces the whole state; on a malformed snapshot returns false and leaves it unchanged.
    bool loadSnapshot(const QJsonObject &snapshot, QString *error = nullptr);
    // Replaces the whole state with `other`'s (texts are shared until either side appends, so
    // this costs no copy of them) and emits modelReset.
    void copyFrom(const SessionModel &other);
    // Lets the text of the file named `fileName` share `source`'s storage when `source` holds the
    // file complete and both the same text (a display model that has caught up with the model it
    // follows): nothing changes that anyone could see, and the text is held once, not twice.
    // Done before this model applies the file's `complete`, its text is not squeezed (copied)
    // only to be dropped for the shared one.
    void shareTextWith(const QString &fileName, const SessionModel &source);

    static QString fileStateText(FileState state);
    static QString stepStateText(StepState state);
    static QString sourceStepLabel(const QString &name); // "search" -> "Search"
    static QString sessionStateText(SessionState state);

Q_SIGNALS:
    void fileAdded(int index);
    void fileTextAppended(int index, const QString &delta);
    void fileTextReset(int index); // content replaced as a whole
    void fileStateChanged(int index);
    void contentCorrected(int index); // `complete` carried content that differed from the deltas
    void chatMessageAdded(int index);
    void chatTextAppended(int index, const QString &delta);
    void chatMessageStateChanged(int index);
    void stepChanged(int step);
    void sourceStepChanged(int index); // added (the list grew) or changed
    void progressChanged(int percent, const QString &detail);
    void sessionStateChanged(inkstream::core::SessionState state);
    void modelReset(); // after clear() or loadSnapshot()
    void errorReported(const QString &message);
    void eventApplied(const inkstream::core::Event &event);

private:
    bool applyCode(const CodeEvent &code);
    bool applyStep(const StepEvent &step);
    bool applySourceStep(const StepEvent &step);
    bool applyProgress(const ProgressEvent &progress);
    bool applyChat(const ChatEvent &chat);
    bool applySession(const SessionEvent &session);
    int ensureFile(const QString &name, const QString &language);
    int ensureChatMessage(const QString &id, ChatRole role);
    void setState(SessionState state);
    bool fail(const QString &message);
    // The part of `text` (which starts at `offset`, -1: unknown) past the `have` characters
    // already held; false (reported) when it starts beyond them.
    bool newText(qsizetype have, qint64 offset, const QString &text, QString *fresh,
                 const QString &where);

    QList<SessionFile> m_files;
    QHash<QString, int> m_fileIndex;
    QList<ChatMessage> m_chat;
    QHash<QString, int> m_chatIndex;
    std::array<StepInfo, StepCount> m_steps;
    QList<SourceStep> m_sourceSteps;
    int m_progress = 0;
    QString m_progressDetail;
    SessionState m_state = SessionState::Idle;
    QString m_sessionError;
    QString m_sessionId;
    quint64 m_lastSequence = 0;
    QDateTime m_messageTime; // invalid: now
    quint64 m_repeatedCharacters = 0;
};

// Advances a stream position over text (line breaks: LF; CR LF counts as one).
TextPosition advancePosition(TextPosition from, QStringView text);

} // namespace inkstream::core
