#pragma once

#include <QFrame>

class QPlainTextEdit;
class QPushButton;
class QSyntaxHighlighter;

namespace inkstream::ui {

// A fenced code block inside a chat message: highlighted, read-only, with its language and a
// Copy button.
class CodeBlockView final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CodeBlockView)

public:
    CodeBlockView(const QString &code, const QString &language, QWidget *parent = nullptr);

    QString code() const;
    // The block's code as it streams: text that extends the shown code is appended (and only
    // that highlighted); any other text replaces it.
    void setCode(const QString &code);
    QPushButton *copyButton() const { return m_copy; }

private:
    void applyTheme();
    void fitHeight();

    QPlainTextEdit *m_view = nullptr;
    QPushButton *m_copy = nullptr;
    QSyntaxHighlighter *m_highlighter = nullptr;
};

} // namespace inkstream::ui
