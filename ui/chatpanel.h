#pragma once

#include <QList>
#include <QStringList>
#include <QWidget>

class QPushButton;
class QScrollArea;
class QVBoxLayout;

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

class ChatBubble;

// The AI's narration, token by token: one ChatBubble per message of the SessionModel. The view
// sticks to the newest text unless the reader scrolled up. After the model is replaced as a
// whole (a snapshot, a replay's seek) only the latest kShownAfterReset messages get bubbles at
// once; a button above them shows the earlier ones when asked, so a seek in a session of a
// thousand messages does not lay out a thousand bubbles.
class ChatPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatPanel)

public:
    static constexpr int kShownAfterReset = 12; // about what the panel shows at once

    explicit ChatPanel(core::SessionModel *model, QWidget *parent = nullptr);

    // Messages with a bubble (all of them but those behind the "earlier messages" button).
    int messageCount() const { return int(m_bubbles.size()); }
    // Messages before the first bubble, behind the button.
    int earlierMessageCount() const { return m_first; }
    QPushButton *earlierMessagesButton() const { return m_earlier; }
    // The scrolling list of messages: what keyboard focus and screen readers land on.
    QScrollArea *scrollArea() const { return m_scrollArea; }
    // The bubble of the model's message `index`; null when it has none (yet).
    ChatBubble *bubble(int index) const { return m_bubbles.value(index - m_first, nullptr); }
    // All messages as plain text, "Role: text" per line (copy, tests).
    QString transcript() const;

private:
    void addMessage(int index);
    void appendToMessage(int index, const QString &delta);
    void updateMessageState(int index);
    void rebuild();
    // Whether the bubble at `index` (of m_bubbles) can go on showing the model's message there.
    bool canKeep(int index) const;
    ChatBubble *makeBubble(int index);
    void showEarlierMessages();
    void updateEarlierButton();

    core::SessionModel *m_model = nullptr;
    QScrollArea *m_scrollArea = nullptr;
    QVBoxLayout *m_messages = nullptr;
    QList<ChatBubble *> m_bubbles;
    QStringList m_bubbleIds; // the message each bubble shows
    int m_first = 0; // the model index of m_bubbles' first
    QPushButton *m_earlier = nullptr;
    bool m_stickToBottom = true;
};

} // namespace inkstream::ui
