#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace inkstream::core {
class ChatConversation;
}

namespace inkstream::ui {

// The prompt box under the chat when the endpoint takes prompts: Enter (or Ctrl+Enter) sends,
// Shift+Enter starts a new line, Stop (Esc) aborts the reply and keeps what arrived. While a
// reply streams it shows time to first token and tokens per second.
class ChatComposer final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatComposer)

public:
    explicit ChatComposer(core::ChatConversation *conversation, QWidget *parent = nullptr);

    QPlainTextEdit *editor() const { return m_editor; }
    QPushButton *sendButton() const { return m_send; }
    QPushButton *stopButton() const { return m_stop; }
    QLabel *statsLabel() const { return m_stats; }
    // Sends the editor's text; false (and a message in the stats line) when it cannot.
    bool send();
    // Shows or hides itself to match the conversation (open or not) and refreshes its state.
    void refresh();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateStats();

    core::ChatConversation *m_conversation = nullptr;
    QPlainTextEdit *m_editor = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_stop = nullptr;
    QLabel *m_stats = nullptr;
};

} // namespace inkstream::ui
