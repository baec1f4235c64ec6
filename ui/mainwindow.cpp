#include "ui/mainwindow.h"

#include "core/client/chatconversation.h"
#include "core/client/connectionsettings.h"
#include "core/client/sessionclient.h"
#include "core/model/replaycontroller.h"
#include "core/model/sessionmodel.h"
#include "ui/aboutdialog.h"
#include "ui/analyticsdock.h"
#include "ui/analyticspanel.h"
#include "ui/chatcomposer.h"
#include "ui/codeeditor.h"
#include "ui/conflictresolver.h"
#include "ui/connectdialog.h"
#include "ui/connectionindicator.h"
#include "ui/counttext.h"
#include "ui/debugconsole.h"
#include "ui/displaypacer.h"
#include "ui/editorpane.h"
#include "ui/elidinglabel.h"
#include "ui/filedocuments.h"
#include "ui/fileexporter.h"
#include "ui/filefollower.h"
#include "ui/findbar.h"
#include "ui/highlighting/highlighterbackend.h"
#include "ui/progresstracker.h"
#include "ui/replaybar.h"
#include "ui/sessionview.h"
#include "ui/startpage.h"
#include "ui/streamactions.h"
#include "ui/thememenu.h"
#include "ui/uilog.h"
#include "ui/viewerstatestore.h"
#include "ui/writingstatus.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QToolButton>

namespace inkstream::ui {

namespace {
constexpr int kStatusMessageMs = 6000;
} // namespace

MainWindow::MainWindow(core::SessionModel *model, core::SessionClient *client, QWidget *parent)
    : QMainWindow(parent)
    , m_model(model)
    , m_displayModel(new core::SessionModel(this))
    , m_client(client)
    , m_pacer(new DisplayPacer(m_model, m_displayModel, this))
    , m_backend(createHighlighterBackend())
    , m_conversation(new core::ChatConversation(m_client, this))
    // Before the documents: its file list must have the row a new document makes it select.
    , m_view(new SessionView(m_displayModel, m_conversation, this))
    , m_documents(new FileDocuments(m_displayModel, m_backend.get(), this))
    , m_follower(new FileFollower(m_displayModel, m_documents, m_view, this))
    , m_exporter(new FileExporter(m_displayModel, m_documents, m_pacer, this))
    , m_conflicts(
          new ConflictResolver(m_displayModel, m_documents, m_follower, m_view->editorPane(), this))
    , m_streamActions(new StreamActions(m_pacer, m_displayModel, m_follower, this))
    , m_writingStatus(new WritingStatus(m_client, m_model, m_displayModel, m_pacer, m_documents,
                                        m_follower, m_view, this))
{
    connect(m_exporter, &FileExporter::reported, this, &MainWindow::showStatusMessage);
    connect(m_conflicts, &ConflictResolver::reported, this, &MainWindow::showStatusMessage);
    connect(m_streamActions, &StreamActions::reported, this, &MainWindow::showStatusMessage);
    connect(m_follower, &FileFollower::followingStopped, this, [this](const QString &fileName) {
        showStatusMessage(
            tr("Stopped following the AI while you read %1 — Ctrl+L follows again").arg(fileName));
    });

    m_startPage = new StartPage(this);
    m_center = new QStackedWidget(this);
    m_center->addWidget(m_startPage);
    m_center->addWidget(m_view);
    setCentralWidget(m_center);
    // The page not shown does not hold the window wide (QStackedWidget's minimum is that of its
    // widest page otherwise: the start page would keep the folded session view from narrowing).
    const auto sizeToCurrentPage = [this] {
        for (QWidget *page :
             {static_cast<QWidget *>(m_startPage), static_cast<QWidget *>(m_view)}) {
            const bool current = page == m_center->currentWidget();
            page->setSizePolicy(current ? QSizePolicy::Preferred : QSizePolicy::Ignored,
                                current ? QSizePolicy::Preferred : QSizePolicy::Ignored);
        }
    };
    connect(m_center, &QStackedWidget::currentChanged, this, sizeToCurrentPage);
    sizeToCurrentPage();
    connect(m_startPage, &StartPage::demoRequested, this, &MainWindow::requestLocalDemo);
    connect(m_startPage, &StartPage::connectRequested, this, &MainWindow::connectToUrl);
    connect(m_startPage, &StartPage::recentChosen, this, &MainWindow::connectToRecent);
    connect(m_model, &core::SessionModel::eventApplied, this, &MainWindow::showSession);
    connect(m_client, &core::SessionClient::stateChanged, this,
            [this](core::ConnectionState state) {
                if (state != core::ConnectionState::Idle)
                    showSession();
            });

    m_connection = new ConnectionIndicator(m_client, this);
    // After the indicator's own connection: it holds the reason by the time the hint asks.
    connect(m_client, &core::SessionClient::retryScheduled, this, &MainWindow::updateEditorHint);
    statusBar()->addPermanentWidget(m_connection);
    m_backlogLabel = new ElidingLabel(this);
    statusBar()->addPermanentWidget(m_backlogLabel);
    m_backlogLabel->hide();
    // A message gets the room the connection details and the backlog had, so it is read whole.
    connect(statusBar(), &QStatusBar::messageChanged, this, &MainWindow::updateStatusDetails);

    m_debugConsole = new DebugConsole(m_client, this);
    m_debugDock = new QDockWidget(tr("Debug Console"), this);
    m_debugDock->setObjectName(QStringLiteral("debugConsole"));
    m_debugDock->setWidget(m_debugConsole);
    addDockWidget(Qt::BottomDockWidgetArea, m_debugDock);
    m_debugDock->hide();
    m_analyticsDock = new AnalyticsDock(m_client, this);
    addDockWidget(Qt::RightDockWidgetArea, m_analyticsDock);
    m_analyticsDock->hide();

    createActions();
    createToolBar();
    connect(m_pacer, &DisplayPacer::backlogChanged, this, &MainWindow::updateBacklog);
    connect(m_pacer, &DisplayPacer::pausedChanged, this, &MainWindow::updateBacklog);
    connect(m_displayModel, &core::SessionModel::fileStateChanged, this,
            &MainWindow::onFileStateChanged);
    connect(m_displayModel, &core::SessionModel::sessionStateChanged, this,
            &MainWindow::onSessionStateChanged);
    connect(m_displayModel, &core::SessionModel::errorReported, this,
            [this](const QString &message) {
                showStatusMessage(tr("Skipped an event: %1").arg(message));
            });
    connect(m_client, &core::SessionClient::stateChanged, this, &MainWindow::updateTitle);
    // Auto-detection says what it chose and why.
    connect(m_client, &core::SessionClient::dialectDetected, this,
            [this](core::Dialect dialect, const QString &reason) {
                showStatusMessage(
                    tr("Following %1: %2").arg(core::DialectDecoder::dialectText(dialect), reason));
            });
    connect(m_displayModel, &core::SessionModel::modelReset, this, &MainWindow::updateTitle);
    m_stateStore = new ViewerStateStore(this);
    connect(m_client, &core::SessionClient::stateChanged, this,
            &MainWindow::onConnectionStateChanged);

    updateEditorHint();
    resize(firstRunSize(screen() ? screen()->availableGeometry().size() : QSize()));
    restoreSettings();
    m_follower->chooseFile();
    updateTitle();
    setUpKeyboardPath();
}

// Tab goes files → editor → narration → prompt and its buttons → toolbar → tracker. In the
// editor Tab is for code: Ctrl+Tab leaves it, as in every Qt text editor.
void MainWindow::setUpKeyboardPath()
{
    QList<QWidget *> chain = m_view->focusChain();
    if (auto *toolBar = findChild<QToolBar *>(QStringLiteral("streamToolBar"))) {
        for (QToolButton *button : toolBar->findChildren<QToolButton *>()) {
            if (button->defaultAction() && !button->defaultAction()->isSeparator()) {
                button->setFocusPolicy(Qt::TabFocus);
                chain << button;
            }
        }
    }
    chain << m_view->progressTracker();
    for (qsizetype i = 0; i + 1 < chain.size(); ++i)
        setTabOrder(chain.at(i), chain.at(i + 1));
}

MainWindow::~MainWindow() = default;

AnalyticsPanel *MainWindow::analyticsPanel() const
{
    return m_analyticsDock->panel();
}

const core::SessionAnalytics &MainWindow::analytics() const
{
    return m_analyticsDock->analytics();
}

QString MainWindow::highlighterName() const
{
    return m_backend->name();
}

void MainWindow::showStatusMessage(const QString &message)
{
    statusBar()->showMessage(message, kStatusMessageMs);
}

void MainWindow::showRecording(const QString &path)
{
    if (!m_recordingLabel) {
        m_recordingLabel = new QLabel(this);
        m_recordingLabel->setObjectName(QStringLiteral("recordingIndicator"));
        m_recordingLabel->setAccessibleName(tr("Recording"));
        statusBar()->insertPermanentWidget(0, m_recordingLabel);
    }
    m_recordingLabel->setText(tr("● Recording"));
    m_recordingLabel->setToolTip(tr("Every event is recorded to %1").arg(path));
    m_recordingLabel->setVisible(!path.isEmpty());
}

QString MainWindow::recordingText() const
{
    return m_recordingLabel && m_recordingLabel->isVisibleTo(this)
        ? m_recordingLabel->text() + u' ' + m_recordingLabel->toolTip()
        : QString();
}

void MainWindow::createActions()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *connectAction = fileMenu->addAction(tr("&Connect…"), this, &MainWindow::connectToUrl);
    connectAction->setShortcut(QKeySequence::Open);
    QAction *demoAction
        = fileMenu->addAction(tr("Run Local &Demo"), this, &MainWindow::requestLocalDemo);
    demoAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_reconnectAction = fileMenu->addAction(tr("&Reconnect"), this, [this] {
        // A posted prompt is not re-sent behind the user's back: they send a new one.
        if (m_client->isOneShot()) {
            showStatusMessage(tr("A chat reply is not re-requested: send a new prompt."));
            return;
        }
        if (!m_client->sessionUrl().isEmpty())
            m_client->reconnectNow();
    });
    m_reconnectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    QAction *disconnectAction = fileMenu->addAction(tr("D&isconnect"), this,
                                                    [this] { m_client->disconnectFromSession(); });
    m_connectionActions = {connectAction, demoAction, m_reconnectAction, disconnectAction};
    fileMenu->addSeparator();
    QAction *saveAction = fileMenu->addAction(
        tr("&Save File As…"), this, [this] { m_exporter->saveFile(m_follower->currentFile()); });
    saveAction->setShortcut(QKeySequence::Save);
    QAction *saveAllAction
        = fileMenu->addAction(tr("Save &All Files To…"), m_exporter, &FileExporter::saveAll);
    saveAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    fileMenu->addSeparator();
    QAction *quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);

    EditorPane *editorPane = m_view->editorPane();
    QMenu *editMenu = menuBar()->addMenu(tr("&Edit"));
    QAction *findAction = editMenu->addAction(tr("&Find…"), this,
                                              [editorPane] { editorPane->findBar()->activate(); });
    findAction->setShortcut(QKeySequence::Find);
    QAction *findNextAction = editMenu->addAction(
        tr("Find &Next"), this, [editorPane] { editorPane->findBar()->findNext(); });
    findNextAction->setShortcut(QKeySequence::FindNext);
    QAction *findPreviousAction = editMenu->addAction(
        tr("Find &Previous"), this, [editorPane] { editorPane->findBar()->findNext(true); });
    findPreviousAction->setShortcut(QKeySequence::FindPrevious);
    QAction *goToLineAction = editMenu->addAction(tr("&Go to Line…"), this, &MainWindow::goToLine);
    goToLineAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));

    m_streamActions->addTo(menuBar()->addMenu(tr("&Stream")));

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    m_followAction = viewMenu->addAction(tr("&Follow the AI"));
    m_followAction->setCheckable(true);
    m_followAction->setChecked(m_follower->isFollowing());
    m_followAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_followAction->setToolTip(tr("Show whichever file the AI is writing"));
    connect(m_followAction, &QAction::toggled, m_follower, &FileFollower::setFollowing);
    connect(m_follower, &FileFollower::followingChanged, m_followAction, &QAction::setChecked);
    m_wrapAction = viewMenu->addAction(tr("&Word Wrap"));
    m_wrapAction->setCheckable(true);
    m_wrapAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Z));
    connect(m_wrapAction, &QAction::toggled, this, [editorPane](bool wrap) {
        editorPane->editor()->setLineWrapMode(wrap ? QPlainTextEdit::WidgetWidth
                                                   : QPlainTextEdit::NoWrap);
    });
    viewMenu->addSeparator();
    m_filesAction = m_view->createPaneAction(m_view->filesPane(), tr("&Files"), Qt::Key_F9);
    m_chatAction
        = m_view->createPaneAction(m_view->chatPane(), tr("AI &Narration"), Qt::SHIFT | Qt::Key_F9);
    viewMenu->addActions({m_filesAction, m_chatAction});
    viewMenu->addSeparator();
    QAction *zoomIn = viewMenu->addAction(tr("Zoom &In"), this,
                                          [editorPane] { editorPane->editor()->zoomBy(1); });
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction *zoomOut = viewMenu->addAction(tr("Zoom &Out"), this,
                                           [editorPane] { editorPane->editor()->zoomBy(-1); });
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    viewMenu->addMenu(new ThemeMenu(viewMenu));
    viewMenu->addSeparator();
    QAction *debugAction = m_debugDock->toggleViewAction();
    debugAction->setText(tr("&Debug Console"));
    debugAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    viewMenu->addAction(debugAction);
    // The analytics panel is built the first time the dock shows: nothing of it at start-up.
    QAction *analyticsAction = m_analyticsDock->toggleViewAction();
    analyticsAction->setText(tr("Session &Analytics"));
    analyticsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    viewMenu->addAction(analyticsAction);

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About Inkstream"), this, &MainWindow::showAbout);
    helpMenu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::createToolBar()
{
    QToolBar *toolBar = addToolBar(tr("Stream"));
    toolBar->setObjectName(QStringLiteral("streamToolBar"));
    toolBar->setMovable(false);
    toolBar->setEnabled(false); // until a session is shown (showSession)
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addAction(m_streamActions->pauseAction());
    auto *speedLabel = new QLabel(tr("  Speed: "), toolBar);
    toolBar->addWidget(speedLabel);
    toolBar->addActions(m_streamActions->speedActions());
    toolBar->addSeparator();
    toolBar->addAction(m_followAction);
    toolBar->addAction(m_streamActions->rejectAction());
    toolBar->addSeparator();
    toolBar->addAction(m_reconnectAction);
}

DisplaySpeed MainWindow::displaySpeed() const
{
    return m_streamActions->displaySpeed();
}

void MainWindow::setDisplaySpeed(DisplaySpeed speed)
{
    m_streamActions->setDisplaySpeed(speed);
}

void MainWindow::updateBacklog()
{
    const qsizetype characters = m_pacer->pendingCharacters();
    const qsizetype events = m_pacer->pendingEvents();
    QString text;
    if (m_pacer->isPaused())
        text = tr("Paused · %1 waiting").arg(CountText::of(events, tr("1 event"), tr("%1 events")));
    else if (characters > 200)
        text = tr("%1 characters behind live · Ctrl+J catches up").arg(characters);
    m_backlogLabel->setFullText(text);
    updateStatusDetails();
}

// While the status bar shows a message, the connection details and the backlog give it room.
void MainWindow::updateStatusDetails()
{
    const bool roomForDetails = statusBar()->currentMessage().isEmpty();
    m_connection->setDetailsShown(roomForDetails);
    m_backlogLabel->setVisible(roomForDetails && !m_backlogLabel->fullText().isEmpty());
}

void MainWindow::goToLine()
{
    CodeEditor *editor = m_view->editorPane()->editor();
    if (m_follower->currentFile() < 0)
        return;
    bool accepted = false;
    const int line = QInputDialog::getInt(
        this, tr("Go to Line"), tr("Line (1–%1):").arg(editor->blockCount()),
        editor->textCursor().blockNumber() + 1, 1, editor->blockCount(), 1, &accepted);
    if (accepted)
        editor->goToLine(line);
}

int MainWindow::currentFile() const
{
    return m_follower->currentFile();
}

void MainWindow::showFile(int fileIndex)
{
    m_follower->showFile(fileIndex);
}

bool MainWindow::followsAi() const
{
    return m_follower->isFollowing();
}

void MainWindow::setFollowAi(bool follow)
{
    m_follower->setFollowing(follow);
}

void MainWindow::onFileStateChanged(int fileIndex)
{
    const core::SessionFile &file = m_displayModel->files().at(fileIndex);
    if (file.state == core::FileState::Error)
        showStatusMessage(tr("%1: %2").arg(file.name, file.error));
}

void MainWindow::onSessionStateChanged()
{
    updateTitle();
    if (m_displayModel->state() == core::SessionState::Complete) {
        // Received, not written: the window keeps files in memory until they are saved.
        statusBar()->showMessage(
            tr("Session complete: %1 received")
                .arg(CountText::of(m_displayModel->files().size(), tr("1 file"), tr("%1 files"))),
            kStatusMessageMs);
    } else if (m_displayModel->state() == core::SessionState::Error) {
        statusBar()->showMessage(tr("Session failed: %1").arg(m_displayModel->sessionError()));
    }
}

// What the empty editor says: what to do with no session, what is happening while the first
// connection is tried, and why it failed when it did.
void MainWindow::updateEditorHint()
{
    if (m_replay)
        return; // the replay says where its recording starts
    const QUrl url = m_client->sessionUrl();
    const QString endpoint = url.host() + u':' + QString::number(url.port(80));
    const core::ConnectionState state = m_client->state();
    QString hint;
    if (m_conversation->isOpen() && !m_client->hasConnected()) {
        hint = tr("Type a prompt below and press Ctrl+Enter: the reply's code is written here.");
    } else if (url.isEmpty() || state == core::ConnectionState::Idle) {
        hint = tr("Connect to a session with Ctrl+O, or run the local demo with Ctrl+D.");
    } else if (m_client->hasConnected()) {
        hint = tr("Waiting for the AI to start writing…");
    } else if (state == core::ConnectionState::Error) {
        hint = tr("Could not connect to %1.\n%2\n\nCheck the URL and that the publisher is "
                  "running, then Reconnect (Ctrl+R) or connect elsewhere (Ctrl+O).")
                   .arg(endpoint, m_client->errorString());
    } else if (state == core::ConnectionState::Retrying && !m_connection->retryReason().isEmpty()) {
        hint = tr("Could not connect to %1 (%2).\nTrying again (attempt %3)…\n\nCheck the URL "
                  "and that the publisher is running, or connect elsewhere (Ctrl+O).")
                   .arg(endpoint, m_connection->retryReason())
                   .arg(m_connection->retryAttempt());
    } else {
        hint = tr("Connecting to %1…").arg(endpoint);
    }
    m_view->editorPane()->setHint(hint);
}

bool MainWindow::isStreamInterrupted() const
{
    return m_view->progressTracker()->isInterrupted();
}

void MainWindow::onConnectionStateChanged(core::ConnectionState state)
{
    // Recent connections keep only what worked once (not a mistyped URL).
    if (state == core::ConnectionState::Connected && !m_unprovenEndpoint.isEmpty()) {
        ConnectDialog::rememberEndpoint(m_unprovenEndpoint);
        m_unprovenEndpoint.clear();
        m_startPage->refresh();
    }
    updateEditorHint();
}

void MainWindow::attachReplay(core::ReplayController *replay, const QString &name)
{
    m_replay = replay;
    m_replayName = name;
    m_writingStatus->setReplaying(true);
    m_view->progressTracker()->setExternalClock([replay] { return replay->timeMs(); });
    // The replay keeps the recorded pace; the display shows each event as it is applied.
    m_pacer->setSpeed(DisplaySpeed::Instant);
    m_streamActions->setSpeedChoiceEnabled(false);
    for (QAction *action : std::as_const(m_connectionActions))
        action->setEnabled(false);
    m_connection->hide();

    m_replayBar = new ReplayBar(replay, this);
    QToolBar *bar = new QToolBar(tr("Replay"), this);
    bar->setObjectName(QStringLiteral("replayToolBar"));
    bar->setMovable(false);
    bar->addWidget(m_replayBar);
    addToolBar(Qt::BottomToolBarArea, bar);
    auto *replayMenu = new QMenu(tr("&Replay"), this);
    replayMenu->addActions({m_replayBar->previousFileAction(), m_replayBar->playAction(),
                            m_replayBar->nextFileAction()});
    menuBar()->insertMenu(menuBar()->actions().constLast(), replayMenu); // before Help

    m_analyticsDock->showReplay(replay, m_replayBar);
    connect(replay, &core::ReplayController::errorOccurred, this, &MainWindow::showStatusMessage);
    m_view->editorPane()->setHint(tr("The recording starts here: press Play (Ctrl+Space)."));
    showSession();
    updateTitle();
}

// Qt appends the application's display name ("— Inkstream"): the title names only what is
// shown.
void MainWindow::updateTitle()
{
    QStringList parts;
    if (!m_replayName.isEmpty())
        parts << tr("Replay of %1").arg(m_replayName);
    if (!m_displayModel->sessionId().isEmpty())
        parts << m_displayModel->sessionId();
    QString title = parts.join(QStringLiteral(" — "));
    if (!title.isEmpty() && m_displayModel->state() == core::SessionState::Complete)
        title += tr(" (complete)");
    setWindowTitle(title);
}

void MainWindow::requestLocalDemo()
{
    if (!confirmReplacingSession(tr("Run the Demo Again")))
        return;
    // The demo is a fresh session each time: nothing of it is kept (see ViewerStateStore).
    m_stateStore->stop();
    Q_EMIT localDemoRequested();
}

// Before a new session replaces the one shown: the reader's edits are saved, dropped on purpose,
// or the new session waits (a replay's edits are a recording's: nothing is asked).
bool MainWindow::confirmReplacingSession(const QString &action)
{
    return m_replay || m_exporter->confirmLeavingEdits(action);
}

bool MainWindow::showsStartPage() const
{
    return m_center->currentWidget() == m_startPage;
}

void MainWindow::showSession()
{
    m_center->setCurrentWidget(m_view);
    // The stream's controls mean something once there is a stream.
    if (auto *toolBar = findChild<QToolBar *>(QStringLiteral("streamToolBar")))
        toolBar->setEnabled(true);
}

void MainWindow::connectToUrl()
{
    ConnectDialog dialog(m_client->sessionUrl(), this);
    if (dialog.exec() != QDialog::Accepted || dialog.url().isEmpty())
        return;
    if (dialog.tapChosen()) {
        Q_EMIT tapRequested(dialog.url());
        return;
    }
    connectWith(dialog.settings());
}

void MainWindow::connectToRecent(const QUrl &url)
{
    core::ConnectionSettings settings;
    settings.url = url;
    connectWith(settings);
}

void MainWindow::connectWith(const core::ConnectionSettings &settings)
{
    const QUrl checked = ConnectDialog::parseUrl(settings.url.toString());
    if (checked.isEmpty()) {
        QMessageBox::warning(
            this, tr("Connect to Session"),
            tr("“%1” is not an http:// or https:// URL.").arg(settings.url.toString()));
        return;
    }
    if (!confirmReplacingSession(tr("Connect to Session")))
        return;
    m_unprovenEndpoint = checked; // remembered once it connects

    qCInfo(lcUi, "connecting to %s (%s)", qPrintable(checked.toDisplayString()),
           qPrintable(core::DialectDecoder::dialectText(settings.dialect)));
    m_stateStore->stop(); // the session being left is saved as it is
    m_client->disconnectFromSession();
    m_writingStatus->reset();
    // A chat endpoint keeps no viewer state: each reply is a request of its own.
    if (settings.takesPrompts()) {
        m_conversation->setEndpoint({checked, settings.dialect, settings.model, settings.token,
                                     settings.system, settings.maxTokens, settings.temperature});
        m_model->clear();
        m_view->chatComposer()->refresh();
        showSession();
        updateEditorHint();
        m_view->chatComposer()->editor()->setFocus();
        return;
    }
    m_conversation->setEndpoint({});
    m_view->chatComposer()->refresh();
    m_client->setDialect(settings.dialect);
    m_client->setTransportMode(settings.transport);
    m_client->setRequest(core::StreamRequest::withToken(settings.token));
    // Only native streams number their events so that a viewer can resume (ViewerStateStore).
    const bool keepsState
        = settings.dialect == core::Dialect::Native || settings.dialect == core::Dialect::Auto;
    if (keepsState && m_stateStore->restore(checked, m_model)) {
        // What the last run showed, at once, before any network; then only what it lacks.
        if (m_stateStore->restoredDialect() == core::Dialect::Native)
            m_client->setDialect(core::Dialect::Native);
        showSession();
        m_client->resumeFrom(checked, m_stateStore->restoredSequence(),
                             m_stateStore->restoredEpoch());
    } else {
        m_client->connectTo(checked);
    }
    if (keepsState)
        m_stateStore->follow(m_client);
}

void MainWindow::showAbout()
{
    AboutDialog about(highlighterName(), this);
    about.exec();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    m_stateStore->saveNow();
    event->accept();
}

// The first window fits the screen it opens on: 1400×860 where there is room, else nine
// tenths of what the screen has (an 800×600 screen keeps its status bar and tracker visible).
QSize MainWindow::firstRunSize(const QSize &available)
{
    const QSize preferred(1400, 860);
    if (!available.isValid() || available.isEmpty())
        return preferred;
    return preferred.boundedTo(available * 0.9);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    m_view->restoreLayout(settings);
    m_follower->setFollowing(settings.value(QStringLiteral("followAi"), true).toBool());
    m_wrapAction->setChecked(settings.value(QStringLiteral("wordWrap"), false).toBool());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    settings.endGroup();
    m_streamActions->restoreDisplaySpeed();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    m_view->saveLayout(&settings);
    settings.setValue(QStringLiteral("followAi"), m_follower->isFollowing());
    settings.setValue(QStringLiteral("wordWrap"), m_wrapAction->isChecked());
    settings.setValue(QStringLiteral("state"), saveState());
}

} // namespace inkstream::ui
