#include "ui/filelistdelegate.h"

#include "ui/filelistmodel.h"

#include <QApplication>
#include <QPainter>

namespace inkstream::ui {

namespace {
constexpr int kPadding = 6;
constexpr int kIcon = 14;
} // namespace

FileListDelegate::FileListDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{ }

void FileListDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    background.icon = QIcon();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    painter->save();
    const QRect rect = option.rect.adjusted(kPadding, kPadding / 2, -kPadding, -kPadding / 2);
    const QPixmap icon = index.data(Qt::DecorationRole).value<QPixmap>();
    const QFontMetrics metrics(option.font);
    const int nameHeight = metrics.height();
    if (!icon.isNull())
        painter->drawPixmap(QPoint(rect.left(), rect.top() + (nameHeight - kIcon) / 2), icon);
    const QRect textRect(rect.left() + kIcon + kPadding, rect.top(),
                         rect.width() - kIcon - kPadding, rect.height());
    painter->setPen(option.palette.color(
        option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(
        textRect.adjusted(0, 0, 0, -(rect.height() - nameHeight)), Qt::AlignLeft | Qt::AlignVCenter,
        metrics.elidedText(index.data().toString(), Qt::ElideMiddle, textRect.width()));
    QFont small = option.font;
    small.setPointSizeF(small.pointSizeF() * 0.85);
    painter->setFont(small);
    QColor muted = option.palette.color(QPalette::Text);
    muted.setAlphaF(0.6);
    painter->setPen(muted);
    painter->drawText(QRect(textRect.left(), rect.top() + nameHeight, textRect.width(),
                            rect.height() - nameHeight),
                      Qt::AlignLeft | Qt::AlignTop, index.data(FileListModel::SizeRole).toString());
    painter->restore();
}

QSize FileListDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    Q_UNUSED(index)
    const QFontMetrics metrics(option.font);
    return {200, metrics.height() * 2 + kPadding};
}

} // namespace inkstream::ui
