#pragma once

#include <QPlainTextEdit>
#include <QPointer>
#include <QTimer>

namespace inkstream::ui {

class FrameThrottle;
class HighlightScheduler;
class LineNumberArea;

// The code view for streamed files: a line-number gutter, the current line highlighted, a
// blinking caret at the insertion point while the AI writes (read-only then; editable once the
// file is complete), and a view that follows the insertion point unless the reader has scrolled
// away to look at something else (scrolling back to the end, or jumpToLive(), resumes it).
class CodeEditor final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CodeEditor)

public:
    explicit CodeEditor(QWidget *parent = nullptr);

    int lineNumberAreaWidth() const;
    // Shows the blinking insertion caret at the end of the document.
    void setWriting(bool writing);
    bool isWriting() const { return m_writing; }
    // The document is still getting its text in slices (FileDocuments): read-only until it is
    // whole, so the reader's typing never lands between two slices.
    void setFilling(bool filling);
    // Whether appends scroll the view; off while the reader looks elsewhere.
    bool followsInsertion() const { return !m_readerScrolledAway; }
    // Call after text was appended to the shown document.
    void revealInsertionPoint();
    // The same, once per event-loop turn however many deltas arrive in it — or, once
    // revealOnRepaintsOf() named the window's throttle, once per repaint of the window:
    // scrolling and moving the cursor per delta would cost far more than the one paint they
    // lead to.
    void revealInsertionPointSoon();
    // Pending reveals happen just before the window repaints, so the view scrolls at most once
    // per frame.
    void revealOnRepaintsOf(FrameThrottle *frames);
    // Ctrl+wheel and the View menu.
    void zoomBy(int steps);
    // Follows the insertion point again after the reader scrolled away.
    void jumpToLive();
    // 1-based; clamped to the document.
    void goToLine(int line);
    // Call after setDocument(): the shown document is highlighted (HighlightScheduler), the one
    // shown before no longer. Painting does it too.
    void noteShownDocument();

Q_SIGNALS:
    void followingChanged(bool following);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    // Tab is for code; Ctrl+Tab and Ctrl+Shift+Tab move the keyboard focus on, as Tab does in
    // a read-only view (while the AI writes the file).
    bool event(QEvent *event) override;

private:
    friend class LineNumberArea;
    void paintLineNumbers(QPaintEvent *event);
    void updateLineNumberAreaWidth();
    void updateLineNumberArea(const QRect &rect, int dy);
    void noteReaderScroll();
    void highlightCurrentLine();
    void applyTheme(); // the theme's colours: now, and after every switch
    void revealIfPending();
    QRect insertionCaretRect() const; // in viewport coordinates

    LineNumberArea *m_lineNumberArea = nullptr;
    QTimer m_caretBlink;
    bool m_writing = false;
    bool m_filling = false;
    bool m_caretOn = true;
    bool m_readerScrolledAway = false;
    bool m_revealPending = false;
    QPointer<FrameThrottle> m_frames;
    QPointer<HighlightScheduler> m_shownHighlighting; // the shown document's, as last painted
    int m_gutterWidth = -1;
    // The reader moved the horizontal scroll bar (dragged, clicked, wheeled): reveals leave the
    // view there while the caret is in it.
    bool m_readerScrolledSideways = false;
};

} // namespace inkstream::ui
