#include "ui/eventlogmodel.h"

#include "core/protocol/eventcodec.h"

#include <QFont>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace inkstream::ui {

EventLogModel::EventLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void EventLogModel::append(const core::Event &event, qsizetype wireBytes)
{
    makeRoomFor(wireBytes);
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(Row {QDateTime::currentDateTime(), wireBytes, event, {}, false, {}});
    endInsertRows();
    m_heldBytes += wireBytes;
    ++m_total;
}

void EventLogModel::appendDivider(const QString &label)
{
    makeRoomFor(0);
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(Row {QDateTime::currentDateTime(), 0, {}, label, true, {}});
    endInsertRows();
    m_total = 0;
}

// Drops the oldest rows until one more of `bytes` fits; when any go, enough go that the next
// eighth of either limit fits too.
void EventLogModel::makeRoomFor(qsizetype bytes)
{
    if (m_rows.size() < m_capacity && m_heldBytes + bytes <= kMaxHeldBytes)
        return;
    const qsizetype rowsAllowed = m_capacity - 1 - m_capacity / 8;
    const qsizetype bytesAllowed = kMaxHeldBytes - bytes - kMaxHeldBytes / 8;
    qsizetype drop = qMax<qsizetype>(0, m_rows.size() - rowsAllowed);
    qsizetype held = m_heldBytes;
    for (qsizetype i = 0; i < drop; ++i)
        held -= m_rows.at(i).bytes;
    while (drop < m_rows.size() && held > bytesAllowed)
        held -= m_rows.at(drop++).bytes;
    dropOldest(drop);
}

void EventLogModel::dropOldest(qsizetype rows)
{
    if (rows <= 0)
        return;
    beginRemoveRows({}, 0, int(rows) - 1);
    for (qsizetype i = 0; i < rows; ++i)
        m_heldBytes -= m_rows.at(i).bytes;
    m_rows.remove(0, rows);
    endRemoveRows();
}

QString EventLogModel::json(const Row &row)
{
    return QString::fromUtf8(core::EventCodec::encodeJson(row.event));
}

// Written once: a row is painted again and again, and a filter reads every row.
const QString &EventLogModel::preview(const Row &row)
{
    if (row.preview.isNull())
        row.preview = json(row).left(kPreviewCharacters);
    return row.preview;
}

bool EventLogModel::isDivider(int row) const
{
    return row >= 0 && row < m_rows.size() && m_rows.at(row).divider;
}

void EventLogModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_heldBytes = 0;
    endResetModel();
}

void EventLogModel::setCapacity(qsizetype rows)
{
    m_capacity = qMax<qsizetype>(1, rows);
    dropOldest(m_rows.size() - m_capacity);
}

QString EventLogModel::rowsAsJsonLines(const QList<int> &rows) const
{
    QStringList lines;
    for (int row : rows) {
        if (row < 0 || row >= m_rows.size())
            continue;
        const Row &r = m_rows.at(row);
        if (r.divider)
            continue;
        QJsonObject object;
        object.insert(QStringLiteral("seq"), double(r.event.sequence));
        object.insert(QStringLiteral("time"), r.time.toString(Qt::ISODateWithMs));
        object.insert(QStringLiteral("event"), core::eventName(r.event.payload));
        object.insert(QStringLiteral("bytes"), double(r.bytes));
        object.insert(QStringLiteral("data"),
                      QJsonDocument::fromJson(core::EventCodec::encodeJson(r.event)).object());
        lines << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
    }
    return lines.join(u'\n');
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    if (row.divider) {
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
            if (index.column() == TimeColumn)
                return row.time.toString(QStringLiteral("HH:mm:ss.zzz"));
            return index.column() == JsonColumn ? row.label : QStringLiteral("———");
        }
        if (role == Qt::FontRole) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    }
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case SequenceColumn:
            return QString::number(row.event.sequence);
        case TimeColumn:
            return row.time.toString(QStringLiteral("HH:mm:ss.zzz"));
        case NameColumn:
            return core::eventName(row.event.payload);
        case SizeColumn:
            return QLocale().formattedDataSize(row.bytes);
        case JsonColumn:
            return role == Qt::DisplayRole ? preview(row) : json(row);
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole
        && (index.column() == SequenceColumn || index.column() == SizeColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SequenceColumn:
        return tr("Seq");
    case TimeColumn:
        return tr("Time");
    case NameColumn:
        return tr("Event");
    case SizeColumn:
        return tr("Size");
    case JsonColumn:
        return tr("Data");
    default:
        return {};
    }
}

} // namespace inkstream::ui
