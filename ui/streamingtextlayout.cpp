#include "ui/streamingtextlayout.h"

#include <QSignalBlocker>
#include <QTextBlock>
#include <QTextDocument>
#include <QTimer>

namespace inkstream::ui {

StreamingTextLayout::StreamingTextLayout(QTextDocument *document)
    : QPlainTextDocumentLayout(document)
{ }

void StreamingTextLayout::documentChanged(int from, int charsRemoved, int charsAdded)
{
    // A highlighter's new formats for a line that is not laid out: nothing to lay out again,
    // and nothing on screen to repaint (a painted line is laid out). Qt would lay it out now.
    if (charsRemoved == charsAdded && document()->blockCount() == m_blockCount) {
        const QTextBlock block = document()->findBlock(from);
        if (block.isValid() && from + charsAdded <= block.position() + block.length()
            && block.layout()->lineCount() == 0)
            return;
    }
    // A pure removal keeps Qt's range: with nothing added there is no new range to name.
    if (charsAdded <= 0) {
        m_blockCount = document()->blockCount();
        QPlainTextDocumentLayout::documentChanged(from, charsRemoved, charsAdded);
        return;
    }
    int last = from + charsAdded - 1; // the last changed position in the new document
    const QTextBlock block = document()->findBlock(last);
    if (block.isValid() && last == block.position() + block.length() - 1 && block.next().isValid())
        ++last; // the change ended a line: the block after it holds the rest of that line
    const int blockCount = document()->blockCount();
    const bool manyLines = blockCount - m_blockCount > 2;
    m_blockCount = blockCount;
    if (!manyLines && !m_notifyPending) {
        QPlainTextDocumentLayout::documentChanged(from, 0, last - from + 1);
        return;
    }
    {
        const QSignalBlocker quiet(this);
        QPlainTextDocumentLayout::documentChanged(from, 0, last - from + 1);
    }
    if (!m_notifyPending) {
        m_notifyPending = true;
        QTimer::singleShot(0, this, &StreamingTextLayout::notifyViews);
    }
}

void StreamingTextLayout::notifyViews()
{
    m_notifyPending = false;
    Q_EMIT documentSizeChanged(documentSize());
    Q_EMIT update(QRectF(0., -document()->documentMargin(), 1000000000., 1000000000.));
}

} // namespace inkstream::ui
