#include "ui/chatbubble.h"

#include <QLabel>
#include <QVBoxLayout>

namespace inkstream::ui {

namespace {

QString roleTitle(core::ChatRole role)
{
    switch (role) {
    case core::ChatRole::Assistant:
        return ChatBubble::tr("AI");
    case core::ChatRole::User:
        return ChatBubble::tr("You");
    case core::ChatRole::System:
        return ChatBubble::tr("System");
    case core::ChatRole::Event:
        break;
    }
    return {};
}

QString bubbleStyle(core::ChatRole role)
{
    switch (role) {
    case core::ChatRole::User:
        return QStringLiteral("ChatBubble { background: #2b5278; border-radius: 10px; }"
                              "QLabel { color: #f0f4f8; }");
    case core::ChatRole::Assistant:
        return QStringLiteral("ChatBubble { background: #2d2d30; border-radius: 10px; }"
                              "QLabel { color: #e6e6e6; }");
    case core::ChatRole::System:
        return QStringLiteral("ChatBubble { background: #3a2f1c; border-radius: 10px; }"
                              "QLabel { color: #f3d9a4; }");
    case core::ChatRole::Event:
        break;
    }
    return QStringLiteral("ChatBubble { background: transparent; } QLabel { color: #9d9d9d; }");
}

} // namespace

ChatBubble::ChatBubble(core::ChatRole role, const QString &text, bool streaming, QWidget *parent)
    : QFrame(parent)
    , m_role(role)
    , m_text(text)
    , m_streaming(streaming)
    , m_body(new QLabel(this))
{
    setStyleSheet(bubbleStyle(role));
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(2);
    if (role == core::ChatRole::Event) {
        layout->setContentsMargins(8, 0, 8, 0);
        m_body->setAlignment(Qt::AlignHCenter);
        QFont small = m_body->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        m_body->setFont(small);
    } else {
        layout->setContentsMargins(10, 6, 10, 8);
        auto *title = new QLabel(roleTitle(role), this);
        QFont bold = title->font();
        bold.setBold(true);
        bold.setPointSizeF(bold.pointSizeF() * 0.85);
        title->setFont(bold);
        layout->addWidget(title);
    }
    m_body->setWordWrap(true);
    m_body->setTextFormat(Qt::PlainText);
    m_body->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_body);
    refresh();
}

void ChatBubble::appendText(const QString &delta)
{
    m_text += delta;
    refresh();
}

void ChatBubble::setStreaming(bool streaming)
{
    if (m_streaming == streaming)
        return;
    m_streaming = streaming;
    refresh();
}

void ChatBubble::refresh()
{
    m_body->setText(m_streaming ? m_text + QStringLiteral(" ▍") : m_text);
}

} // namespace inkstream::ui
