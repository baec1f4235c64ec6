#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace inkstream::ui {

class SearchableText;

// Ctrl+F under the editor: find as you type, Enter / Shift+Enter for next / previous (wrapping
// around), Escape to close.
class FindBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindBar)

public:
    explicit FindBar(QPlainTextEdit *editor, QWidget *parent = nullptr);

    void activate(); // show and focus, with the editor's selection as the search text
    bool findNext(bool backwards = false);
    QLineEdit *field() const { return m_field; }
    QString status() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QPlainTextEdit *m_editor = nullptr;
    QLineEdit *m_field = nullptr;
    QLabel *m_status = nullptr;
    SearchableText *m_text = nullptr; // the shown document's text, while the bar is open
};

} // namespace inkstream::ui
