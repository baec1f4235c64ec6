#pragma once

#include <QWidget>

class QLabel;
class QStackedWidget;
class QTextDocument;

namespace inkstream::ui {

class CodeEditor;
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

    QString fileName() const { return m_fileName; }
    CodeEditor *editor() const { return m_editor; }
    WritingBadge *badge() const { return m_badge; }

private:
    CodeEditor *m_editor = nullptr;
    WritingBadge *m_badge = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_language = nullptr;
    QLabel *m_hint = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTextDocument *m_emptyDocument = nullptr; // shown while no file is, so none is dangling
    QString m_fileName;
};

} // namespace inkstream::ui
