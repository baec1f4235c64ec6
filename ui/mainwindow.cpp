#include "ui/mainwindow.h"

#include "core/client/outputdirectory.h"
#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "ui/chatpanel.h"
#include "ui/codeeditor.h"
#include "ui/connectionindicator.h"
#include "ui/editorpane.h"
#include "ui/filedocuments.h"
#include "ui/filelistmodel.h"
#include "ui/highlighting/highlighterbackend.h"
#include "ui/progresstracker.h"
#include "ui/uilog.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

namespace inkstream::ui {

namespace {
constexpr int kStatusMessageMs = 6000;
} // namespace

MainWindow::MainWindow(core::SessionModel *model, core::SessionClient *client, QWidget *parent)
    : QMainWindow(parent)
    , m_model(model)
    , m_client(client)
    , m_backend(createHighlighterBackend())
{
    // The list model first: it must have its row when a new document makes the window select it.
    m_fileModel = new FileListModel(m_model, this);
    m_documents = new FileDocuments(m_model, m_backend.get(), this);

    m_tracker = new ProgressTracker(m_model, this);
    m_fileList = new QListView(this);
    m_fileList->setModel(m_fileModel);
    m_fileList->setFrameShape(QFrame::NoFrame);
    m_fileList->setUniformItemSizes(true);
    m_fileList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_fileList->setIconSize(QSize(12, 12));
    m_fileList->setSpacing(2);
    m_fileList->setAccessibleName(tr("Files"));
    auto *filesTitle = new QLabel(tr("Files"), this);
    QFont bold = filesTitle->font();
    bold.setBold(true);
    filesTitle->setFont(bold);
    filesTitle->setContentsMargins(12, 8, 12, 8);
    auto *filesPane = new QWidget(this);
    auto *filesLayout = new QVBoxLayout(filesPane);
    filesLayout->setContentsMargins(0, 0, 0, 0);
    filesLayout->setSpacing(0);
    filesLayout->addWidget(filesTitle);
    filesLayout->addWidget(m_fileList, 1);

    m_editorPane = new EditorPane(this);
    m_chatPanel = new ChatPanel(m_model, this);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->addWidget(filesPane);
    m_splitter->addWidget(m_editorPane);
    m_splitter->addWidget(m_chatPanel);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setSizes({200, 820, 380});
    m_splitter->setChildrenCollapsible(false);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_tracker);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_connection = new ConnectionIndicator(m_client, this);
    statusBar()->addPermanentWidget(m_connection);

    createActions();

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
    connect(m_model, &core::SessionModel::fileStateChanged, this, &MainWindow::onFileStateChanged);
    connect(m_model, &core::SessionModel::sessionStateChanged, this,
            &MainWindow::onSessionStateChanged);
    connect(m_model, &core::SessionModel::errorReported, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Skipped an event: %1").arg(message), kStatusMessageMs);
    });
    connect(m_client, &core::SessionClient::stateChanged, this, &MainWindow::updateTitle);
    connect(m_fileList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (!m_selectingProgrammatically && current.isValid())
                    onUserSelectedFile(current.row());
            });

    m_editorPane->setHint(tr("Waiting for the AI to start writing…\n\n"
                             "Connect to a session with Ctrl+O, or run the local demo with "
                             "Ctrl+D."));
    resize(1400, 860);
    restoreSettings();
    onDocumentsReset();
    updateTitle();
}

MainWindow::~MainWindow() = default;

QString MainWindow::highlighterName() const
{
    return m_backend->name();
}

void MainWindow::createActions()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *connectAction
        = fileMenu->addAction(tr("&Connect to Session…"), this, &MainWindow::connectToUrl);
    connectAction->setShortcut(QKeySequence::Open);
    QAction *demoAction
        = fileMenu->addAction(tr("Run Local &Demo"), this, &MainWindow::localDemoRequested);
    demoAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    QAction *reconnectAction = fileMenu->addAction(tr("&Reconnect"), this, [this] {
        if (!m_client->sessionUrl().isEmpty())
            m_client->reconnectNow();
    });
    reconnectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    fileMenu->addAction(tr("D&isconnect"), this, [this] { m_client->disconnectFromSession(); });
    fileMenu->addSeparator();
    QAction *saveAction = fileMenu->addAction(tr("&Save Files To…"), this, &MainWindow::saveFiles);
    saveAction->setShortcut(QKeySequence::Save);
    fileMenu->addSeparator();
    QAction *quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);

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
        for (int i = 0; i < m_model->files().size(); ++i) {
            if (m_model->files().at(i).state == core::FileState::Writing)
                showFile(i);
        }
    });
    viewMenu->addSeparator();
    QAction *zoomIn
        = viewMenu->addAction(tr("Zoom &In"), this, [this] { m_editorPane->editor()->zoomBy(1); });
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction *zoomOut = viewMenu->addAction(tr("Zoom &Out"), this,
                                           [this] { m_editorPane->editor()->zoomBy(-1); });
    zoomOut->setShortcut(QKeySequence::ZoomOut);

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About Inkstream"), this, &MainWindow::showAbout);
    helpMenu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
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
    const core::SessionFile &file = m_model->files().at(fileIndex);
    if (fileIndex != m_currentFile) {
        m_currentFile = fileIndex;
        m_currentFileName = file.name;
        m_editorPane->showDocument(document, file.name, file.language);
        m_selectingProgrammatically = true;
        m_fileList->setCurrentIndex(m_fileModel->index(fileIndex));
        m_selectingProgrammatically = false;
    }
    updateWriting();
}

void MainWindow::onDocumentAdded(int fileIndex)
{
    if (m_currentFile < 0 || followsAi())
        showFile(fileIndex);
}

void MainWindow::onDocumentAppended(int fileIndex)
{
    if (fileIndex == m_currentFile) {
        m_editorPane->editor()->revealInsertionPoint();
        return;
    }
    // A delta for another file: the AI moved on (or went back); follow it there.
    if (followsAi() && m_model->files().at(fileIndex).state == core::FileState::Writing)
        showFile(fileIndex);
}

void MainWindow::onDocumentsReset()
{
    int index = m_model->fileIndex(m_currentFileName);
    if (followsAi() || index < 0) {
        for (int i = 0; i < m_model->files().size(); ++i) {
            if (m_model->files().at(i).state == core::FileState::Writing)
                index = i;
        }
    }
    if (index < 0 && !m_model->files().isEmpty())
        index = 0;
    m_currentFile = -1;
    if (index >= 0)
        showFile(index);
    else
        m_editorPane->showDocument(nullptr, {}, {});
}

void MainWindow::onFileStateChanged(int fileIndex)
{
    if (fileIndex == m_currentFile)
        updateWriting();
    const core::SessionFile &file = m_model->files().at(fileIndex);
    if (file.state == core::FileState::Error)
        statusBar()->showMessage(tr("%1: %2").arg(file.name, file.error), kStatusMessageMs);
}

void MainWindow::onUserSelectedFile(int fileIndex)
{
    bool aiIsWritingElsewhere = false;
    for (int i = 0; i < m_model->files().size(); ++i) {
        if (i != fileIndex && m_model->files().at(i).state == core::FileState::Writing)
            aiIsWritingElsewhere = true;
    }
    if (aiIsWritingElsewhere && followsAi()) {
        setFollowAi(false);
        statusBar()->showMessage(
            tr("Stopped following the AI while you read %1 — Ctrl+L follows again")
                .arg(m_model->files().at(fileIndex).name),
            kStatusMessageMs);
    }
    showFile(fileIndex);
}

void MainWindow::onSessionStateChanged()
{
    updateWriting();
    updateTitle();
    if (m_model->state() == core::SessionState::Complete) {
        statusBar()->showMessage(
            tr("Session complete: %n file(s) written", nullptr, int(m_model->files().size())),
            kStatusMessageMs);
    } else if (m_model->state() == core::SessionState::Error) {
        statusBar()->showMessage(tr("Session failed: %1").arg(m_model->sessionError()));
    }
}

void MainWindow::updateWriting()
{
    const bool writing = m_currentFile >= 0 && m_currentFile < m_model->files().size()
        && m_model->files().at(m_currentFile).state == core::FileState::Writing
        && m_model->state() != core::SessionState::Complete
        && m_model->state() != core::SessionState::Error;
    m_editorPane->setWriting(writing);
}

void MainWindow::updateTitle()
{
    QString title = QStringLiteral("Inkstream");
    if (!m_model->sessionId().isEmpty())
        title += QStringLiteral(" — ") + m_model->sessionId();
    if (m_model->state() == core::SessionState::Complete)
        title += tr(" (complete)");
    setWindowTitle(title);
}

void MainWindow::connectToUrl()
{
    bool accepted = false;
    const QString text = QInputDialog::getText(
        this, tr("Connect to Session"), tr("Session URL (http://HOST:PORT/api/sessions/ID):"),
        QLineEdit::Normal, m_client->sessionUrl().toString(), &accepted);
    if (!accepted || text.trimmed().isEmpty())
        return;
    const QUrl url = QUrl::fromUserInput(text.trimmed());
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https")) {
        QMessageBox::warning(this, tr("Connect to Session"),
                             tr("“%1” is not an http:// or https:// URL.").arg(text));
        return;
    }
    qCInfo(lcUi, "connecting to %s", qPrintable(url.toDisplayString()));
    m_client->connectTo(url);
}

void MainWindow::saveFiles()
{
    if (m_model->files().isEmpty()) {
        statusBar()->showMessage(tr("There are no files to save yet."), kStatusMessageMs);
        return;
    }
    const QString directory = QFileDialog::getExistingDirectory(this, tr("Save Files To"));
    if (directory.isEmpty())
        return;
    core::OutputDirectory output(directory);
    QString error;
    if (!output.open(&error)) {
        QMessageBox::warning(this, tr("Save Files"), error);
        return;
    }
    QStringList failures;
    for (const core::SessionFile &file : m_model->files()) {
        if (!output.write(file.name, file.content.toUtf8(), &error))
            failures << file.name + QStringLiteral(": ") + error;
    }
    if (!failures.isEmpty()) {
        QMessageBox::warning(this, tr("Save Files"),
                             tr("Some files were not saved:\n%1").arg(failures.join(u'\n')));
        return;
    }
    statusBar()->showMessage(
        tr("Saved %n file(s) to %1", nullptr, int(m_model->files().size())).arg(directory),
        kStatusMessageMs);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Inkstream"),
                       tr("<h3>Inkstream %1</h3><p>Watch an AI write code, live.</p>"
                          "<p>Syntax highlighting: %2<br>Qt %3</p>")
                           .arg(QStringLiteral(INKSTREAM_VERSION), highlighterName(),
                                QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    event->accept();
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_followAction->setChecked(settings.value(QStringLiteral("followAi"), true).toBool());
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("followAi"), m_followAction->isChecked());
}

} // namespace inkstream::ui
