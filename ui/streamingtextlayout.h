#pragma once

#include <QPlainTextDocumentLayout>

namespace inkstream::ui {

// The plain-text layout of a streamed file: repaints only the lines a change touched.
//
// Qt 6.4's QPlainTextDocumentLayout repaints the whole view unless it can name the changed
// blocks, and it looks for the last one at from + removed + added - 1. A highlighter re-formats
// the line being written on every insertion, which the document reports as that line removed
// and added again, so the position lies past the line and every delta of a stream repainted
// the whole view (later Qt versions ignore the removed count there). And an insertion that ends
// a line leaves the rest of it in the block after, which Qt does not count as changed, so every
// line break repainted the whole view too. This layout names the changed range in the new
// document, [from, from + added), plus that following block.
//
// A change of many lines at once (a late join's catch-up: kilobytes per delta, file after file)
// tells the views once per event-loop turn instead of once per change: each time it is told,
// QPlainTextEdit adjusts its scroll bar by laying out (shaping) the last screenful of lines,
// which for a big session came to every line of every file shown while it was written.
class StreamingTextLayout final : public QPlainTextDocumentLayout
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StreamingTextLayout)

public:
    explicit StreamingTextLayout(QTextDocument *document);

protected:
    void documentChanged(int from, int charsRemoved, int charsAdded) override;

private:
    void notifyViews();

    int m_blockCount = 1;
    bool m_notifyPending = false;
};

} // namespace inkstream::ui
