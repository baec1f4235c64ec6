#pragma once

#include "core/client/connectionstate.h"
#include "ui/displaypacer.h"

#include <QMainWindow>
#include <QSize>
#include <QUrl>
#include <memory>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QListView;
class QMenu;
class QKeySequence;
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
class ChatComposer;
class ChatPanel;
class ConnectionIndicator;
class DebugConsole;
class DisplayPacer;
class EditorPane;
class ElidingLabel;
class FileDocuments;
class FileExporter;
class FileListModel;
class FoldingSplitter;
class HighlighterBackend;
class ProgressTracker;
class ReplayBar;
class StartPage;
class ViewerStateStore;

// The viewer: progress tracker on top; file list, code editor and AI narration side by side;
// connection state in the status bar. It observes a SessionModel that a SessionClient fills,
// and follows the AI from file to file unless the user picks a file to read. While the
// connection is lost mid-session, what is shown stays as it is: the tracker and its clock
// pause and say so, and the writing badge stops pulsing until text streams again. The state
// of every native session it follows is kept on disk (ViewerStateStore), so opening it again
// shows it at once and resumes after the last event received.
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

    EditorPane *editorPane() const { return m_editorPane; }
    // The side panes (file list; chat and composer) and the View actions that show them.
    QWidget *filesPane() const { return m_filesPane; }
    QWidget *chatPane() const { return m_chatPane; }
    QAction *filesPaneAction() const { return m_filesAction; }
    QAction *chatPaneAction() const { return m_chatAction; }
    ChatPanel *chatPanel() const { return m_chatPanel; }
    ChatComposer *chatComposer() const { return m_composer; }
    core::ChatConversation *conversation() const { return m_conversation; }
    ProgressTracker *progressTracker() const { return m_tracker; }
    QListView *fileList() const { return m_fileList; }
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
    int currentFile() const { return m_currentFile; }
    void showFile(int fileIndex);
    // Whether the editor jumps to whichever file the AI is writing.
    bool followsAi() const;
    void setFollowAi(bool follow);
    // How fast the display types out what arrived; stored as a preference.
    DisplaySpeed displaySpeed() const;
    void setDisplaySpeed(DisplaySpeed speed);
    FileExporter *exporter() const { return m_exporter; }
    // Keep mine / take theirs for the file shown, or compare them first.
    void resolveConflict(bool keepMine);
    void showConflictDiff();
    // Follows the endpoint, or opens a conversation with it when it takes prompts (openai,
    // chat-text): the prompt box appears under the chat.
    void connectWith(const core::ConnectionSettings &settings);
    // Shows a recording instead of a live session: `replay` fills the model this window was
    // given, a timeline bar drives it, the analytics are the recording's, and connecting
    // elsewhere is off. `name` titles the window. Not owned; must outlive the window.
    void attachReplay(core::ReplayController *replay, const QString &name);

Q_SIGNALS:
    void localDemoRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createToolBar();
    // A checkable View action for a side pane, kept in step with its folding.
    QAction *addPaneAction(QMenu *menu, QWidget *pane, const QString &title,
                           const QKeySequence &shortcut);
    void onConflictDetected(int fileIndex);
    void updateConflictBar();
    void updateBacklog();
    void updateStatusDetails();
    void goToLine();
    void rejectCurrentFile();
    void showChanges();
    void onDocumentAdded(int fileIndex);
    void onDocumentAppended(int fileIndex);
    void onDocumentsReset();
    void onFileStateChanged(int fileIndex);
    void onUserSelectedFile(int fileIndex);
    void onSessionStateChanged();
    void updateWriting();
    void updateTitle();
    void onConnectionStateChanged(core::ConnectionState state);
    void updateInterruption();
    void updateEditorHint();
    void setUpKeyboardPath();
    void streamResumed();
    QString interruptionText() const;
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
    core::ChatConversation *m_conversation = nullptr;
    ChatComposer *m_composer = nullptr;
    DisplayPacer *m_pacer = nullptr;
    DebugConsole *m_debugConsole = nullptr;
    QDockWidget *m_debugDock = nullptr;
    AnalyticsDock *m_analyticsDock = nullptr;
    core::ReplayController *m_replay = nullptr;
    QLabel *m_recordingLabel = nullptr;
    QUrl m_unprovenEndpoint; // connected to, not yet through: not in Recent connections yet
    ReplayBar *m_replayBar = nullptr;
    QString m_replayName;
    QList<QAction *> m_connectionActions; // off during a replay
    QActionGroup *m_speedGroup = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_wrapAction = nullptr;
    QAction *m_rejectAction = nullptr;
    QAction *m_reconnectAction = nullptr;
    ElidingLabel *m_backlogLabel = nullptr;
    std::unique_ptr<HighlighterBackend> m_backend;
    FileDocuments *m_documents = nullptr;
    FileListModel *m_fileModel = nullptr;
    QListView *m_fileList = nullptr;
    EditorPane *m_editorPane = nullptr;
    ChatPanel *m_chatPanel = nullptr;
    ProgressTracker *m_tracker = nullptr;
    ConnectionIndicator *m_connection = nullptr;
    FoldingSplitter *m_splitter = nullptr;
    FileExporter *m_exporter = nullptr;
    QWidget *m_filesPane = nullptr;
    QWidget *m_chatPane = nullptr;
    QStackedWidget *m_center = nullptr; // the start page or the session
    StartPage *m_startPage = nullptr;
    QWidget *m_sessionView = nullptr;
    QAction *m_followAction = nullptr;
    QAction *m_filesAction = nullptr;
    QAction *m_chatAction = nullptr;
    int m_currentFile = -1;
    QString m_currentFileName; // to find the file again after a snapshot rebuilds them
    ViewerStateStore *m_stateStore = nullptr;
    bool m_connectionLost = false; // dropped, and not back yet (a retry's Connecting included)
    bool m_waitingForText = false; // interrupted, and no text shown since the connection is back
    bool m_selectingProgrammatically = false;
};

} // namespace inkstream::ui
