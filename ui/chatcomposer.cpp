#include "ui/chatcomposer.h"

#include "core/client/chatconversation.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace inkstream::ui {

ChatComposer::ChatComposer(core::ChatConversation *conversation, QWidget *parent)
    : QWidget(parent)
    , m_conversation(conversation)
    , m_editor(new QPlainTextEdit(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_stats(new QLabel(this))
{
    m_editor->setPlaceholderText(tr("Ask for code… (Enter sends, Shift+Enter: new line)"));
    m_editor->setAccessibleName(tr("Prompt"));
    m_editor->setTabChangesFocus(true);
    // About three lines: room to write, without taking the chat's space.
    m_editor->setFixedHeight(m_editor->fontMetrics().lineSpacing() * 3 + 14);
    m_editor->installEventFilter(this);
    m_send->setDefault(true);
    m_send->setToolTip(tr("Send the prompt (Enter)"));
    m_stop->setToolTip(tr("Stop the reply; what arrived stays (Esc)"));
    m_stats->setForegroundRole(QPalette::PlaceholderText);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_stats, 1);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_send);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 10);
    layout->setSpacing(6);
    layout->addWidget(m_editor);
    layout->addLayout(buttons);

    connect(m_send, &QPushButton::clicked, this, &ChatComposer::send);
    connect(m_stop, &QPushButton::clicked, m_conversation, &core::ChatConversation::stop);
    connect(m_conversation, &core::ChatConversation::replyStarted, this, &ChatComposer::refresh);
    connect(m_conversation, &core::ChatConversation::replyFinished, this, &ChatComposer::refresh);
    connect(m_conversation, &core::ChatConversation::statsChanged, this,
            &ChatComposer::updateStats);
    refresh();
}

bool ChatComposer::send()
{
    QString error;
    if (!m_conversation->send(m_editor->toPlainText(), &error)) {
        m_stats->setText(error);
        return false;
    }
    m_editor->clear();
    return true;
}

void ChatComposer::refresh()
{
    setVisible(m_conversation->isOpen());
    const bool replying = m_conversation->isReplying();
    m_send->setEnabled(!replying);
    m_stop->setEnabled(replying);
    if (replying && m_conversation->timeToFirstTokenMs() < 0)
        m_stats->setText(tr("Waiting for the first token…"));
    else
        updateStats();
}

void ChatComposer::updateStats()
{
    const qint64 firstToken = m_conversation->timeToFirstTokenMs();
    if (firstToken < 0) {
        if (!m_conversation->isReplying())
            m_stats->setText(
                m_conversation->turns() == 0
                    ? tr("Connected to %1").arg(m_conversation->endpoint().url.toDisplayString())
                    : tr("No reply text arrived."));
        return;
    }
    m_stats->setText(tr("First token %1 ms · %2 tok/s · %3 tokens")
                         .arg(firstToken)
                         .arg(m_conversation->tokensPerSecond(), 0, 'f', 1)
                         .arg(m_conversation->tokens()));
}

bool ChatComposer::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_editor && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
        if (enter && !(key->modifiers() & Qt::ShiftModifier)) {
            if (!m_conversation->isReplying())
                send();
            return true;
        }
        if (key->key() == Qt::Key_Escape && m_conversation->isReplying()) {
            m_conversation->stop();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace inkstream::ui
