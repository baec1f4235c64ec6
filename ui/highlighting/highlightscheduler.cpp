#include "ui/highlighting/highlightscheduler.h"

#include "ui/highlighting/rulehighlighter.h"
#include "ui/threadclock.h"
#include "ui/turnbudget.h"

#include <QCoreApplication>
#include <QMetaMethod>
#include <QSyntaxHighlighter>
#include <QTextBlock>
#include <QTextDocument>
#include <algorithm>
#include <limits>

namespace inkstream::ui {

HighlightScheduler::HighlightScheduler(QSyntaxHighlighter *highlighter)
    : QObject(highlighter)
    , m_highlighter(highlighter)
    , m_document(highlighter->document())
{
    Q_ASSERT(m_document);
    const QMetaObject *meta = m_highlighter->metaObject();
    const int reformat = meta->indexOfMethod("_q_reformatBlocks(int,int,int)");
    if (reformat >= 0)
        m_reformatBlocks = meta->method(reformat);
    // QSyntaxHighlighter's own answer to a change is to highlight it at once, however big.
    disconnect(m_document, &QTextDocument::contentsChange, m_highlighter, nullptr);
    connect(m_document, &QTextDocument::contentsChange, this,
            &HighlightScheduler::onContentsChange);
    if (auto *rules = qobject_cast<RuleHighlighter *>(m_highlighter))
        rules->setScheduler(this);
    m_blockCount = m_document->blockCount();
    m_slice.setSingleShot(true);
    m_slice.setInterval(0);
    connect(&m_slice, &QTimer::timeout, this, &HighlightScheduler::runSlice);
    if (!m_document->isEmpty())
        schedule();
}

HighlightScheduler *HighlightScheduler::of(const QTextDocument *document)
{
    if (!document)
        return nullptr;
    const auto *highlighter
        = document->findChild<QSyntaxHighlighter *>(QString(), Qt::FindDirectChildrenOnly);
    return highlighter
        ? highlighter->findChild<HighlightScheduler *>(QString(), Qt::FindDirectChildrenOnly)
        : nullptr;
}

bool HighlightScheduler::isDone() const
{
    return m_highlighted >= m_blockCount;
}

void HighlightScheduler::setShown(bool shown)
{
    if (m_shown == shown)
        return;
    m_shown = shown;
    if (m_shown)
        schedule();
    else
        m_slice.stop();
}

void HighlightScheduler::setVisibleBlocks(int first, int count)
{
    if (first == m_firstVisible && count == m_visibleCount)
        return;
    m_firstVisible = first;
    m_visibleCount = count;
    if (first + count > m_highlighted) {
        m_visibleDone = false;
        schedule();
    }
}

void HighlightScheduler::rehighlightAll()
{
    m_highlighted = 0;
    m_visibleDone = false;
    // What the reader sees changes at once (a small file entirely), the rest of a big one in
    // slices; a document not shown when it is.
    if (m_shown)
        runSlice();
}

void HighlightScheduler::onContentsChange(int from, int removed, int added)
{
    if (m_requested.isValid())
        return; // the highlighting's own formats
    const int count = m_document->blockCount();
    const int addedBlocks = count - m_blockCount;
    m_blockCount = count;
    QTextBlock block = m_document->findBlock(from);
    if (!block.isValid())
        return;
    // (A block's number costs a walk up the document's tree: an append at the end, what
    // streaming does, knows it.)
    const bool reachesTheEnd = from + added >= m_document->characterCount() - 1;
    const int first = reachesTheEnd && removed == 0 ? count - 1 - addedBlocks : block.blockNumber();
    if (!m_shown) {
        // Highlighted once shown; the lines after the change keep their colours only if
        // nothing before them changed.
        m_highlighted = qMin(m_highlighted, first);
        return;
    }
    if (first > m_highlighted) {
        // Past what is highlighted in order: the slices get there (the visible part first).
        m_visibleDone = false;
        schedule();
        return;
    }
    const int last = reachesTheEnd ? count - 1 : m_document->findBlock(from + added).blockNumber();
    // The blocks after the change keep their colours (unless its end state changed: then
    // QSyntaxHighlighter carries on into them).
    int highlighted = qMax(m_highlighted + addedBlocks, last + 1);
    m_refusedAt = std::numeric_limits<int>::max();
    for (int number = first; number <= last && block.isValid(); ++number, block = block.next()) {
        if (!TurnBudget::hasLeft()) {
            highlighted = number; // the rest in slices
            break;
        }
        highlight(block);
    }
    m_highlighted = std::min({highlighted, count, m_refusedAt});
    if (!isDone() || !m_visibleDone)
        schedule();
}

void HighlightScheduler::highlight(const QTextBlock &block)
{
    m_requested = block;
    m_highlighting.start();
    // What QSyntaxHighlighter does on a change of the block's text. Its rehighlightBlock()
    // would first lay the block out (shape its text) to find the block's end: for a big file,
    // most of the time and the memory, for lines that may never be shown.
    if (m_reformatBlocks.isValid())
        m_reformatBlocks.invoke(m_highlighter, Qt::DirectConnection, Q_ARG(int, block.position()),
                                Q_ARG(int, 0), Q_ARG(int, block.length() - 1));
    else
        m_highlighter->rehighlightBlock(block);
    TurnBudget::spend(m_highlighting.nsecsElapsed());
    m_requested = QTextBlock();
}

bool HighlightScheduler::hasTimeLeft() const
{
    // A slice has at least the budget's floor, so that highlighting moves on while a stream
    // spends every turn's budget on its changes.
    if (m_sliceTimer.isValid() && m_sliceTimer.nsecsElapsed() < TurnBudget::kFloorNs)
        return true;
    return TurnBudget::leftNs() - (m_requested.isValid() ? m_highlighting.nsecsElapsed() : 0) > 0;
}

bool HighlightScheduler::admits(const QTextBlock &block)
{
    if (!m_requested.isValid())
        return true; // not ours (a direct rehighlight()): as QSyntaxHighlighter would
    if (block == m_requested || hasTimeLeft())
        return true;
    const int number = block.blockNumber();
    m_refusedAt = qMin(m_refusedAt, number);
    m_highlighted = qMin(m_highlighted, number); // from here on again, in slices
    schedule();
    return false;
}

int HighlightScheduler::highlightVisible()
{
    const int from = qMax(m_firstVisible, m_highlighted);
    const int to = qMin(m_firstVisible + m_visibleCount, m_blockCount);
    QTextBlock block = m_document->findBlockByNumber(from);
    for (int number = from; number < to && block.isValid(); ++number, block = block.next())
        highlight(block); // provisional: what came before may not be highlighted yet
    m_visibleDone = true;
    return qMax(0, to - from);
}

void HighlightScheduler::runSlice()
{
    m_sliceTimer.start();
    const qint64 runningBefore = ThreadClock::runningNs();
    int blocks = m_visibleDone ? 0 : highlightVisible();
    QTextBlock block = m_document->findBlockByNumber(m_highlighted);
    while (block.isValid() && hasTimeLeft()) {
        const int number = m_highlighted;
        highlight(block);
        // (A block the highlighter carried on into past the budget moved m_highlighted back.)
        m_highlighted = qMax(m_highlighted, number + 1);
        ++blocks;
        block = block.next();
    }
    const qint64 elapsedNs = m_sliceTimer.nsecsElapsed();
    const qint64 runningAfter = ThreadClock::runningNs();
    m_sliceTimer.invalidate();
    Q_EMIT sliceRan(blocks, elapsedNs,
                    runningBefore < 0 || runningAfter < 0 ? -1 : runningAfter - runningBefore);
    if (isDone() && m_visibleDone)
        Q_EMIT finished();
    else
        schedule();
}

void HighlightScheduler::schedule()
{
    if (m_shown && !(isDone() && m_visibleDone) && !m_slice.isActive())
        m_slice.start();
}

} // namespace inkstream::ui
