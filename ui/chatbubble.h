#pragma once

#include "core/protocol/event.h"

#include <QFrame>

class QLabel;

namespace inkstream::ui {

// One chat message: who said it and the text so far, with a typing cursor while it streams.
// Event messages ("✓ Created store.py") are small, centred notes rather than bubbles.
class ChatBubble final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatBubble)

public:
    ChatBubble(core::ChatRole role, const QString &text, bool streaming, QWidget *parent = nullptr);

    void appendText(const QString &delta);
    void setStreaming(bool streaming);
    QString text() const { return m_text; }
    core::ChatRole role() const { return m_role; }
    bool isStreaming() const { return m_streaming; }

private:
    void refresh();

    core::ChatRole m_role;
    QString m_text;
    bool m_streaming = false;
    QLabel *m_body = nullptr;
};

} // namespace inkstream::ui
