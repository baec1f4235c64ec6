#pragma once

#include "core/client/connectionstate.h"

#include <QObject>

namespace inkstream::core {
class SessionClient;
class SessionModel;
} // namespace inkstream::core

namespace inkstream::ui {

class DisplayPacer;
class FileDocuments;
class FileFollower;
class SessionView;

// What the window says about the AI at work: whether the file shown is being written (the
// editor's badge), and whether the stream was cut mid-session. While it is cut, what is shown
// stays as it is: the tracker and its clock pause and say so, the file list dims, and the badge
// stops pulsing once the display has caught up, until text streams again.
class WritingStatus final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WritingStatus)

public:
    // `model` is what the client fills, `displayModel` what the view shows through `pacer`.
    WritingStatus(core::SessionClient *client, core::SessionModel *model,
                  core::SessionModel *displayModel, DisplayPacer *pacer, FileDocuments *documents,
                  FileFollower *follower, SessionView *view, QObject *parent = nullptr);

    // A new session starts: nothing is interrupted.
    void reset();
    // A replay is never interrupted: its stream is a recording.
    void setReplaying(bool replaying);

private:
    void onConnectionStateChanged(core::ConnectionState state);
    void updateInterruption();
    void updateWriting();
    void streamResumed();
    QString interruptionText() const;

    core::SessionClient *m_client = nullptr;
    core::SessionModel *m_model = nullptr;
    core::SessionModel *m_displayModel = nullptr;
    DisplayPacer *m_pacer = nullptr;
    FileFollower *m_follower = nullptr;
    SessionView *m_view = nullptr;
    bool m_replaying = false;
    bool m_connectionLost = false; // dropped, and not back yet (a retry's Connecting included)
    bool m_waitingForText = false; // interrupted, and no text shown since the connection is back
};

} // namespace inkstream::ui
