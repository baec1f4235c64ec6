#pragma once

#include <QElapsedTimer>
#include <QMetaMethod>
#include <QObject>
#include <QTextBlock>
#include <QTimer>

class QSyntaxHighlighter;
class QTextDocument;

namespace inkstream::ui {

// Keeps a QSyntaxHighlighter from blocking the GUI thread on a big document. On its own,
// QSyntaxHighlighter highlights every changed block synchronously, and a whole document when
// it is attached or recoloured: seconds for a file of megabytes. The scheduler takes the
// document's changes from it and spends on them what is left of the event-loop turn's budget
// for background work (TurnBudget, shared with the other schedulers and the documents' filling);
// the rest is highlighted in slices from the event loop within the same budget, the blocks the
// editor shows first, then the others in order from the top (a block's highlighting depends on the
// one before it: open comments and strings). The result equals a synchronous highlight.
//
// What is highlighted in order is blocks [0, highlightedBlocks()); blocks past that may show
// provisional colours (highlighted as they came into view) or none yet.
class HighlightScheduler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HighlightScheduler)

public:
    // Takes over the changes of `highlighter`'s document (set before, and not replaced
    // after); a child of the highlighter, so attach it right after the highlighter.
    explicit HighlightScheduler(QSyntaxHighlighter *highlighter);

    // The scheduler of `document`'s highlighter, or nullptr.
    static HighlightScheduler *of(const QTextDocument *document);

    // Whether an editor shows the document (by default it is). A document nobody looks at is
    // not highlighted at all until it is shown: in a big session that is most of them, and
    // every highlighted line costs memory (its formats).
    void setShown(bool shown);
    bool isShown() const { return m_shown; }
    // Blocks [first, first + count) are on screen: highlighted before any others.
    void setVisibleBlocks(int first, int count);
    // Every block again (after a theme switch): one slice's worth at once, visible blocks
    // first, the rest in slices.
    void rehighlightAll();

    // Whether the highlighter may highlight `block` now. Asked by RuleHighlighter for every
    // block: QSyntaxHighlighter carries on into the next block whenever a block's end state
    // changed (a string or comment opened), which near the top of a big file would be the
    // whole file at once; past the budget the scheduler stops it there and goes on in slices.
    bool admits(const QTextBlock &block);

    int highlightedBlocks() const { return m_highlighted; }
    bool isDone() const;

Q_SIGNALS:
    // A slice from the event loop highlighted `blocks` blocks in `elapsedNs`, of which the GUI
    // thread ran `runningNs` (-1 where the system has no thread clock); the rest it waited for
    // a CPU.
    void sliceRan(int blocks, qint64 elapsedNs, qint64 runningNs);
    // Every block is highlighted in order.
    void finished();

private:
    void onContentsChange(int from, int removed, int added);
    void runSlice();
    int highlightVisible(); // the blocks it highlighted
    void highlight(const QTextBlock &block);
    bool hasTimeLeft() const; // for the block after the one under way
    void schedule();

    QSyntaxHighlighter *m_highlighter = nullptr;
    QTextDocument *m_document = nullptr;
    QMetaMethod m_reformatBlocks; // QSyntaxHighlighter's private slot for a changed range
    QTimer m_slice;
    QElapsedTimer m_sliceTimer; // valid while a slice runs
    QElapsedTimer m_highlighting; // the highlight() under way
    QTextBlock m_requested; // the block highlight() asked for, while it runs
    int m_refusedAt = 0; // the first block admits() turned down in a change
    int m_highlighted = 0;
    int m_blockCount = 0;
    int m_firstVisible = 0;
    int m_visibleCount = 0;
    bool m_visibleDone = true; // the visible blocks past m_highlighted have provisional colours
    bool m_shown = true;
};

} // namespace inkstream::ui
