#include "ui/foldingsplitter.h"

#include <QResizeEvent>

namespace inkstream::ui {

FoldingSplitter::FoldingSplitter(QWidget *parent)
    : QSplitter(Qt::Horizontal, parent)
{
    setChildrenCollapsible(false);
}

void FoldingSplitter::setMainPane(QWidget *pane, int comfortableWidth)
{
    m_main = pane;
    m_comfortableWidth = comfortableWidth;
    refold(width());
}

void FoldingSplitter::addSidePane(QWidget *pane, int usefulWidth)
{
    pane->setMinimumWidth(usefulWidth);
    m_sides.append(SidePane {pane, usefulWidth});
    refold(width());
}

void FoldingSplitter::setPaneWanted(QWidget *pane, bool wanted)
{
    SidePane *side = sideOf(pane);
    if (!side)
        return;
    side->wanted = wanted;
    side->insisted = false;
    refold(width());
}

void FoldingSplitter::setPaneShownByReader(QWidget *pane, bool shown)
{
    SidePane *side = sideOf(pane);
    if (!side)
        return;
    side->wanted = shown;
    side->insisted = shown && !fits(*side, width());
    refold(width());
}

bool FoldingSplitter::isPaneWanted(QWidget *pane) const
{
    const SidePane *side = sideOf(pane);
    return side && side->wanted;
}

bool FoldingSplitter::isPaneFolded(QWidget *pane) const
{
    const SidePane *side = sideOf(pane);
    return side && side->wanted && !shouldShow(*side, width());
}

void FoldingSplitter::resizeEvent(QResizeEvent *event)
{
    // Before the splitter shares out the new width, so it shares it among the panes that stay.
    refold(event->size().width());
    QSplitter::resizeEvent(event);
    giveMainPaneRoom();
}

void FoldingSplitter::giveMainPaneRoom()
{
    // QSplitter takes a narrower window out of the stretching pane alone; the side panes that
    // stay give up their width down to their useful one first.
    QList<int> widths = sizes();
    const int main = indexOf(m_main);
    if (main < 0)
        return;
    int deficit = m_comfortableWidth - widths.at(main);
    for (const SidePane &side : std::as_const(m_sides)) {
        const int index = indexOf(side.pane);
        if (deficit <= 0 || index < 0 || side.pane->isHidden())
            continue;
        const int given = qBound(0, widths.at(index) - side.usefulWidth, deficit);
        widths[index] -= given;
        widths[main] += given;
        deficit -= given;
    }
    if (widths != sizes())
        setSizes(widths);
}

FoldingSplitter::SidePane *FoldingSplitter::sideOf(QWidget *pane)
{
    for (SidePane &side : m_sides) {
        if (side.pane == pane)
            return &side;
    }
    return nullptr;
}

const FoldingSplitter::SidePane *FoldingSplitter::sideOf(QWidget *pane) const
{
    return const_cast<FoldingSplitter *>(this)->sideOf(pane);
}

bool FoldingSplitter::shouldShow(const SidePane &side, int width) const
{
    return side.wanted && (side.insisted || fits(side, width));
}

bool FoldingSplitter::fits(const SidePane &side, int width) const
{
    // Fold the side panes in order until the main pane has its comfortable width; the others
    // the reader insisted on are never folded.
    int needed = m_comfortableWidth;
    for (const SidePane &other : m_sides) {
        if (other.wanted)
            needed += other.usefulWidth + handleWidth();
    }
    for (const SidePane &other : m_sides) {
        if (needed <= width)
            break;
        if (!other.wanted || (other.insisted && &other != &side))
            continue;
        if (&other == &side)
            return false;
        needed -= other.usefulWidth + handleWidth();
    }
    return true;
}

void FoldingSplitter::refold(int width)
{
    if (!m_main || width <= 0)
        return;
    // Once there is room for it anyway, an insisted pane is an ordinary one again.
    for (SidePane &side : m_sides)
        side.insisted = side.insisted && !fits(side, width);
    bool changed = false;
    for (const SidePane &side : m_sides) {
        const bool show = shouldShow(side, width);
        if (show == !side.pane->isHidden())
            continue;
        side.pane->setVisible(show);
        changed = true;
        Q_EMIT paneVisibilityChanged(side.pane, show);
    }
    // The window's minimum width follows the panes shown (QSplitter does not say so itself).
    if (changed)
        updateGeometry();
}

} // namespace inkstream::ui
