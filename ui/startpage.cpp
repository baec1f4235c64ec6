#include "ui/startpage.h"

#include "ui/connectdialog.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace inkstream::ui {

StartPage::StartPage(QWidget *parent)
    : QWidget(parent)
    , m_demo(new QPushButton(tr("Run the Local Demo"), this))
    , m_connect(new QPushButton(tr("Connect to a Session…"), this))
    , m_recent(new QListWidget(this))
{
    auto *title = new QLabel(tr("Watch an AI write code, live"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    auto *intro = new QLabel(tr("The local demo needs nothing else: an embedded publisher plays a "
                                "scripted session on this machine. Or follow a session that an "
                                "Inkstream publisher (inkstream serve) streams."),
                             this);
    intro->setWordWrap(true);
    intro->setForegroundRole(QPalette::PlaceholderText);
    m_demo->setDefault(true);
    m_demo->setToolTip(tr("Ctrl+D"));
    m_connect->setToolTip(tr("Ctrl+O"));
    auto *recentTitle = new QLabel(tr("Recent connections"), this);
    QFont bold = recentTitle->font();
    bold.setBold(true);
    recentTitle->setFont(bold);
    m_recent->setAccessibleName(tr("Recent connections"));
    m_recent->setFrameShape(QFrame::NoFrame);
    m_recent->setMaximumHeight(180);
    // A long URL is shortened in the middle (host and session id both stay), whole on hover;
    // never a horizontal scroll bar over the list.
    m_recent->setTextElideMode(Qt::ElideMiddle);
    m_recent->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_recent->setUniformItemSizes(true);

    auto *column = new QVBoxLayout;
    column->setSpacing(12);
    column->addWidget(title);
    column->addWidget(intro);
    column->addSpacing(8);
    column->addWidget(m_demo);
    column->addWidget(m_connect);
    column->addSpacing(16);
    column->addWidget(recentTitle);
    column->addWidget(m_recent);
    auto *centered = new QWidget(this);
    centered->setLayout(column);
    centered->setMaximumWidth(560);
    // Centred, as wide as 560 px where there is room (the recent URLs want it), narrower where
    // there is not.
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(centered, 4);
    row->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(2);

    connect(m_demo, &QPushButton::clicked, this, &StartPage::demoRequested);
    connect(m_connect, &QPushButton::clicked, this, &StartPage::connectRequested);
    connect(m_recent, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { Q_EMIT recentChosen(QUrl(item->text())); });
    refresh();
}

void StartPage::refresh()
{
    m_recent->clear();
    const QStringList recent = ConnectDialog::recentEndpoints();
    for (const QString &endpoint : recent) {
        auto *item = new QListWidgetItem(endpoint, m_recent);
        item->setToolTip(endpoint);
        // No width of its own: the row is as wide as the list, and the text elides to it.
        item->setSizeHint(QSize(0, m_recent->fontMetrics().height() + 8));
    }
    if (recent.isEmpty()) {
        auto *none = new QListWidgetItem(tr("None yet"), m_recent);
        none->setFlags(Qt::NoItemFlags);
    }
}

} // namespace inkstream::ui
