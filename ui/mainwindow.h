#pragma once

#include "core/client/connectionstate.h"
#include "ui/displaypacer.h"

#include <QMainWindow>
#include <QSize>
#include <QUrl>
#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QStackedWidget;

namespace inkstream::core {
class ChatConversation;
class SessionAnalytics;
class ReplayController;
class SessionClient;
class SessionModel;
struct ConnectionSettings;
} // namespace inkstream::core

namespace inkstream::ui {

class AnalyticsDock;
class AnalyticsPanel;
class ConflictResolver;
class ConnectionIndicator;
class DebugConsole;
class DisplayPacer;
class EditorPane;
class ElidingLabel;
class FileDocuments;
class FileExporter;
class FileFollower;
class HighlighterBackend;
class ReplayBar;
class SessionView;
class StartPage;
class StreamActions;
class WritingStatus;
class ViewerStateStore;

// The viewer's window: the start page until a session begins, then the session (SessionView),
// with its menus, toolbar and status bar. It observes a SessionModel that a SessionClient fills
// through a DisplayPacer; which file shows is FileFollower's, the reader's edits against the
// AI's ConflictResolver's, the writing badge and interruptions WritingStatus's, saving
// FileExporter's. The state of every native session it follows is kept on disk
// (ViewerStateStore), so opening it again shows it at once and resumes after the last event.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // `model` is what the client fills; the window shows it through a DisplayPacer. Neither
    // the model nor the client is owned; both must outlive the window.
    MainWindow(core::SessionModel *model, core::SessionClient *client, QWidget *parent = nullptr);
    ~MainWindow() override;

    // A passing note in the status bar, for things the window's owner learns (relay state).
    void showStatusMessage(const QString &message);
    // A lasting "● Recording" in the status bar while --record writes to `path` (empty: none).
    void showRecording(const QString &path);
    QString recordingText() const; // what it says, with where; empty when not recording

    // The session's layout (tracker, file list, editor, narration and prompt box).
    SessionView *sessionView() const { return m_view; }
    QAction *filesPaneAction() const { return m_filesAction; }
    QAction *chatPaneAction() const { return m_chatAction; }
    core::ChatConversation *conversation() const { return m_conversation; }
    ConnectionIndicator *connectionIndicator() const { return m_connection; }
    DisplayPacer *pacer() const { return m_pacer; }
    core::SessionModel *displayModel() const { return m_displayModel; }
    FileDocuments *documents() const { return m_documents; }
    DebugConsole *debugConsole() const { return m_debugConsole; }
    // The size of a first window (no saved geometry) on a screen with `available` room.
    static QSize firstRunSize(const QSize &available);
    // Built the first time the analytics are shown (Ctrl+Shift+A); null before.
    AnalyticsPanel *analyticsPanel() const;
    AnalyticsDock *analyticsDock() const { return m_analyticsDock; }
    // What the live session measured so far (time to first event from the connection).
    const core::SessionAnalytics &analytics() const;
    ReplayBar *replayBar() const { return m_replayBar; }
    QDockWidget *debugDock() const { return m_debugDock; }
    QString highlighterName() const;
    StartPage *startPage() const { return m_startPage; }
    ViewerStateStore *viewerStateStore() const { return m_stateStore; }
    // The connection dropped while the session it shows is unfinished (until it is back).
    bool isStreamInterrupted() const;
    // The start page shows until a session begins (the client connects or events arrive).
    bool showsStartPage() const;

    // The file shown in the editor, -1 for none.
    int currentFile() const;
    void showFile(int fileIndex);
    // Whether the editor jumps to whichever file the AI is writing.
    bool followsAi() const;
    void setFollowAi(bool follow);
    // How fast the display types out what arrived; stored as a preference.
    DisplaySpeed displaySpeed() const;
    void setDisplaySpeed(DisplaySpeed speed);
    FileExporter *exporter() const { return m_exporter; }
    // Follows the endpoint, or opens a conversation with it when it takes prompts (openai,
    // chat-text): the prompt box appears under the chat.
    void connectWith(const core::ConnectionSettings &settings);
    // Shows a recording instead of a live session: `replay` fills the model this window was
    // given, a timeline bar drives it, the analytics are the recording's, and connecting
    // elsewhere is off. `name` titles the window. Not owned; must outlive the window.
    void attachReplay(core::ReplayController *replay, const QString &name);

Q_SIGNALS:
    void localDemoRequested();
    // The connect dialog asked for a tap in front of `upstream` (docs/tap.md); the app starts it.
    void tapRequested(const QUrl &upstream);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createToolBar();
    void updateBacklog();
    void updateStatusDetails();
    void goToLine();
    void onFileStateChanged(int fileIndex);
    void onSessionStateChanged();
    void updateTitle();
    void onConnectionStateChanged(core::ConnectionState state);
    void updateEditorHint();
    void setUpKeyboardPath();
    void requestLocalDemo();
    void connectToUrl();
    void connectToRecent(const QUrl &url);
    void showSession();
    void showAbout();
    bool confirmReplacingSession(const QString &action);
    void restoreSettings();
    void saveSettings() const;

    core::SessionModel *m_model = nullptr; // filled by the client
    core::SessionModel *m_displayModel = nullptr; // what the widgets show, paced
    core::SessionClient *m_client = nullptr;
    DisplayPacer *m_pacer = nullptr;
    std::unique_ptr<HighlighterBackend> m_backend;
    core::ChatConversation *m_conversation = nullptr;
    SessionView *m_view = nullptr;
    FileDocuments *m_documents = nullptr;
    FileFollower *m_follower = nullptr;
    FileExporter *m_exporter = nullptr;
    ConflictResolver *m_conflicts = nullptr;
    StreamActions *m_streamActions = nullptr;
    WritingStatus *m_writingStatus = nullptr;
    DebugConsole *m_debugConsole = nullptr;
    QDockWidget *m_debugDock = nullptr;
    AnalyticsDock *m_analyticsDock = nullptr;
    core::ReplayController *m_replay = nullptr;
    QLabel *m_recordingLabel = nullptr;
    QUrl m_unprovenEndpoint; // connected to, not yet through: not in Recent connections yet
    ReplayBar *m_replayBar = nullptr;
    QString m_replayName;
    QList<QAction *> m_connectionActions; // off during a replay
    QAction *m_wrapAction = nullptr;
    QAction *m_reconnectAction = nullptr;
    QAction *m_followAction = nullptr;
    QAction *m_filesAction = nullptr;
    QAction *m_chatAction = nullptr;
    ElidingLabel *m_backlogLabel = nullptr;
    ConnectionIndicator *m_connection = nullptr;
    QStackedWidget *m_center = nullptr; // the start page or the session
    StartPage *m_startPage = nullptr;
    ViewerStateStore *m_stateStore = nullptr;
};

} // namespace inkstream::ui
