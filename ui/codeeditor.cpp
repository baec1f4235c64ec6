#include "ui/codeeditor.h"

#include "ui/framethrottle.h"
#include "ui/highlighting/codetheme.h"
#include "ui/highlighting/highlightscheduler.h"
#include "ui/linenumberarea.h"
#include "ui/themenotifier.h"

#include <QFontDatabase>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>
#include <QTextBlock>
#include <QWheelEvent>

namespace inkstream::ui {

namespace {
constexpr int kGutterPadding = 12;
constexpr int kCaretBlinkMs = 530;

QColor mixed(const QColor &from, const QColor &to, double amount)
{
    return QColor::fromRgbF(float(from.redF() + (to.redF() - from.redF()) * amount),
                            float(from.greenF() + (to.greenF() - from.greenF()) * amount),
                            float(from.blueF() + (to.blueF() - from.blueF()) * amount));
}

// Flat, opaque scroll bars in the editor's colours. Besides the look, this keeps the per-frame
// paint cheap while a file streams: the bar repaints on every new line, and Fusion's gradient
// groove makes Qt's raster engine split such a tall fill across its thread pool and wait for
// it, which on a busy machine stalled the event loop for up to 20 ms.
QString scrollBarStyle(const CodeTheme &theme)
{
    return QStringLiteral(
               "QScrollBar { background: %1; border: none; margin: 0; }"
               "QScrollBar:vertical { width: 12px; }"
               "QScrollBar:horizontal { height: 12px; }"
               "QScrollBar::handle { background: %2; border: none; }"
               "QScrollBar::handle:hover, QScrollBar::handle:pressed { background: %3; }"
               "QScrollBar::handle:vertical { min-height: 32px; margin: 0 3px; }"
               "QScrollBar::handle:horizontal { min-width: 32px; margin: 3px 0; }"
               "QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; border: none; }"
               "QScrollBar::add-page, QScrollBar::sub-page { background: none; }"
               // The vertical bar is always shown; with nothing to scroll it shows no handle.
               "QScrollBar[scrollable=\"false\"]::handle { background: %1; }")
        .arg(theme.background.name(), mixed(theme.background, theme.lineNumber, 0.45).name(),
             mixed(theme.background, theme.lineNumber, 0.75).name());
}
} // namespace

CodeEditor::CodeEditor(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_lineNumberArea(new LineNumberArea(this))
{
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setLayoutDirection(Qt::LeftToRight); // code reads left to right in any interface language
    setFrameShape(QFrame::NoFrame);
    // Shown from the start: a scroll bar that appears once a streamed file outgrows the view
    // narrows the viewport mid-stream, which re-lays out and repaints the whole view (the
    // longest frames of a stream were those).
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    verticalScrollBar()->setProperty("scrollable", false);
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int maximum) {
        QScrollBar *bar = verticalScrollBar();
        if (bar->property("scrollable").toBool() == (maximum > 0))
            return;
        bar->setProperty("scrollable", maximum > 0);
        bar->style()->unpolish(bar); // re-read the style sheet's property selector
        bar->style()->polish(bar);
        bar->update();
    });
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSize(qMax(font.pointSize(), 10));
    setFont(font);

    applyTheme();
    connect(ThemeNotifier::instance(), &ThemeNotifier::themeChanged, this, &CodeEditor::applyTheme);

    connect(this, &QPlainTextEdit::blockCountChanged, this, &CodeEditor::updateLineNumberAreaWidth);
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeEditor::updateLineNumberArea);
    connect(verticalScrollBar(), &QScrollBar::actionTriggered, this, [this] {
        QMetaObject::invokeMethod(this, &CodeEditor::noteReaderScroll, Qt::QueuedConnection);
    });
    // Only the reader triggers the bar's actions; the reveals set its value.
    connect(horizontalScrollBar(), &QScrollBar::actionTriggered, this,
            [this] { m_readerScrolledSideways = true; });
    m_caretBlink.setInterval(kCaretBlinkMs);
    connect(&m_caretBlink, &QTimer::timeout, this, [this] {
        m_caretOn = !m_caretOn;
        viewport()->update(insertionCaretRect()); // not the whole view, twice a second
    });
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, &CodeEditor::highlightCurrentLine);
    updateLineNumberAreaWidth();
}

void CodeEditor::applyTheme()
{
    const CodeTheme &theme = CodeTheme::current();
    QPalette palette = this->palette();
    palette.setColor(QPalette::Base, theme.background);
    palette.setColor(QPalette::Text, theme.text);
    palette.setColor(QPalette::Highlight, theme.selection);
    palette.setColor(QPalette::HighlightedText, theme.text);
    setPalette(palette);
    const QString barStyle = scrollBarStyle(theme);
    verticalScrollBar()->setStyleSheet(barStyle);
    horizontalScrollBar()->setStyleSheet(barStyle);
    highlightCurrentLine(); // its colour is the theme's
    m_lineNumberArea->update();
}

int CodeEditor::lineNumberAreaWidth() const
{
    int digits = 1;
    for (int max = qMax(1, blockCount()); max >= 10; max /= 10)
        ++digits;
    digits = qMax(digits, 3); // no jump in width while the first 999 lines stream in
    return kGutterPadding * 2 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits;
}

void CodeEditor::setFilling(bool filling)
{
    m_filling = filling;
    setReadOnly(m_writing || m_filling);
}

void CodeEditor::setWriting(bool writing)
{
    if (m_writing == writing)
        return;
    m_writing = writing;
    m_caretOn = true;
    // The AI's file is read-only while it writes; afterwards the user may edit it.
    setReadOnly(writing || m_filling);
    setTabChangesFocus(writing); // nothing to indent while the AI writes
    if (writing)
        m_caretBlink.start();
    else
        m_caretBlink.stop();
    highlightCurrentLine();
    viewport()->update();
}

void CodeEditor::revealInsertionPoint()
{
    if (m_readerScrolledAway)
        return;
    QTextCursor end(document());
    end.movePosition(QTextCursor::End);
    setTextCursor(end);
    // Sideways: a line that fits the view is shown from its start (Qt's ensureCursorVisible
    // leaves the view where it was while the caret is in it, a few pixels off after a line that
    // just passed the edge); a longer one follows its insertion point. Where the reader scrolled
    // sideways themselves, the view stays while the caret is in it.
    QScrollBar *sideways = horizontalScrollBar();
    if (!m_readerScrolledSideways
        && cursorRect().right() + sideways->value() < viewport()->width()) {
        sideways->setValue(0);
    } else {
        const int before = sideways->value();
        ensureCursorVisible();
        if (sideways->value() != before)
            m_readerScrolledSideways = false; // the caret left the reader's view: followed
    }
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void CodeEditor::revealInsertionPointSoon()
{
    if (m_revealPending || m_readerScrolledAway)
        return;
    m_revealPending = true;
    if (m_frames) {
        m_frames->requestRepaint(); // the new text may be below the view: nothing dirty yet
        return;
    }
    // Queued at normal priority, so it runs before the low-priority update request: the
    // window paints once, already scrolled.
    QMetaObject::invokeMethod(this, &CodeEditor::revealIfPending, Qt::QueuedConnection);
}

void CodeEditor::revealOnRepaintsOf(FrameThrottle *frames)
{
    if (m_frames)
        disconnect(m_frames, nullptr, this, nullptr);
    m_frames = frames;
    if (frames)
        connect(frames, &FrameThrottle::aboutToRepaint, this, &CodeEditor::revealIfPending);
}

void CodeEditor::revealIfPending()
{
    if (!m_revealPending)
        return;
    m_revealPending = false;
    revealInsertionPoint();
}

void CodeEditor::zoomBy(int steps)
{
    if (steps > 0)
        zoomIn(steps);
    else
        zoomOut(-steps);
    updateLineNumberAreaWidth();
}

void CodeEditor::noteReaderScroll()
{
    const QScrollBar *bar = verticalScrollBar();
    const bool away = bar->value() < bar->maximum();
    if (away == m_readerScrolledAway)
        return;
    m_readerScrolledAway = away;
    Q_EMIT followingChanged(!away);
}

void CodeEditor::jumpToLive()
{
    m_readerScrolledSideways = false;
    if (m_readerScrolledAway) {
        m_readerScrolledAway = false;
        Q_EMIT followingChanged(true);
    }
    revealInsertionPoint();
}

void CodeEditor::goToLine(int line)
{
    const QTextBlock block
        = document()->findBlockByNumber(qBound(0, line - 1, document()->blockCount() - 1));
    QTextCursor cursor(block);
    setTextCursor(cursor);
    centerCursor();
    noteReaderScroll();
}

void CodeEditor::highlightCurrentLine()
{
    QList<QTextEdit::ExtraSelection> selections;
    if (!m_writing) {
        QTextEdit::ExtraSelection line;
        line.format.setBackground(CodeTheme::current().currentLine);
        line.format.setProperty(QTextFormat::FullWidthSelection, true);
        line.cursor = textCursor();
        line.cursor.clearSelection();
        selections.append(line);
    }
    setExtraSelections(selections);
}

void CodeEditor::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        zoomBy(event->angleDelta().y() > 0 ? 1 : -1);
        event->accept();
        return;
    }
    QPlainTextEdit::wheelEvent(event);
    noteReaderScroll();
}

void CodeEditor::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect contents = contentsRect();
    m_lineNumberArea->setGeometry(
        QRect(contents.left(), contents.top(), lineNumberAreaWidth(), contents.height()));
}

void CodeEditor::noteShownDocument()
{
    // A document no longer shown is no longer highlighted; the one shown now is.
    HighlightScheduler *scheduler = HighlightScheduler::of(document());
    if (m_shownHighlighting && m_shownHighlighting != scheduler)
        m_shownHighlighting->setShown(false);
    m_shownHighlighting = scheduler;
    if (scheduler)
        scheduler->setShown(true);
    // Another document's sideways scroll is not the reader's choice for this one.
    m_readerScrolledSideways = false;
}

void CodeEditor::paintEvent(QPaintEvent *event)
{
    // What is on screen is highlighted before the rest of a big file (in the next slice).
    noteShownDocument();
    if (m_shownHighlighting)
        m_shownHighlighting->setVisibleBlocks(firstVisibleBlock().blockNumber(),
                                              viewport()->height() / qMax(1, fontMetrics().height())
                                                  + 2);
    QPlainTextEdit::paintEvent(event);
    if (!m_writing || !m_caretOn)
        return;
    QPainter painter(viewport());
    painter.fillRect(insertionCaretRect(), CodeTheme::current().insertionCaret);
}

QRect CodeEditor::insertionCaretRect() const
{
    QTextCursor end(document());
    end.movePosition(QTextCursor::End);
    const QRect caret = cursorRect(end);
    return {caret.left(), caret.top(), 2, caret.height()};
}

void CodeEditor::updateLineNumberAreaWidth()
{
    // Called for every new line: setting even unchanged margins lays the scroll area out
    // again, which makes the next scroll repaint the whole view instead of moving its pixels.
    const int width = lineNumberAreaWidth();
    if (width == m_gutterWidth)
        return;
    m_gutterWidth = width;
    setViewportMargins(width, 0, 0, 0);
    const QRect contents = contentsRect();
    m_lineNumberArea->setGeometry(
        QRect(contents.left(), contents.top(), lineNumberAreaWidth(), contents.height()));
}

void CodeEditor::updateLineNumberArea(const QRect &rect, int dy)
{
    if (dy != 0)
        m_lineNumberArea->scroll(0, dy);
    else
        m_lineNumberArea->update(0, rect.y(), m_lineNumberArea->width(), rect.height());
}

void CodeEditor::paintLineNumbers(QPaintEvent *event)
{
    const CodeTheme &theme = CodeTheme::current();
    QPainter painter(m_lineNumberArea);
    painter.fillRect(event->rect(), theme.gutter);
    painter.setFont(font());

    const int lastBlock = document()->blockCount() - 1;
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    const int width = m_lineNumberArea->width() - kGutterPadding;
    const int lineHeight = fontMetrics().height();
    while (block.isValid() && top <= event->rect().bottom()) {
        const int bottom = top + qRound(blockBoundingRect(block).height());
        if (block.isVisible() && bottom >= event->rect().top()) {
            // The line being written is the last one while streaming.
            const bool current = m_writing && block.blockNumber() == lastBlock;
            painter.setPen(current ? theme.currentLineNumber : theme.lineNumber);
            painter.drawText(0, top, width, lineHeight, Qt::AlignRight,
                             QString::number(block.blockNumber() + 1));
        }
        block = block.next();
        top = bottom;
    }
}

bool CodeEditor::event(QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const bool control = key->modifiers().testFlag(Qt::ControlModifier);
        if (control && (key->key() == Qt::Key_Tab || key->key() == Qt::Key_Backtab)) {
            // QWidget's: QPlainTextEdit's own keeps the focus in an editable view.
            // NOLINTNEXTLINE(bugprone-parent-virtual-call)
            QWidget::focusNextPrevChild(key->key() == Qt::Key_Tab
                                        && !key->modifiers().testFlag(Qt::ShiftModifier));
            return true;
        }
    }
    return QPlainTextEdit::event(event);
}

} // namespace inkstream::ui
