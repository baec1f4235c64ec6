#pragma once

#include "core/protocol/event.h"
#include "ui/chatmarkdown.h"

#include <QDateTime>
#include <QFrame>
#include <QTimer>

class QLabel;
class QVBoxLayout;

namespace inkstream::ui {

// One chat message: who said it and when, and the text so far with a typing cursor while it
// streams. The AI's Markdown is rendered as it streams (fenced code blocks get a highlighted
// view with a Copy button), so nothing jumps when the message ends. Event messages ("Generating
// store.py...") are small centred lines with a spinner while under way and a check once done.
class ChatBubble final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatBubble)

public:
    ChatBubble(core::ChatRole role, const QString &text, bool streaming, const QDateTime &timestamp,
               QWidget *parent = nullptr);

    void appendText(const QString &delta);
    void setStreaming(bool streaming);
    // Event lines only: under way (spinner) or done (check).
    void setUnderWay(bool underWay);
    bool isUnderWay() const { return m_underWay; }
    QString text() const { return m_text; }
    // What the plain-text body shows (an event line without the mark its glyph stands for).
    QString shownText() const;
    core::ChatRole role() const { return m_role; }
    bool isStreaming() const { return m_streaming; }
    bool isRendered() const { return m_rendered; } // Markdown rendered (the AI's messages)
    int codeBlockCount() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();
    // Brings the rendered segments up to the text: only those that changed are redone.
    void render();

    core::ChatRole m_role;
    QString m_text;
    bool m_streaming = false;
    bool m_underWay = false;
    bool m_rendered = false;
    QLabel *m_body = nullptr; // plain text: the reader's messages and event lines
    QWidget *m_rich = nullptr; // rendered segments, one widget each
    QList<ChatMarkdown::Segment> m_segments; // what m_rich shows
    QTimer m_renderTimer; // coalesces renders while a message streams
    QVBoxLayout *m_layout = nullptr;
    QWidget *m_glyph = nullptr; // event lines
    QTimer m_spin;
    qreal m_phase = 0;
};

} // namespace inkstream::ui
