#include "ui/filelistmodel.h"

#include "core/model/sessionmodel.h"
#include "ui/counttext.h"
#include "ui/statusglyph.h"

#include <QGuiApplication>
#include <QLocale>
#include <cmath>

namespace inkstream::ui {

namespace {
constexpr int kIconSize = 14;
constexpr int kFrameMs = 80;

// What toUtf8().size() says, without building the bytes.
qsizetype utf8Length(QStringView text)
{
    qsizetype bytes = 0;
    for (const QChar c : text) {
        const char16_t unit = c.unicode();
        bytes += unit < 0x80      ? 1
            : unit < 0x800        ? 2
            : c.isHighSurrogate() ? 4
            : c.isLowSurrogate()  ? 0
                                  : 3;
    }
    return bytes;
}

int lineCount(const core::SessionFile &file)
{
    if (file.content.isEmpty())
        return 0;
    // `end` is zero-based; a trailing newline does not start another line.
    return file.end.line + (file.content.endsWith(u'\n') ? 0 : 1);
}
} // namespace

FileListModel::FileListModel(core::SessionModel *model, QObject *parent)
    : QAbstractListModel(parent)
    , m_model(model)
    , m_rows(int(model->files().size()))
{
    m_animation.setInterval(kFrameMs);
    connect(&m_animation, &QTimer::timeout, this, &FileListModel::animate);
    connect(m_model, &core::SessionModel::fileAdded, this, &FileListModel::onFileAdded);
    connect(m_model, &core::SessionModel::fileStateChanged, this,
            &FileListModel::onFileStateChanged);
    connect(m_model, &core::SessionModel::fileTextReset, this, [this](int fileIndex) {
        m_utf8Bytes.remove(fileIndex);
        onFileStateChanged(fileIndex);
    });
    connect(m_model, &core::SessionModel::fileTextAppended, this,
            [this](int fileIndex, const QString &delta) {
                const auto known = m_utf8Bytes.find(fileIndex);
                if (known != m_utf8Bytes.end())
                    *known += utf8Length(delta);
            });
    connect(m_model, &core::SessionModel::modelReset, this, &FileListModel::onModelReset);
    updateAnimation();
}

qsizetype FileListModel::utf8Bytes(int row) const
{
    // Counted once, then kept up with the deltas: the list repaints a file being written
    // several times a second, and converting a 20 MB file each time was most of a stream's cost.
    const auto known = m_utf8Bytes.constFind(row);
    if (known != m_utf8Bytes.constEnd())
        return *known;
    const qsizetype bytes = utf8Length(m_model->files().at(row).content);
    m_utf8Bytes.insert(row, bytes);
    return bytes;
}

QString FileListModel::sizeText(qsizetype utf8Bytes, int lines)
{
    return QLocale().formattedDataSize(utf8Bytes, 1) + QStringLiteral(" · ")
        + CountText::of(lines, tr("1 line"), tr("%1 lines"));
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
    case Qt::DecorationRole: {
        const qreal ratio = qApp ? qApp->devicePixelRatio() : 1.0;
        switch (file.state) {
        case core::FileState::Writing:
            return StatusGlyph::pixmap(m_interrupted ? StatusGlyph::Kind::Pause
                                                     : StatusGlyph::Kind::Spinner,
                                       StatusGlyph::runningColor(), kIconSize, ratio, m_phase);
        case core::FileState::Complete:
            return StatusGlyph::pixmap(StatusGlyph::Kind::Check, StatusGlyph::doneColor(),
                                       kIconSize, ratio);
        case core::FileState::Error:
            return StatusGlyph::pixmap(StatusGlyph::Kind::Cross, StatusGlyph::failedColor(),
                                       kIconSize, ratio);
        }
        return {};
    }
    case SizeRole:
        return m_edited.contains(index.row())
            ? tr("%1 · edited").arg(sizeText(utf8Bytes(index.row()), lineCount(file)))
            : sizeText(utf8Bytes(index.row()), lineCount(file));
    case EditedRole:
        return m_edited.contains(index.row());
    case Qt::ToolTipRole: {
        QStringList parts;
        parts << (file.language.isEmpty() ? tr("Plain text") : file.language);
        parts << sizeText(utf8Bytes(index.row()), lineCount(file));
        parts << core::SessionModel::fileStateText(file.state);
        if (m_edited.contains(index.row()))
            parts << tr("edited by you");
        if (!file.error.isEmpty())
            parts << file.error;
        return parts.join(QStringLiteral(" · "));
    }
    case Qt::AccessibleDescriptionRole:
        return core::SessionModel::fileStateText(file.state);
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
    updateAnimation();
}

void FileListModel::onFileStateChanged(int fileIndex)
{
    if (fileIndex < 0 || fileIndex >= m_rows)
        return;
    const QModelIndex changed = index(fileIndex);
    Q_EMIT dataChanged(changed, changed,
                       {Qt::DecorationRole, Qt::ToolTipRole, StateRole, SizeRole});
    updateAnimation();
}

void FileListModel::onModelReset()
{
    beginResetModel();
    m_utf8Bytes.clear();
    m_rows = int(m_model->files().size());
    endResetModel();
    updateAnimation();
}

void FileListModel::animate()
{
    // Interrupted, the bars hold still, but the display may still be typing what had arrived.
    if (!m_interrupted)
        m_phase = std::fmod(m_phase + 0.08, 1.0);
    const QList<int> roles
        = m_interrupted ? QList<int> {SizeRole} : QList<int> {Qt::DecorationRole, SizeRole};
    for (int i = 0; i < m_rows && i < m_model->files().size(); ++i) {
        if (m_model->files().at(i).state == core::FileState::Writing) {
            const QModelIndex row = index(i);
            Q_EMIT dataChanged(row, row, roles);
        }
    }
}

void FileListModel::setEdited(int fileIndex, bool edited)
{
    if (m_edited.contains(fileIndex) == edited)
        return;
    if (edited)
        m_edited.insert(fileIndex);
    else
        m_edited.remove(fileIndex);
    if (fileIndex < m_rows)
        Q_EMIT dataChanged(index(fileIndex), index(fileIndex),
                           {SizeRole, EditedRole, Qt::ToolTipRole});
}

void FileListModel::setEditedFiles(const QSet<int> &fileIndexes)
{
    if (m_edited == fileIndexes)
        return;
    m_edited = fileIndexes;
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0), index(m_rows - 1), {SizeRole, EditedRole, Qt::ToolTipRole});
}

void FileListModel::setInterrupted(bool interrupted)
{
    if (m_interrupted == interrupted)
        return;
    m_interrupted = interrupted;
    for (int i = 0; i < m_rows && i < m_model->files().size(); ++i) {
        if (m_model->files().at(i).state == core::FileState::Writing)
            Q_EMIT dataChanged(index(i), index(i), {Qt::DecorationRole});
    }
}

void FileListModel::updateAnimation()
{
    bool writing = false;
    for (const core::SessionFile &file : m_model->files())
        writing = writing || file.state == core::FileState::Writing;
    if (writing && !m_animation.isActive())
        m_animation.start();
    else if (!writing)
        m_animation.stop();
}

} // namespace inkstream::ui
