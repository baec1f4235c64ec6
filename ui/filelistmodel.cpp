#include "ui/filelistmodel.h"

#include "core/model/sessionmodel.h"

#include <QLocale>
#include <QPainter>
#include <QPixmap>

namespace inkstream::ui {

namespace {

QIcon dotIcon(const QColor &color, bool hollow)
{
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    if (hollow) {
        painter.setPen(QPen(color, 5));
        painter.setBrush(Qt::NoBrush);
    } else {
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
    }
    painter.drawEllipse(QRectF(6, 6, 20, 20));
    return QIcon(pixmap);
}

} // namespace

FileListModel::FileListModel(core::SessionModel *model, QObject *parent)
    : QAbstractListModel(parent)
    , m_model(model)
    , m_rows(int(model->files().size()))
    , m_writingIcon(dotIcon(QColor(0xf5, 0xa6, 0x23), true))
    , m_completeIcon(dotIcon(QColor(0x3f, 0xb9, 0x50), false))
    , m_errorIcon(dotIcon(QColor(0xe5, 0x48, 0x4d), false))
{
    connect(m_model, &core::SessionModel::fileAdded, this, &FileListModel::onFileAdded);
    connect(m_model, &core::SessionModel::fileStateChanged, this,
            &FileListModel::onFileStateChanged);
    connect(m_model, &core::SessionModel::fileTextReset, this, &FileListModel::onFileStateChanged);
    connect(m_model, &core::SessionModel::modelReset, this, &FileListModel::onModelReset);
}

int FileListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

QVariant FileListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows || index.row() >= m_model->files().size())
        return {};
    const core::SessionFile &file = m_model->files().at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return file.name;
    case Qt::DecorationRole:
        switch (file.state) {
        case core::FileState::Writing:
            return m_writingIcon;
        case core::FileState::Complete:
            return m_completeIcon;
        case core::FileState::Error:
            return m_errorIcon;
        }
        return {};
    case Qt::ToolTipRole: {
        QStringList parts;
        parts << (file.language.isEmpty() ? tr("Plain text") : file.language);
        parts << QLocale().formattedDataSize(file.content.toUtf8().size());
        parts << core::SessionModel::fileStateText(file.state);
        if (!file.error.isEmpty())
            parts << file.error;
        return parts.join(QStringLiteral(" · "));
    }
    case StateRole:
        return int(file.state);
    case LanguageRole:
        return file.language;
    default:
        return {};
    }
}

void FileListModel::onFileAdded(int fileIndex)
{
    if (fileIndex != m_rows)
        return onModelReset();
    beginInsertRows({}, fileIndex, fileIndex);
    ++m_rows;
    endInsertRows();
}

void FileListModel::onFileStateChanged(int fileIndex)
{
    if (fileIndex < 0 || fileIndex >= m_rows)
        return;
    const QModelIndex changed = index(fileIndex);
    Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole, Qt::ToolTipRole, StateRole});
}

void FileListModel::onModelReset()
{
    beginResetModel();
    m_rows = int(m_model->files().size());
    endResetModel();
}

} // namespace inkstream::ui
