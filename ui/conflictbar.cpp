#include "ui/conflictbar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace inkstream::ui {

ConflictBar::ConflictBar(QWidget *parent)
    : QFrame(parent)
    , m_message(new QLabel(this))
    , m_keepMine(new QPushButton(tr("&Keep Mine"), this))
    , m_takeTheirs(new QPushButton(tr("&Take the AI's"), this))
    , m_showDiff(new QPushButton(tr("Show &Diff"), this))
{
    setObjectName(QStringLiteral("conflictBar"));
    setStyleSheet(QStringLiteral("#conflictBar { background: #4a3b12; border-bottom: 1px solid "
                                 "#8a6d1f; } QLabel { color: #fbe6a2; }"));
    m_message->setWordWrap(true);
    m_keepMine->setAccessibleName(tr("Keep my version"));
    m_takeTheirs->setAccessibleName(tr("Take the AI's version"));
    m_showDiff->setAccessibleName(tr("Compare my version with the AI's"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 12, 6);
    layout->addWidget(m_message, 1);
    layout->addWidget(m_showDiff);
    layout->addWidget(m_takeTheirs);
    layout->addWidget(m_keepMine);
    connect(m_keepMine, &QPushButton::clicked, this, &ConflictBar::keepMineRequested);
    connect(m_takeTheirs, &QPushButton::clicked, this, &ConflictBar::takeTheirsRequested);
    connect(m_showDiff, &QPushButton::clicked, this, &ConflictBar::diffRequested);
    hide();
}

void ConflictBar::showFor(const QString &fileName)
{
    m_message->setText(tr("You edited %1, and the AI is writing it again. Your text is kept "
                          "until you choose.")
                           .arg(fileName));
    show();
}

QString ConflictBar::message() const
{
    return m_message->text();
}

} // namespace inkstream::ui
