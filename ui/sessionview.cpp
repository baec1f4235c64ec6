#include "ui/sessionview.h"

#include "ui/chatcomposer.h"
#include "ui/chatpanel.h"
#include "ui/codeeditor.h"
#include "ui/editorpane.h"
#include "ui/filelistdelegate.h"
#include "ui/filelistmodel.h"
#include "ui/foldingsplitter.h"
#include "ui/framethrottle.h"
#include "ui/progresstracker.h"

#include <QAction>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QVBoxLayout>

namespace inkstream::ui {

SessionView::SessionView(core::SessionModel *model, core::ChatConversation *conversation,
                         QWidget *parent)
    : QWidget(parent)
    // Before the window's documents: the list must have its row when a new document makes the
    // window select it.
    , m_fileModel(new FileListModel(model, this))
    , m_tracker(new ProgressTracker(model, this))
{
    m_editorPane = new EditorPane(this);
    m_editorPane->editor()->revealOnRepaintsOf(new FrameThrottle(this));
    m_editorPane->editor()->setAccessibleName(tr("Code editor"));
    m_editorPane->editor()->setAccessibleDescription(
        tr("The file the AI is writing, or you picked"));
    m_chatPanel = new ChatPanel(model, this);

    m_splitter = new FoldingSplitter(this);
    m_splitter->addWidget(createFilesPane());
    m_splitter->addWidget(m_editorPane);
    m_splitter->addWidget(createChatPane(conversation));
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

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_tracker);
    layout->addWidget(m_splitter, 1);
}

QWidget *SessionView::createFilesPane()
{
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
    auto *title = new QLabel(tr("Files"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    title->setContentsMargins(12, 8, 12, 8);
    m_filesPane = new QWidget(this);
    m_filesPane->setObjectName(QStringLiteral("filesPane"));
    auto *layout = new QVBoxLayout(m_filesPane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(title);
    layout->addWidget(m_fileList, 1);
    return m_filesPane;
}

QWidget *SessionView::createChatPane(core::ChatConversation *conversation)
{
    m_composer = new ChatComposer(conversation, this);
    m_chatPane = new QWidget(this);
    m_chatPane->setObjectName(QStringLiteral("chatPane"));
    auto *layout = new QVBoxLayout(m_chatPane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_chatPanel, 1);
    layout->addWidget(m_composer);
    return m_chatPane;
}

QAction *SessionView::createPaneAction(QWidget *pane, const QString &title,
                                       const QKeySequence &shortcut)
{
    auto *action = new QAction(title, this);
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

QList<QWidget *> SessionView::focusChain() const
{
    QList<QWidget *> chain {m_fileList, m_editorPane->editor(),
                            static_cast<QWidget *>(m_chatPanel->scrollArea()),
                            static_cast<QWidget *>(m_composer->editor())};
    for (QPushButton *button : m_composer->findChildren<QPushButton *>())
        chain << button;
    return chain;
}

void SessionView::restoreLayout(const QSettings &settings)
{
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_splitter->setPaneWanted(m_filesPane,
                              settings.value(QStringLiteral("showFiles"), true).toBool());
    m_splitter->setPaneWanted(m_chatPane,
                              settings.value(QStringLiteral("showChat"), true).toBool());
}

void SessionView::saveLayout(QSettings *settings) const
{
    settings->setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings->setValue(QStringLiteral("showFiles"), m_splitter->isPaneWanted(m_filesPane));
    settings->setValue(QStringLiteral("showChat"), m_splitter->isPaneWanted(m_chatPane));
}

} // namespace inkstream::ui
