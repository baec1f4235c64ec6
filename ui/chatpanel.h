#pragma once

#include <QList>
#include <QStringList>
#include <QWidget>

class QScrollArea;
class QVBoxLayout;

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

class ChatBubble;

// The AI's narration, token by token: one ChatBubble per message of the SessionModel. The view
// sticks to the newest text unless the reader scrolled up.
class ChatPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatPanel)

public:
    explicit ChatPanel(core::SessionModel *model, QWidget *parent = nullptr);

    int messageCount() const { return int(m_bubbles.size()); }
    // The scrolling list of messages: what keyboard focus and screen readers land on.
    QScrollArea *scrollArea() const { return m_scrollArea; }
    ChatBubble *bubble(int index) const { return m_bubbles.value(index, nullptr); }
    // All messages as plain text, "Role: text" per line (copy, tests).
    QString transcript() const;

private:
    void addMessage(int index);
    void appendToMessage(int index, const QString &delta);
    void updateMessageState(int index);
    void rebuild();
    // Whether the bubble at `index` can go on showing the model's message there.
    bool canKeep(int index) const;

    core::SessionModel *m_model = nullptr;
    QScrollArea *m_scrollArea = nullptr;
    QVBoxLayout *m_messages = nullptr;
    QList<ChatBubble *> m_bubbles;
    QStringList m_bubbleIds; // the message each bubble shows
    bool m_stickToBottom = true;
};

} // namespace inkstream::ui
