#pragma once

#include <QStyledItemDelegate>

namespace inkstream::ui {

// Draws a file row as its name with the size and line count muted beneath it.
class FileListDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileListDelegate)

public:
    explicit FileListDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace inkstream::ui
