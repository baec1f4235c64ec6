#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTextDocument;

namespace inkstream::ui {

class CodeEditor;
class ConflictBar;
class FindBar;
class WritingBadge;

// The centre of the window: a header with the file's name, language and the writing badge
// over the code editor, or a hint while there is no file to show.
class EditorPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EditorPane)

public:
    explicit EditorPane(QWidget *parent = nullptr);

    // Shows `document` (not owned) as `fileName`; nullptr shows the hint.
    void showDocument(QTextDocument *document, const QString &fileName, const QString &language);
    void setWriting(bool writing);
    void setHint(const QString &hint);
    QString hint() const; // what the empty editor says

    QString fileName() const { return m_fileName; }
    CodeEditor *editor() const { return m_editor; }
    WritingBadge *badge() const { return m_badge; }
    // Whether the user changed the shown file: the header says "(edited)".
    void setEdited(bool edited);
    bool isEdited() const { return m_edited; }
    // Why the shown file failed, as its source said (empty: it did not).
    void setFileError(const QString &error);
    QString fileError() const;
    ConflictBar *conflictBar() const { return m_conflictBar; }
    FindBar *findBar() const { return m_findBar; }
    // "Jump to live", shown while the AI writes this file and the reader scrolled away.
    QPushButton *jumpToLiveButton() const { return m_jumpToLive; }

private:
    void updateJumpToLive();
    void applyTheme();

    CodeEditor *m_editor = nullptr;
    WritingBadge *m_badge = nullptr;
    ConflictBar *m_conflictBar = nullptr;
    FindBar *m_findBar = nullptr;
    QPushButton *m_jumpToLive = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_language = nullptr;
    QLabel *m_hint = nullptr;
    QLabel *m_error = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTextDocument *m_emptyDocument = nullptr; // shown while no file is, so none is dangling
    QString m_fileName;
    bool m_edited = false;
};

} // namespace inkstream::ui
