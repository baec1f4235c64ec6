#pragma once

#include "core/protocol/event.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

namespace inkstream::ui {

// The raw events a client received, newest last, for the debug console: sequence, arrival
// time, event name, wire size and the JSON. Holds at most capacity() rows (oldest dropped).
class EventLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogModel)

public:
    enum Column { SequenceColumn, TimeColumn, NameColumn, SizeColumn, JsonColumn, ColumnCount };

    explicit EventLogModel(QObject *parent = nullptr);

    void append(const core::Event &event, qsizetype wireBytes);
    // A row that marks where a new session starts ("— Session http://… —"); totalEvents()
    // counts from there.
    void appendDivider(const QString &label);
    void clear();
    qsizetype capacity() const { return m_capacity; }
    void setCapacity(qsizetype rows);
    qsizetype totalEvents() const { return m_total; } // of the current session
    bool isDivider(int row) const;
    // Rows as JSON lines ({"seq","time","event","bytes","data"}), for copying.
    QString rowsAsJsonLines(const QList<int> &rows) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        quint64 sequence = 0;
        QDateTime time;
        QString name;
        qsizetype bytes = 0;
        QString json;
        bool divider = false; // a session's start, not an event
    };

    QList<Row> m_rows;
    qsizetype m_capacity = 10000;
    qsizetype m_total = 0;
};

} // namespace inkstream::ui
