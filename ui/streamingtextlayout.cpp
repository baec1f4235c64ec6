#include "ui/streamingtextlayout.h"

#include <QTextBlock>
#include <QTextDocument>

namespace inkstream::ui {

StreamingTextLayout::StreamingTextLayout(QTextDocument *document)
    : QPlainTextDocumentLayout(document)
{ }

void StreamingTextLayout::documentChanged(int from, int charsRemoved, int charsAdded)
{
    // A pure removal keeps Qt's range: with nothing added there is no new range to name.
    if (charsAdded <= 0) {
        QPlainTextDocumentLayout::documentChanged(from, charsRemoved, charsAdded);
        return;
    }
    int last = from + charsAdded - 1; // the last changed position in the new document
    const QTextBlock block = document()->findBlock(last);
    if (block.isValid() && last == block.position() + block.length() - 1 && block.next().isValid())
        ++last; // the change ended a line: the block after it holds the rest of that line
    QPlainTextDocumentLayout::documentChanged(from, 0, last - from + 1);
}

} // namespace inkstream::ui
