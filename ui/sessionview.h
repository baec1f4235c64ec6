#pragma once

#include <QWidget>

class QAction;
class QKeySequence;
class QListView;
class QSettings;

namespace inkstream::core {
class ChatConversation;
class SessionModel;
} // namespace inkstream::core

namespace inkstream::ui {

class ChatComposer;
class ChatPanel;
class EditorPane;
class FileListModel;
class FoldingSplitter;
class ProgressTracker;

// How one session is laid out: the progress tracker on top; the file list, the code editor
// and the AI's narration (with the prompt box) side by side. On a narrow window the side panes
// fold away so the editor keeps room for code.
class SessionView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionView)

public:
    // Shows `model` (the paced display model); the prompt box talks through `conversation`.
    SessionView(core::SessionModel *model, core::ChatConversation *conversation,
                QWidget *parent = nullptr);

    ProgressTracker *progressTracker() const { return m_tracker; }
    QListView *fileList() const { return m_fileList; }
    FileListModel *fileListModel() const { return m_fileModel; }
    EditorPane *editorPane() const { return m_editorPane; }
    ChatPanel *chatPanel() const { return m_chatPanel; }
    ChatComposer *chatComposer() const { return m_composer; }
    QWidget *filesPane() const { return m_filesPane; }
    QWidget *chatPane() const { return m_chatPane; }

    // A checkable action that shows or hides `pane` (one of the two side panes), kept in step
    // with its folding.
    QAction *createPaneAction(QWidget *pane, const QString &title, const QKeySequence &shortcut);
    // Tab order inside the view: files → editor → narration → prompt and its buttons.
    QList<QWidget *> focusChain() const;

    // The splitter and which side panes the reader wants, in the settings' current group.
    void restoreLayout(const QSettings &settings);
    void saveLayout(QSettings *settings) const;

private:
    QWidget *createFilesPane();
    QWidget *createChatPane(core::ChatConversation *conversation);

    FileListModel *m_fileModel = nullptr;
    ProgressTracker *m_tracker = nullptr;
    QListView *m_fileList = nullptr;
    EditorPane *m_editorPane = nullptr;
    ChatPanel *m_chatPanel = nullptr;
    ChatComposer *m_composer = nullptr;
    QWidget *m_filesPane = nullptr;
    QWidget *m_chatPane = nullptr;
    FoldingSplitter *m_splitter = nullptr;
};

} // namespace inkstream::ui
