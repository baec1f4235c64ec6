#pragma once

#include "core/protocol/event.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

namespace inkstream::ui {

// The raw events a client received, newest last, for the debug console: sequence, arrival
// time, event name, wire size and the JSON. Holds at most capacity() rows and events of at most
// kMaxHeldBytes on the wire; the oldest go, an eighth of the limit at a time (one row at a time,
// every event of a long session moved every row of the view). An event is kept as decoded (its
// texts shared) and written as JSON only when a row is shown, filtered or copied: writing every
// event as it came cost a late join's catch-up a sixth of the GUI thread.
class EventLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogModel)

public:
    enum Column { SequenceColumn, TimeColumn, NameColumn, SizeColumn, JsonColumn, ColumnCount };

    static constexpr qsizetype kMaxHeldBytes = 4 * 1024 * 1024;
    static constexpr qsizetype kPreviewCharacters = 400; // of the JSON, in the table

    explicit EventLogModel(QObject *parent = nullptr);

    void append(const core::Event &event, qsizetype wireBytes);
    // A row that marks where a new session starts ("— Session http://… —"); totalEvents()
    // counts from there.
    void appendDivider(const QString &label);
    void clear();
    qsizetype capacity() const { return m_capacity; }
    void setCapacity(qsizetype rows);
    qsizetype totalEvents() const { return m_total; } // of the current session
    qsizetype heldBytes() const { return m_heldBytes; } // the wire size of the rows held
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
        QDateTime time;
        qsizetype bytes = 0;
        core::Event event;
        QString label; // a divider's
        bool divider = false; // a session's start, not an event
        mutable QString preview; // the JSON's start, once shown (painted, filtered)
    };

    void makeRoomFor(qsizetype bytes);
    void dropOldest(qsizetype rows);
    static QString json(const Row &row);
    static const QString &preview(const Row &row);

    QList<Row> m_rows;
    qsizetype m_capacity = 10000;
    qsizetype m_total = 0;
    qsizetype m_heldBytes = 0;
};

} // namespace inkstream::ui
