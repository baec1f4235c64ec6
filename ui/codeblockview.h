#pragma once

#include <QFrame>

class QPlainTextEdit;
class QPushButton;

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
    QPushButton *copyButton() const { return m_copy; }

private:
    QPlainTextEdit *m_view = nullptr;
    QPushButton *m_copy = nullptr;
};

} // namespace inkstream::ui
