#pragma once

#include "core/protocol/chunker.h"
#include "core/protocol/event.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <chrono>

namespace inkstream::core {

class Session;

// Plays a scripted AI session into a Session: the user's request, the assistant's narration
// streamed token by token, the four steps with detail text, progress, files typed through the
// session's FileStreamer with "Generating X..." / "✓ Created X" event messages, and the
// session's completion. The script is JSON (format: resources/demo/README.md) and is validated
// completely before anything plays.
class DemoScript final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoScript)

public:
    explicit DemoScript(Session *session, QObject *parent = nullptr);

    static QString defaultScriptPath(); // the demo compiled into the server library

    // Loads and validates a script; on failure returns false with a reason and keeps the
    // script loaded before, if any. Refused while playing.
    bool load(const QString &path, QString *error = nullptr);
    // Plays the loaded script (the default one if none was loaded). False, with a warning and
    // errorOccurred, when the default script cannot be loaded or a script is already playing.
    bool start();
    // Divides every delay (narration tokens, pauses, file typing) by `factor`; > 0.
    void setSpeed(double factor);
    double speed() const { return m_speed; }

    bool isRunning() const { return m_running; }
    QString title() const { return m_title; }
    QStringList fileNames() const;
    // Playing time at the current speed, from the script's delays.
    std::chrono::milliseconds estimatedDuration() const;

Q_SIGNALS:
    void finished(); // after the session's completion was published
    void errorOccurred(const QString &message);

private:
    struct Action
    {
        enum class Kind { Chat, Step, Progress, Pause, File, Session };
        Kind kind = Kind::Pause;
        ChatRole role = ChatRole::Assistant; // Chat
        QString text; // Chat: message; Step/Progress: detail
        StepName step = StepName::Planning; // Step
        StepEvent::Status status = StepEvent::Status::Start;
        int percent = 0; // Progress; File: progress when the file starts
        int percentTo = 0; // File: progress when the file completes
        int delayMs = 0; // Pause: length; Chat: delay between tokens
        QString fileName; // File
        QString content;
        ChunkOptions options;
        bool sessionFailed = false; // Session
    };

    void runNext();
    void publishMessage(ChatRole role, const QString &text);
    void streamNextToken();
    void startFile(const Action &action);
    void onFileProgressed(const QString &fileName, qsizetype written, qsizetype total);
    void onFileCompleted(const QString &fileName);
    void onTimeout();
    int scaled(int ms) const;
    QString nextMessageId();

    enum class Phase { Idle, Pausing, Streaming, Typing };

    Session *m_session = nullptr;
    QString m_title;
    QList<Action> m_actions;
    qsizetype m_next = 0;
    bool m_running = false;
    double m_speed = 1.0;
    Phase m_phase = Phase::Idle;
    QTimer m_timer;
    int m_messageCounter = 0;

    // The message being streamed.
    QString m_messageId;
    QStringList m_tokens;
    qsizetype m_tokenIndex = 0;
    int m_tokenDelayMs = 0;

    // The file being typed.
    QString m_fileName;
    int m_fileProgressFrom = 0;
    int m_fileProgressTo = 0;
    int m_lastPercent = -1;
};

} // namespace inkstream::core
