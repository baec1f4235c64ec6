#pragma once

#include <QList>
#include <QSplitter>

namespace inkstream::ui {

// A horizontal splitter that keeps its main pane usable on a narrow window: when the main pane
// would get less than its comfortable width beside the side panes, side panes fold away (hide),
// in the order they were added, and come back when the window is wide enough again. Which panes
// show is a function of the width alone, so resizing back and forth never flaps. The reader's
// own choice wins: a pane hidden by them stays hidden, one asked for folds only after the rest.
class FoldingSplitter final : public QSplitter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FoldingSplitter)

public:
    explicit FoldingSplitter(QWidget *parent = nullptr);

    // The pane that keeps priority (already added), and the width below which it is cramped.
    void setMainPane(QWidget *pane, int comfortableWidth);
    // A side pane (already added) that folds before the main pane is cramped; `usefulWidth` is
    // the least it is shown at (also its minimum width).
    void addSidePane(QWidget *pane, int usefulWidth);

    // Whether a side pane is shown when there is room (a remembered setting).
    void setPaneWanted(QWidget *pane, bool wanted);
    // The reader shows or hides a side pane (View menu). A pane shown while folded comes back:
    // the other side panes fold first, and the main pane gives the rest.
    void setPaneShownByReader(QWidget *pane, bool shown);
    bool isPaneWanted(QWidget *pane) const;
    // Wanted, but folded for want of room.
    bool isPaneFolded(QWidget *pane) const;

Q_SIGNALS:
    void paneVisibilityChanged(QWidget *pane, bool visible);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    struct SidePane
    {
        QWidget *pane = nullptr;
        int usefulWidth = 0;
        bool wanted = true;
        bool insisted = false; // asked for by the reader while folded: folds last, if ever
    };

    SidePane *sideOf(QWidget *pane);
    const SidePane *sideOf(QWidget *pane) const;
    // Shows and hides the side panes for `width`.
    void refold(int width);
    bool shouldShow(const SidePane &side, int width) const;
    // Whether `side` (wanted) has room at `width`, the panes before it in folding order folded
    // first, as if the reader had not insisted on it.
    bool fits(const SidePane &side, int width) const;
    void giveMainPaneRoom();

    QWidget *m_main = nullptr;
    int m_comfortableWidth = 0;
    QList<SidePane> m_sides;
};

} // namespace inkstream::ui
