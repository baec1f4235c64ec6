#include "ui/linenumberarea.h"

#include "ui/codeeditor.h"

namespace inkstream::ui {

LineNumberArea::LineNumberArea(CodeEditor *editor)
    : QWidget(editor)
    , m_editor(editor)
{
    // It fills what it paints: scrolling it can move pixels instead of repainting it, and the
    // widgets under it need not paint their background first.
    setAttribute(Qt::WA_OpaquePaintEvent);
}

QSize LineNumberArea::sizeHint() const
{
    return {m_editor->lineNumberAreaWidth(), 0};
}

void LineNumberArea::paintEvent(QPaintEvent *event)
{
    m_editor->paintLineNumbers(event);
}

} // namespace inkstream::ui
