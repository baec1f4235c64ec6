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
    if (m_rows.size() >= m_capacity) {
        const int drop = int(m_rows.size() - m_capacity + 1);
        beginRemoveRows({}, 0, drop - 1);
        m_rows.remove(0, drop);
        endRemoveRows();
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(Row {event.sequence, QDateTime::currentDateTime(), core::eventName(event.payload),
                       wireBytes, QString::fromUtf8(core::EventCodec::encodeJson(event))});
    endInsertRows();
    ++m_total;
}

void EventLogModel::appendDivider(const QString &label)
{
    if (m_rows.size() >= m_capacity) {
        beginRemoveRows({}, 0, 0);
        m_rows.removeFirst();
        endRemoveRows();
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    Row divider;
    divider.time = QDateTime::currentDateTime();
    divider.name = label;
    divider.divider = true;
    m_rows.append(divider);
    endInsertRows();
    m_total = 0;
}

bool EventLogModel::isDivider(int row) const
{
    return row >= 0 && row < m_rows.size() && m_rows.at(row).divider;
}

void EventLogModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void EventLogModel::setCapacity(qsizetype rows)
{
    m_capacity = qMax<qsizetype>(1, rows);
    if (m_rows.size() > m_capacity) {
        beginResetModel();
        m_rows.remove(0, m_rows.size() - m_capacity);
        endResetModel();
    }
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
        object.insert(QStringLiteral("seq"), double(r.sequence));
        object.insert(QStringLiteral("time"), r.time.toString(Qt::ISODateWithMs));
        object.insert(QStringLiteral("event"), r.name);
        object.insert(QStringLiteral("bytes"), double(r.bytes));
        object.insert(QStringLiteral("data"), QJsonDocument::fromJson(r.json.toUtf8()).object());
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
            return index.column() == JsonColumn ? row.name : QStringLiteral("———");
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
            return QString::number(row.sequence);
        case TimeColumn:
            return row.time.toString(QStringLiteral("HH:mm:ss.zzz"));
        case NameColumn:
            return row.name;
        case SizeColumn:
            return QLocale().formattedDataSize(row.bytes);
        case JsonColumn:
            return role == Qt::DisplayRole ? row.json.left(400) : row.json;
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
