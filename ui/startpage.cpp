#include "ui/startpage.h"

#include "ui/connectdialog.h"

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
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(centered, 0, Qt::AlignHCenter);
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
    for (const QString &endpoint : recent)
        m_recent->addItem(endpoint);
    if (recent.isEmpty()) {
        auto *none = new QListWidgetItem(tr("None yet"), m_recent);
        none->setFlags(Qt::NoItemFlags);
    }
}

} // namespace inkstream::ui
