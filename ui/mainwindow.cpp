#include "ui/mainwindow.h"

#include "core/client/chatconversation.h"
#include "core/client/connectionsettings.h"
#include "core/client/outputdirectory.h"
#include "core/client/sessionclient.h"
#include "core/model/replaycontroller.h"
#include "core/model/sessionmodel.h"
#include "ui/aboutdialog.h"
#include "ui/analyticsdock.h"
#include "ui/analyticspanel.h"
#include "ui/apptheme.h"
#include "ui/chatcomposer.h"
#include "ui/chatpanel.h"
#include "ui/codeeditor.h"
#include "ui/conflictbar.h"
#include "ui/connectdialog.h"
#include "ui/connectionindicator.h"
#include "ui/counttext.h"
#include "ui/debugconsole.h"
#include "ui/diffdialog.h"
#include "ui/displaypacer.h"
#include "ui/editorpane.h"
#include "ui/elidinglabel.h"
#include "ui/filedocuments.h"
#include "ui/fileexporter.h"
#include "ui/filelistdelegate.h"
#include "ui/filelistmodel.h"
#include "ui/findbar.h"
#include "ui/foldingsplitter.h"
#include "ui/framethrottle.h"
#include "ui/highlighting/highlighterbackend.h"
#include "ui/progresstracker.h"
#include "ui/replaybar.h"
#include "ui/startpage.h"
#include "ui/throughputchart.h"
#include "ui/uilog.h"
#include "ui/viewerstatestore.h"
#include "ui/writingbadge.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QScreen>
#include <QScrollArea>
#include <QSet>
#include <QSettings>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTextDocument>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

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
{
    auto *frames = new FrameThrottle(this);
    // The list model first: it must have its row when a new document makes the window select it.
    m_fileModel = new FileListModel(m_displayModel, this);
    m_documents = new FileDocuments(m_displayModel, m_backend.get(), this);
    m_exporter = new FileExporter(m_displayModel, m_documents, m_pacer, this);
    connect(m_exporter, &FileExporter::reported, this, [this](const QString &message) {
        statusBar()->showMessage(message, kStatusMessageMs);
    });

    m_tracker = new ProgressTracker(m_displayModel, this);
    m_fileList = new QListView(this);
    m_fileList->setModel(m_fileModel);
    m_fileList->setFrameShape(QFrame::NoFrame);
    m_fileList->setUniformItemSizes(true);
    m_fileList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_fileList->setItemDelegate(new FileListDelegate(m_fileList));
    m_fileList->setSpacing(1);
    m_fileList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_fileList->setAccessibleName(tr("Files"));
    m_fileList->setAccessibleDescription(tr("The files of the session; Enter shows one"));
    auto *filesTitle = new QLabel(tr("Files"), this);
    QFont bold = filesTitle->font();
    bold.setBold(true);
    filesTitle->setFont(bold);
    filesTitle->setContentsMargins(12, 8, 12, 8);
    m_filesPane = new QWidget(this);
    m_filesPane->setObjectName(QStringLiteral("filesPane"));
    auto *filesLayout = new QVBoxLayout(m_filesPane);
    filesLayout->setContentsMargins(0, 0, 0, 0);
    filesLayout->setSpacing(0);
    filesLayout->addWidget(filesTitle);
    filesLayout->addWidget(m_fileList, 1);

    m_editorPane = new EditorPane(this);
    m_editorPane->editor()->revealOnRepaintsOf(frames);
    m_chatPanel = new ChatPanel(m_displayModel, this);
    m_conversation = new core::ChatConversation(m_client, this);
    m_composer = new ChatComposer(m_conversation, this);
    m_chatPane = new QWidget(this);
    m_chatPane->setObjectName(QStringLiteral("chatPane"));
    auto *chatLayout = new QVBoxLayout(m_chatPane);
    chatLayout->setContentsMargins(0, 0, 0, 0);
    chatLayout->setSpacing(0);
    chatLayout->addWidget(m_chatPanel, 1);
    chatLayout->addWidget(m_composer);

    m_editorPane->editor()->setAccessibleName(tr("Code editor"));
    m_editorPane->editor()->setAccessibleDescription(
        tr("The file the AI is writing, or you picked"));

    m_splitter = new FoldingSplitter(this);
    m_splitter->addWidget(m_filesPane);
    m_splitter->addWidget(m_editorPane);
    m_splitter->addWidget(m_chatPane);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setSizes({200, 820, 380});
    // On a narrow window the side panes give way, the file list first: the editor keeps room
    // for about 48 columns of code beside its line numbers (all three panes fit at 800 px).
    m_editorPane->setMinimumWidth(240);
    const int column = m_editorPane->editor()->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_splitter->setMainPane(m_editorPane, 48 * column + 48);
    m_splitter->addSidePane(m_filesPane, 110);
    m_splitter->addSidePane(m_chatPane, 200);

    m_sessionView = new QWidget(this);
    auto *layout = new QVBoxLayout(m_sessionView);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_tracker);
    layout->addWidget(m_splitter, 1);
    m_startPage = new StartPage(this);
    m_center = new QStackedWidget(this);
    m_center->addWidget(m_startPage);
    m_center->addWidget(m_sessionView);
    setCentralWidget(m_center);
    // The page not shown does not hold the window wide (QStackedWidget's minimum is that of its
    // widest page otherwise: the start page would keep the folded session view from narrowing).
    const auto sizeToCurrentPage = [this] {
        for (QWidget *page : {static_cast<QWidget *>(m_startPage), m_sessionView}) {
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
    connect(m_documents, &FileDocuments::conflictDetected, this, &MainWindow::onConflictDetected);
    connect(m_documents, &FileDocuments::conflictResolved, this, &MainWindow::updateConflictBar);
    ConflictBar *conflictBar = m_editorPane->conflictBar();
    connect(conflictBar, &ConflictBar::keepMineRequested, this, [this] { resolveConflict(true); });
    connect(conflictBar, &ConflictBar::takeTheirsRequested, this,
            [this] { resolveConflict(false); });
    connect(conflictBar, &ConflictBar::diffRequested, this, &MainWindow::showConflictDiff);

    connect(m_documents, &FileDocuments::documentAdded, this, &MainWindow::onDocumentAdded);
    connect(m_documents, &FileDocuments::documentAppended, this, &MainWindow::onDocumentAppended);
    connect(m_documents, &FileDocuments::documentReplaced, this, [this](int fileIndex) {
        if (fileIndex == m_currentFile)
            m_editorPane->editor()->revealInsertionPoint();
    });
    connect(m_documents, &FileDocuments::documentsAboutToBeReset, this, [this] {
        m_editorPane->showDocument(nullptr, {}, {});
        m_currentFile = -1;
    });
    connect(m_documents, &FileDocuments::documentsReset, this, &MainWindow::onDocumentsReset);
    connect(m_documents, &FileDocuments::userEditedChanged, this, [this](int fileIndex) {
        m_fileModel->setEdited(fileIndex, true);
        if (fileIndex == m_currentFile)
            m_editorPane->setEdited(true);
    });
    connect(m_displayModel, &core::SessionModel::fileStateChanged, this,
            &MainWindow::onFileStateChanged);
    connect(m_displayModel, &core::SessionModel::sessionStateChanged, this,
            &MainWindow::onSessionStateChanged);
    connect(m_displayModel, &core::SessionModel::errorReported, this,
            [this](const QString &message) {
                statusBar()->showMessage(tr("Skipped an event: %1").arg(message), kStatusMessageMs);
            });
    connect(m_client, &core::SessionClient::stateChanged, this, &MainWindow::updateTitle);
    // Auto-detection says what it chose and why.
    connect(m_client, &core::SessionClient::dialectDetected, this,
            [this](core::Dialect dialect, const QString &reason) {
                statusBar()->showMessage(
                    tr("Following %1: %2").arg(core::DialectDecoder::dialectText(dialect), reason),
                    kStatusMessageMs);
            });
    connect(m_displayModel, &core::SessionModel::modelReset, this, &MainWindow::updateTitle);
    // The connection dropping or coming back, the session ending, the display catching up.
    m_stateStore = new ViewerStateStore(this);
    connect(m_client, &core::SessionClient::stateChanged, this,
            &MainWindow::onConnectionStateChanged);
    connect(m_model, &core::SessionModel::sessionStateChanged, this,
            &MainWindow::updateInterruption);
    connect(m_model, &core::SessionModel::modelReset, this, &MainWindow::updateInterruption);
    connect(m_pacer, &DisplayPacer::backlogChanged, this, &MainWindow::updateWriting);
    connect(m_displayModel, &core::SessionModel::eventApplied, this,
            [this](const core::Event &event) {
                // A file started or finished after the connection came back: the AI is at work
                // again (a delta counts once it shows text, onDocumentAppended).
                const auto *code = std::get_if<core::CodeEvent>(&event.payload);
                if (code && code->type != core::CodeEvent::Type::Delta)
                    streamResumed();
            });
    connect(m_fileList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (!m_selectingProgrammatically && current.isValid())
                    onUserSelectedFile(current.row());
            });

    updateEditorHint();
    resize(firstRunSize(screen() ? screen()->availableGeometry().size() : QSize()));
    restoreSettings();
    onDocumentsReset();
    updateTitle();
    setUpKeyboardPath();
}

// Tab goes files → editor → narration → prompt and its buttons → toolbar → tracker. In the
// editor Tab is for code: Ctrl+Tab leaves it, as in every Qt text editor.
void MainWindow::setUpKeyboardPath()
{
    QList<QWidget *> chain {m_fileList, m_editorPane->editor(),
                            static_cast<QWidget *>(m_chatPanel->scrollArea()),
                            static_cast<QWidget *>(m_composer->editor())};
    for (QPushButton *button : m_composer->findChildren<QPushButton *>())
        chain << button;
    if (auto *toolBar = findChild<QToolBar *>(QStringLiteral("streamToolBar"))) {
        for (QToolButton *button : toolBar->findChildren<QToolButton *>()) {
            if (button->defaultAction() && !button->defaultAction()->isSeparator()) {
                button->setFocusPolicy(Qt::TabFocus);
                chain << button;
            }
        }
    }
    chain << m_tracker;
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
            statusBar()->showMessage(tr("A chat reply is not re-requested: send a new prompt."),
                                     kStatusMessageMs);
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
    QAction *saveAction = fileMenu->addAction(tr("&Save File As…"), this,
                                              [this] { m_exporter->saveFile(m_currentFile); });
    saveAction->setShortcut(QKeySequence::Save);
    QAction *saveAllAction
        = fileMenu->addAction(tr("Save &All Files To…"), m_exporter, &FileExporter::saveAll);
    saveAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    fileMenu->addSeparator();
    QAction *quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);

    QMenu *editMenu = menuBar()->addMenu(tr("&Edit"));
    QAction *findAction
        = editMenu->addAction(tr("&Find…"), this, [this] { m_editorPane->findBar()->activate(); });
    findAction->setShortcut(QKeySequence::Find);
    QAction *findNextAction = editMenu->addAction(tr("Find &Next"), this,
                                                  [this] { m_editorPane->findBar()->findNext(); });
    findNextAction->setShortcut(QKeySequence::FindNext);
    QAction *findPreviousAction = editMenu->addAction(
        tr("Find &Previous"), this, [this] { m_editorPane->findBar()->findNext(true); });
    findPreviousAction->setShortcut(QKeySequence::FindPrevious);
    QAction *goToLineAction = editMenu->addAction(tr("&Go to Line…"), this, &MainWindow::goToLine);
    goToLineAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));

    QMenu *streamMenu = menuBar()->addMenu(tr("&Stream"));
    m_pauseAction = streamMenu->addAction(tr("&Pause Display"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pauseAction->setToolTip(tr("Hold the display; events keep arriving and nothing is lost"));
    connect(m_pauseAction, &QAction::toggled, m_pacer, &DisplayPacer::setPaused);
    QAction *catchUpAction
        = streamMenu->addAction(tr("&Catch Up with Live"), this, [this] { m_pacer->catchUp(); });
    catchUpAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    QMenu *speedMenu = streamMenu->addMenu(tr("&Speed"));
    m_speedGroup = new QActionGroup(this);
    const std::pair<DisplaySpeed, QString> speeds[] = {
        {DisplaySpeed::Slow, tr("&Slow")},
        {DisplaySpeed::Normal, tr("&Normal")},
        {DisplaySpeed::Fast, tr("&Fast")},
        {DisplaySpeed::Instant, tr("&Instant")},
    };
    int key = Qt::Key_1;
    for (const auto &[speed, title] : speeds) {
        QAction *action = speedMenu->addAction(title);
        action->setCheckable(true);
        action->setData(QVariant::fromValue(speed));
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | key++));
        m_speedGroup->addAction(action);
        connect(action, &QAction::triggered, this,
                [this, chosen = speed] { setDisplaySpeed(chosen); });
    }
    streamMenu->addSeparator();
    m_rejectAction
        = streamMenu->addAction(tr("&Reject Current File"), this, &MainWindow::rejectCurrentFile);
    m_rejectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    m_rejectAction->setToolTip(tr("Stop showing the file the AI is writing and leave it out "
                                  "of Save All"));
    QAction *changesAction = streamMenu->addAction(tr("Show &Changes to Previous Version"), this,
                                                   &MainWindow::showChanges);
    changesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    m_followAction = viewMenu->addAction(tr("&Follow the AI"));
    m_followAction->setCheckable(true);
    m_followAction->setChecked(true);
    m_followAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_followAction->setToolTip(tr("Show whichever file the AI is writing"));
    connect(m_followAction, &QAction::toggled, this, [this](bool follow) {
        if (!follow)
            return;
        // Jump to the file being written now, if any.
        for (int i = 0; i < m_displayModel->files().size(); ++i) {
            if (m_displayModel->files().at(i).state == core::FileState::Writing)
                showFile(i);
        }
    });
    m_wrapAction = viewMenu->addAction(tr("&Word Wrap"));
    m_wrapAction->setCheckable(true);
    m_wrapAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Z));
    connect(m_wrapAction, &QAction::toggled, this, [this](bool wrap) {
        m_editorPane->editor()->setLineWrapMode(wrap ? QPlainTextEdit::WidgetWidth
                                                     : QPlainTextEdit::NoWrap);
    });
    viewMenu->addSeparator();
    m_filesAction = addPaneAction(viewMenu, m_filesPane, tr("&Files"), Qt::Key_F9);
    m_chatAction = addPaneAction(viewMenu, m_chatPane, tr("AI &Narration"), Qt::SHIFT | Qt::Key_F9);
    viewMenu->addSeparator();
    QAction *zoomIn
        = viewMenu->addAction(tr("Zoom &In"), this, [this] { m_editorPane->editor()->zoomBy(1); });
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction *zoomOut = viewMenu->addAction(tr("Zoom &Out"), this,
                                           [this] { m_editorPane->editor()->zoomBy(-1); });
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QMenu *themeMenu = viewMenu->addMenu(tr("&Theme"));
    auto *themeGroup = new QActionGroup(themeMenu);
    const QString currentTheme
        = QSettings()
              .value(QStringLiteral("appearance/theme"), QStringLiteral("system"))
              .toString();
    for (const auto &[mode, title] : {std::pair {AppTheme::Mode::System, tr("Follow the &System")},
                                      std::pair {AppTheme::Mode::Light, tr("&Light")},
                                      std::pair {AppTheme::Mode::Dark, tr("&Dark")}}) {
        QAction *action = themeMenu->addAction(title);
        action->setCheckable(true);
        action->setChecked(AppTheme::modeName(mode) == currentTheme);
        themeGroup->addAction(action);
        connect(action, &QAction::triggered, this, [chosen = mode] {
            QSettings().setValue(QStringLiteral("appearance/theme"), AppTheme::modeName(chosen));
            AppTheme::apply(chosen);
        });
    }
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

QAction *MainWindow::addPaneAction(QMenu *menu, QWidget *pane, const QString &title,
                                   const QKeySequence &shortcut)
{
    QAction *action = menu->addAction(title);
    action->setCheckable(true);
    action->setShortcut(shortcut);
    action->setChecked(!pane->isHidden());
    action->setToolTip(
        tr("Show or hide the pane; on a narrow window it folds away so the editor keeps room"));
    connect(action, &QAction::triggered, this,
            [this, pane](bool shown) { m_splitter->setPaneShownByReader(pane, shown); });
    connect(m_splitter, &FoldingSplitter::paneVisibilityChanged, action,
            [action, pane](QWidget *changed, bool visible) {
                if (changed == pane)
                    action->setChecked(visible);
            });
    return action;
}

void MainWindow::createToolBar()
{
    QToolBar *toolBar = addToolBar(tr("Stream"));
    toolBar->setObjectName(QStringLiteral("streamToolBar"));
    toolBar->setMovable(false);
    toolBar->setEnabled(false); // until a session is shown (showSession)
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->addAction(m_pauseAction);
    auto *speedLabel = new QLabel(tr("  Speed: "), toolBar);
    toolBar->addWidget(speedLabel);
    for (QAction *action : m_speedGroup->actions())
        toolBar->addAction(action);
    toolBar->addSeparator();
    toolBar->addAction(m_followAction);
    toolBar->addAction(m_rejectAction);
    toolBar->addSeparator();
    toolBar->addAction(m_reconnectAction);
}

DisplaySpeed MainWindow::displaySpeed() const
{
    return m_pacer->speed();
}

void MainWindow::setDisplaySpeed(DisplaySpeed speed)
{
    m_pacer->setSpeed(speed);
    for (QAction *action : m_speedGroup->actions()) {
        if (action->data().value<DisplaySpeed>() == speed)
            action->setChecked(true);
    }
    QSettings().setValue(QStringLiteral("display/speed"), DisplayPacer::speedName(speed));
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
    CodeEditor *editor = m_editorPane->editor();
    if (m_currentFile < 0)
        return;
    bool accepted = false;
    const int line = QInputDialog::getInt(
        this, tr("Go to Line"), tr("Line (1–%1):").arg(editor->blockCount()),
        editor->textCursor().blockNumber() + 1, 1, editor->blockCount(), 1, &accepted);
    if (accepted)
        editor->goToLine(line);
}

void MainWindow::rejectCurrentFile()
{
    if (m_currentFile < 0)
        return;
    const core::SessionFile &file = m_displayModel->files().at(m_currentFile);
    if (file.state != core::FileState::Writing) {
        statusBar()->showMessage(tr("%1 is not being written.").arg(file.name), kStatusMessageMs);
        return;
    }
    const QString name = file.name;
    m_pacer->rejectFile(name);
    statusBar()->showMessage(tr("Rejected %1: the rest of it is not shown or saved.").arg(name),
                             kStatusMessageMs);
}

void MainWindow::showChanges()
{
    if (m_currentFile < 0)
        return;
    const core::SessionFile &file = m_displayModel->files().at(m_currentFile);
    if (file.previousContent.isEmpty()) {
        statusBar()->showMessage(tr("%1 has no earlier version in this session.").arg(file.name),
                                 kStatusMessageMs);
        return;
    }
    DiffDialog dialog(tr("Changes to %1").arg(file.name), file.previousContent, file.content, false,
                      this);
    dialog.exec();
}

void MainWindow::onConflictDetected(int fileIndex)
{
    const QString name = m_displayModel->files().at(fileIndex).name;
    statusBar()->showMessage(tr("The AI is rewriting %1, which you edited: choose which version "
                                "to keep.")
                                 .arg(name),
                             kStatusMessageMs);
    if (followsAi() || fileIndex == m_currentFile)
        showFile(fileIndex);
    updateConflictBar();
}

void MainWindow::updateConflictBar()
{
    if (m_currentFile >= 0 && m_documents->hasConflict(m_currentFile))
        m_editorPane->conflictBar()->showFor(m_displayModel->files().at(m_currentFile).name);
    else
        m_editorPane->conflictBar()->hide();
}

void MainWindow::resolveConflict(bool keepMine)
{
    if (m_currentFile < 0 || !m_documents->hasConflict(m_currentFile))
        return;
    m_documents->resolveConflict(m_currentFile,
                                 keepMine ? FileDocuments::Choice::KeepMine
                                          : FileDocuments::Choice::TakeTheirs);
    updateConflictBar();
}

void MainWindow::showConflictDiff()
{
    if (m_currentFile < 0 || !m_documents->hasConflict(m_currentFile))
        return;
    const core::SessionFile &file = m_displayModel->files().at(m_currentFile);
    DiffDialog dialog(tr("Your %1 and the AI's").arg(file.name),
                      m_documents->userText(m_currentFile), file.content, true, this);
    const int result = dialog.exec();
    if (result == DiffDialog::KeepMine)
        resolveConflict(true);
    else if (result == DiffDialog::TakeTheirs)
        resolveConflict(false);
}

bool MainWindow::followsAi() const
{
    return m_followAction->isChecked();
}

void MainWindow::setFollowAi(bool follow)
{
    m_followAction->setChecked(follow);
}

void MainWindow::showFile(int fileIndex)
{
    QTextDocument *document = m_documents->document(fileIndex);
    if (!document)
        return;
    const core::SessionFile &file = m_displayModel->files().at(fileIndex);
    if (fileIndex != m_currentFile) {
        m_currentFile = fileIndex;
        m_currentFileName = file.name;
        m_editorPane->showDocument(document, file.name, file.language);
        m_selectingProgrammatically = true;
        m_fileList->setCurrentIndex(m_fileModel->index(fileIndex));
        m_selectingProgrammatically = false;
    }
    m_editorPane->setFileError(file.state == core::FileState::Error ? file.error : QString());
    m_editorPane->setEdited(m_documents->isUserEdited(fileIndex));
    updateWriting();
    updateConflictBar();
}

void MainWindow::onDocumentAdded(int fileIndex)
{
    if (m_currentFile < 0 || followsAi())
        showFile(fileIndex);
}

void MainWindow::onDocumentAppended(int fileIndex)
{
    streamResumed(); // text streams again: the badge pulses again
    if (fileIndex == m_currentFile) {
        m_editorPane->editor()->revealInsertionPointSoon();
        return;
    }
    // A delta for another file: the AI moved on (or went back); follow it there.
    if (followsAi() && m_displayModel->files().at(fileIndex).state == core::FileState::Writing)
        showFile(fileIndex);
}

void MainWindow::onDocumentsReset()
{
    QSet<int> edited;
    for (int i = 0; i < m_documents->count(); ++i) {
        if (m_documents->isUserEdited(i))
            edited.insert(i);
    }
    m_fileModel->setEditedFiles(edited);
    int index = m_displayModel->fileIndex(m_currentFileName);
    if (followsAi() || index < 0) {
        for (int i = 0; i < m_displayModel->files().size(); ++i) {
            if (m_displayModel->files().at(i).state == core::FileState::Writing)
                index = i;
        }
    }
    if (index < 0 && !m_displayModel->files().isEmpty())
        index = 0;
    m_currentFile = -1;
    if (index >= 0)
        showFile(index);
    else
        m_editorPane->showDocument(nullptr, {}, {});
}

void MainWindow::onFileStateChanged(int fileIndex)
{
    const core::SessionFile &file = m_displayModel->files().at(fileIndex);
    if (fileIndex == m_currentFile) {
        updateWriting();
        m_editorPane->setFileError(file.state == core::FileState::Error ? file.error : QString());
        m_editorPane->setEdited(m_documents->isUserEdited(fileIndex));
    }
    if (file.state == core::FileState::Error)
        statusBar()->showMessage(tr("%1: %2").arg(file.name, file.error), kStatusMessageMs);
}

void MainWindow::onUserSelectedFile(int fileIndex)
{
    bool aiIsWritingElsewhere = false;
    for (int i = 0; i < m_displayModel->files().size(); ++i) {
        if (i != fileIndex && m_displayModel->files().at(i).state == core::FileState::Writing)
            aiIsWritingElsewhere = true;
    }
    if (aiIsWritingElsewhere && followsAi()) {
        setFollowAi(false);
        statusBar()->showMessage(
            tr("Stopped following the AI while you read %1 — Ctrl+L follows again")
                .arg(m_displayModel->files().at(fileIndex).name),
            kStatusMessageMs);
    }
    showFile(fileIndex);
}

void MainWindow::onSessionStateChanged()
{
    updateWriting();
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

void MainWindow::updateWriting()
{
    const bool writing = m_currentFile >= 0 && m_currentFile < m_displayModel->files().size()
        && m_displayModel->files().at(m_currentFile).state == core::FileState::Writing
        && m_displayModel->state() != core::SessionState::Complete
        && m_displayModel->state() != core::SessionState::Error;
    m_editorPane->setWriting(writing);
    // After the connection dropped the badge stops pulsing once the display has shown what
    // arrived before, and pulses again with the first text shown after it is back.
    const bool stalled = m_waitingForText && m_pacer->pendingCharacters() == 0;
    m_editorPane->badge()->setInterrupted(writing && stalled);
}

void MainWindow::streamResumed()
{
    if (!m_waitingForText || m_connectionLost)
        return;
    m_waitingForText = false;
    updateWriting();
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
    m_editorPane->setHint(hint);
}

bool MainWindow::isStreamInterrupted() const
{
    return m_tracker->isInterrupted();
}

void MainWindow::onConnectionStateChanged(core::ConnectionState state)
{
    switch (state) {
    case core::ConnectionState::Idle:
    case core::ConnectionState::Connected:
    case core::ConnectionState::Streaming:
        m_connectionLost = false;
        break;
    case core::ConnectionState::Retrying:
    case core::ConnectionState::Disconnected:
    case core::ConnectionState::Error:
        m_connectionLost = true;
        break;
    case core::ConnectionState::Connecting:
        break; // a first connection starts clean (connectWith); a retry is still lost
    }
    // Recent connections keep only what worked once (not a mistyped URL).
    if (state == core::ConnectionState::Connected && !m_unprovenEndpoint.isEmpty()) {
        ConnectDialog::rememberEndpoint(m_unprovenEndpoint);
        m_unprovenEndpoint.clear();
        m_startPage->refresh();
    }
    updateEditorHint();
    updateInterruption();
}

// Said only while the session is unfinished: a complete session's stream may end, and a chat
// reply's stream ends with the reply.
QString MainWindow::interruptionText() const
{
    if (!m_connectionLost || m_replay || m_client->isOneShot()
        || m_model->state() != core::SessionState::Running)
        return {};
    switch (m_client->state()) {
    case core::ConnectionState::Disconnected:
        return tr("Disconnected — Reconnect (Ctrl+R) resumes the stream");
    case core::ConnectionState::Error:
        return tr("Connection lost — Reconnect (Ctrl+R) to try again");
    default:
        return tr("Connection lost — reconnecting…");
    }
}

void MainWindow::updateInterruption()
{
    const QString text = interruptionText();
    if (!text.isEmpty() && !m_tracker->isInterrupted())
        m_waitingForText = true;
    m_tracker->setInterruption(text);
    m_fileModel->setInterrupted(!text.isEmpty());
    updateWriting();
}

void MainWindow::attachReplay(core::ReplayController *replay, const QString &name)
{
    m_replay = replay;
    m_replayName = name;
    m_tracker->setExternalClock([replay] { return replay->timeMs(); });
    // The replay keeps the recorded pace; the display shows each event as it is applied.
    m_pacer->setSpeed(DisplaySpeed::Instant);
    m_speedGroup->setEnabled(false);
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
    connect(replay, &core::ReplayController::errorOccurred, this, [this](const QString &message) {
        statusBar()->showMessage(message, kStatusMessageMs);
    });
    m_editorPane->setHint(tr("The recording starts here: press Play (Ctrl+Space)."));
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
    m_center->setCurrentWidget(m_sessionView);
    // The stream's controls mean something once there is a stream.
    if (auto *toolBar = findChild<QToolBar *>(QStringLiteral("streamToolBar")))
        toolBar->setEnabled(true);
}

void MainWindow::connectToUrl()
{
    ConnectDialog dialog(m_client->sessionUrl(), this);
    if (dialog.exec() != QDialog::Accepted || dialog.url().isEmpty())
        return;
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
    m_connectionLost = false;
    m_waitingForText = false;
    updateInterruption();
    // A chat endpoint keeps no viewer state: each reply is a request of its own.
    if (settings.takesPrompts()) {
        m_conversation->setEndpoint({checked, settings.dialect, settings.model, settings.token,
                                     settings.system, settings.maxTokens, settings.temperature});
        m_model->clear();
        m_composer->refresh();
        showSession();
        updateEditorHint();
        m_composer->editor()->setFocus();
        return;
    }
    m_conversation->setEndpoint({});
    m_composer->refresh();
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

// Where save dialogs open: the last folder saved to, else the user's documents (never "/",
// where a desktop-started program's working directory often is).
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
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_splitter->setPaneWanted(m_filesPane,
                              settings.value(QStringLiteral("showFiles"), true).toBool());
    m_splitter->setPaneWanted(m_chatPane,
                              settings.value(QStringLiteral("showChat"), true).toBool());
    m_followAction->setChecked(settings.value(QStringLiteral("followAi"), true).toBool());
    m_wrapAction->setChecked(settings.value(QStringLiteral("wordWrap"), false).toBool());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    settings.endGroup();
    setDisplaySpeed(DisplayPacer::speedFromName(
        settings.value(QStringLiteral("display/speed")).toString(), DisplaySpeed::Normal));
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("showFiles"), m_splitter->isPaneWanted(m_filesPane));
    settings.setValue(QStringLiteral("showChat"), m_splitter->isPaneWanted(m_chatPane));
    settings.setValue(QStringLiteral("followAi"), m_followAction->isChecked());
    settings.setValue(QStringLiteral("wordWrap"), m_wrapAction->isChecked());
    settings.setValue(QStringLiteral("state"), saveState());
}

} // namespace inkstream::ui
