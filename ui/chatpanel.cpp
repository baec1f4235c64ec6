#include "ui/chatpanel.h"

#include "core/model/sessionmodel.h"
#include "ui/chatbubble.h"

#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>
#include <algorithm>

namespace inkstream::ui {

ChatPanel::ChatPanel(core::SessionModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_scrollArea(new QScrollArea(this))
{
    auto *title = new QLabel(tr("AI narration"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    title->setContentsMargins(12, 8, 12, 8);

    auto *content = new QWidget(m_scrollArea);
    content->setObjectName(QStringLiteral("chatContent"));
    m_messages = new QVBoxLayout(content);
    m_messages->setContentsMargins(10, 6, 10, 10);
    m_messages->setSpacing(8);
    m_earlier = new QPushButton(content);
    m_earlier->setFlat(true);
    m_earlier->hide();
    connect(m_earlier, &QPushButton::clicked, this, &ChatPanel::showEarlierMessages);
    m_messages->addWidget(m_earlier);
    m_messages->addStretch(1); // keeps messages at the top while there are few
    m_scrollArea->setWidget(content);
    m_scrollArea->setWidgetResizable(true);
    m_scrollArea->setFrameShape(QFrame::NoFrame);
    m_scrollArea->setFocusPolicy(Qt::StrongFocus); // Tab reaches it; arrows and PgUp scroll
    m_scrollArea->setAccessibleName(tr("AI narration"));
    m_scrollArea->setAccessibleDescription(tr("What the AI says while it works"));
    m_scrollArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(title);
    layout->addWidget(m_scrollArea, 1);

    QScrollBar *bar = m_scrollArea->verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this,
            [this, bar](int value) { m_stickToBottom = value >= bar->maximum() - 4; });
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int maximum) {
        if (m_stickToBottom)
            bar->setValue(maximum);
    });

    connect(m_model, &core::SessionModel::chatMessageAdded, this, &ChatPanel::addMessage);
    connect(m_model, &core::SessionModel::chatTextAppended, this, &ChatPanel::appendToMessage);
    connect(m_model, &core::SessionModel::chatMessageStateChanged, this,
            &ChatPanel::updateMessageState);
    connect(m_model, &core::SessionModel::modelReset, this, &ChatPanel::rebuild);
    connect(m_model, &core::SessionModel::sessionStateChanged, this, [this] {
        if (m_model->state() == core::SessionState::Complete
            || m_model->state() == core::SessionState::Error) {
            for (ChatBubble *bubble : std::as_const(m_bubbles))
                bubble->setUnderWay(false);
        }
    });
    rebuild();
}

QString ChatPanel::transcript() const
{
    QStringList lines;
    for (const ChatBubble *bubble : m_bubbles)
        lines << core::chatRoleText(bubble->role()) + QStringLiteral(": ") + bubble->text();
    return lines.join(u'\n');
}

void ChatPanel::addMessage(int index)
{
    if (index != m_first + m_bubbles.size())
        return rebuild();
    // An event line that follows another means the earlier step is done.
    if (m_model->chat().at(index).role == core::ChatRole::Event) {
        for (ChatBubble *earlier : std::as_const(m_bubbles)) {
            if (earlier->role() == core::ChatRole::Event)
                earlier->setUnderWay(false);
        }
    }
    ChatBubble *bubble = makeBubble(index);
    m_messages->insertWidget(m_messages->count() - 1, bubble); // before the stretch
    m_bubbles.append(bubble);
    m_bubbleIds.append(m_model->chat().at(index).id);
}

ChatBubble *ChatPanel::makeBubble(int index)
{
    const core::ChatMessage &message = m_model->chat().at(index);
    return new ChatBubble(message.role, message.text, message.state == core::ChatState::Streaming,
                          message.timestamp, this);
}

void ChatPanel::showEarlierMessages()
{
    const QList<core::ChatMessage> &chat = m_model->chat();
    bool eventAfter = std::any_of(m_bubbles.cbegin(), m_bubbles.cend(), [](const ChatBubble *b) {
        return b->role() == core::ChatRole::Event;
    });
    for (int i = m_first - 1; i >= 0; --i) {
        ChatBubble *bubble = makeBubble(i);
        if (bubble->role() == core::ChatRole::Event) {
            if (eventAfter)
                bubble->setUnderWay(false); // a later event line says this step is done
            eventAfter = true;
        }
        m_messages->insertWidget(1, bubble); // after the button
        m_bubbles.prepend(bubble);
        m_bubbleIds.prepend(chat.at(i).id);
    }
    m_first = 0;
    updateEarlierButton();
}

void ChatPanel::updateEarlierButton()
{
    m_earlier->setVisible(m_first > 0);
    m_earlier->setText(m_first == 1 ? tr("Show 1 earlier message")
                                    : tr("Show %1 earlier messages").arg(m_first));
}

void ChatPanel::appendToMessage(int index, const QString &delta)
{
    if (ChatBubble *target = bubble(index))
        target->appendText(delta);
}

void ChatPanel::updateMessageState(int index)
{
    if (ChatBubble *target = bubble(index))
        target->setStreaming(m_model->chat().at(index).state == core::ChatState::Streaming);
}

bool ChatPanel::canKeep(int index) const
{
    const core::ChatMessage &message = m_model->chat().at(m_first + index);
    const ChatBubble *kept = m_bubbles.at(index);
    // Event lines are made anew: whether one is under way depends on the lines after it.
    return m_bubbleIds.at(index) == message.id && kept->role() == message.role
        && message.role != core::ChatRole::Event && message.text.startsWith(kept->text());
}

void ChatPanel::rebuild()
{
    // Only the latest messages get bubbles at once. Those that were shown already (a replay's
    // seek, a re-sync) keep theirs and catch up with the text; the rest are made anew.
    const QList<core::ChatMessage> &chat = m_model->chat();
    const int first = int(qMax<qsizetype>(0, chat.size() - kShownAfterReset));
    int kept = 0;
    if (first == m_first) {
        while (kept < m_bubbles.size() && first + kept < chat.size() && canKeep(kept))
            ++kept;
    }
    qDeleteAll(m_bubbles.cbegin() + kept, m_bubbles.cend());
    m_bubbles.resize(kept);
    m_bubbleIds.resize(kept);
    m_first = first;
    for (int i = 0; i < kept; ++i) {
        ChatBubble *bubble = m_bubbles.at(i);
        const core::ChatMessage &message = chat.at(first + i);
        if (message.text.size() > bubble->text().size())
            bubble->appendText(message.text.mid(bubble->text().size()));
        bubble->setStreaming(message.state == core::ChatState::Streaming);
    }
    for (int i = first + kept; i < chat.size(); ++i)
        addMessage(i);
    updateEarlierButton();
}

} // namespace inkstream::ui
