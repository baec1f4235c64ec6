#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace inkstream::core {
class SessionClient;
}

namespace inkstream::ui {

class EventLogModel;

// Ctrl+Shift+D: every raw event the client received with its sequence, time and size,
// filterable by text, copyable as JSON lines.
class DebugConsole final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebugConsole)

public:
    explicit DebugConsole(core::SessionClient *client, QWidget *parent = nullptr);

    EventLogModel *log() const { return m_log; }
    QLineEdit *filterField() const { return m_filter; }
    int visibleRows() const;
    // The selected (or, with none selected, all visible) rows as JSON lines; also to the clipboard.
    QString copyRows();

protected:
    // Opening the console shows the newest events; it follows them until scrolled up.
    void showEvent(QShowEvent *event) override;

private:
    void updateCount();
    void updateCountSoon(); // once per event-loop turn: a catch-up brings thousands a turn

    EventLogModel *m_log = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_count = nullptr;
    bool m_countPending = false;
};

} // namespace inkstream::ui
