#include "ui/debugconsole.h"

#include "core/client/loggableurl.h"
#include "core/client/sessionclient.h"
#include "ui/eventlogmodel.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace inkstream::ui {

DebugConsole::DebugConsole(core::SessionClient *client, QWidget *parent)
    : QWidget(parent)
    , m_log(new EventLogModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_filter(new QLineEdit(this))
    , m_count(new QLabel(this))
{
    m_proxy->setSourceModel(m_log);
    m_proxy->setFilterKeyColumn(-1); // any column
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(EventLogModel::SequenceColumn, 70);
    m_table->setColumnWidth(EventLogModel::TimeColumn, 100);
    m_table->setColumnWidth(EventLogModel::NameColumn, 90);
    m_table->setColumnWidth(EventLogModel::SizeColumn, 70);
    m_table->setAccessibleName(tr("Received events"));

    m_filter->setPlaceholderText(tr("Filter events (name, file, text…)"));
    m_filter->setAccessibleName(tr("Filter events"));
    m_filter->setClearButtonEnabled(true);
    auto *copy = new QPushButton(tr("&Copy as JSON"), this);
    auto *clear = new QPushButton(tr("C&lear"), this);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_count);
    bar->addWidget(copy);
    bar->addWidget(clear);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        updateCount();
    });
    connect(copy, &QPushButton::clicked, this, &DebugConsole::copyRows);
    connect(clear, &QPushButton::clicked, m_log, &EventLogModel::clear);
    connect(clear, &QPushButton::clicked, this, &DebugConsole::updateCount);
    connect(client, &core::SessionClient::sessionOpened, this, [this](const QUrl &url) {
        if (m_log->rowCount() == 0 && m_log->totalEvents() == 0)
            return; // the first session needs no divider
        m_log->appendDivider(tr("New session: %1").arg(core::LoggableUrl::toString(url)));
        updateCountSoon();
    });
    connect(client, &core::SessionClient::eventReceived, this,
            [this](const core::Event &event, qsizetype wireBytes) {
                const QScrollBar *scroll = m_table->verticalScrollBar();
                const bool atEnd = scroll->value() >= scroll->maximum();
                m_log->append(event, wireBytes);
                if (atEnd && isVisible())
                    m_table->scrollToBottom();
                updateCountSoon();
            });
    updateCount();
}

void DebugConsole::updateCount()
{
    m_countPending = false;
    m_count->setText(tr("%1 of %2 shown").arg(m_proxy->rowCount()).arg(m_log->totalEvents()));
}

void DebugConsole::updateCountSoon()
{
    if (m_countPending)
        return;
    m_countPending = true;
    QMetaObject::invokeMethod(this, &DebugConsole::updateCount, Qt::QueuedConnection);
}

void DebugConsole::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Queued: the table has its final size only once the dock is laid out.
    QMetaObject::invokeMethod(m_table, &QTableView::scrollToBottom, Qt::QueuedConnection);
}

int DebugConsole::visibleRows() const
{
    return m_proxy->rowCount();
}

QString DebugConsole::copyRows()
{
    QList<int> rows;
    const QModelIndexList selected = m_table->selectionModel()->selectedRows();
    if (selected.isEmpty()) {
        for (int i = 0; i < m_proxy->rowCount(); ++i)
            rows << m_proxy->mapToSource(m_proxy->index(i, 0)).row();
    } else {
        for (const QModelIndex &index : selected)
            rows << m_proxy->mapToSource(index).row();
        std::sort(rows.begin(), rows.end());
    }
    QString text = m_log->rowsAsJsonLines(rows);
    QApplication::clipboard()->setText(text);
    return text;
}

} // namespace inkstream::ui
