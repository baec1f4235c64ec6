#include "ui/streamactions.h"

#include "core/model/sessionmodel.h"
#include "ui/diffdialog.h"
#include "ui/filefollower.h"

#include <QAction>
#include <QActionGroup>
#include <QMenu>
#include <QSettings>

namespace inkstream::ui {

namespace {
const QString kSpeedKey = QStringLiteral("display/speed");
} // namespace

StreamActions::StreamActions(DisplayPacer *pacer, core::SessionModel *model, FileFollower *follower,
                             QWidget *window)
    : QObject(window)
    , m_pacer(pacer)
    , m_model(model)
    , m_follower(follower)
    , m_window(window)
{
    m_pauseAction = new QAction(tr("&Pause Display"), this);
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pauseAction->setToolTip(tr("Hold the display; events keep arriving and nothing is lost"));
    connect(m_pauseAction, &QAction::toggled, m_pacer, &DisplayPacer::setPaused);
    m_catchUpAction = new QAction(tr("&Catch Up with Live"), this);
    m_catchUpAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    connect(m_catchUpAction, &QAction::triggered, m_pacer, &DisplayPacer::catchUp);

    m_speedGroup = new QActionGroup(this);
    const std::pair<DisplaySpeed, QString> speeds[] = {
        {DisplaySpeed::Slow, tr("&Slow")},
        {DisplaySpeed::Normal, tr("&Normal")},
        {DisplaySpeed::Fast, tr("&Fast")},
        {DisplaySpeed::Instant, tr("&Instant")},
    };
    int key = Qt::Key_1;
    for (const auto &[speed, title] : speeds) {
        auto *action = new QAction(title, m_speedGroup);
        action->setCheckable(true);
        action->setData(QVariant::fromValue(speed));
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | key++));
        connect(action, &QAction::triggered, this,
                [this, chosen = speed] { setDisplaySpeed(chosen); });
    }

    m_rejectAction = new QAction(tr("&Reject Current File"), this);
    m_rejectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    m_rejectAction->setToolTip(tr("Stop showing the file the AI is writing and leave it out "
                                  "of Save All"));
    connect(m_rejectAction, &QAction::triggered, this, &StreamActions::rejectCurrentFile);
    m_changesAction = new QAction(tr("Show &Changes to Previous Version"), this);
    m_changesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    connect(m_changesAction, &QAction::triggered, this, &StreamActions::showChanges);
}

void StreamActions::addTo(QMenu *menu) const
{
    menu->addAction(m_pauseAction);
    menu->addAction(m_catchUpAction);
    menu->addMenu(tr("&Speed"))->addActions(m_speedGroup->actions());
    menu->addSeparator();
    menu->addAction(m_rejectAction);
    menu->addAction(m_changesAction);
}

QList<QAction *> StreamActions::speedActions() const
{
    return m_speedGroup->actions();
}

void StreamActions::setSpeedChoiceEnabled(bool enabled)
{
    m_speedGroup->setEnabled(enabled);
}

DisplaySpeed StreamActions::displaySpeed() const
{
    return m_pacer->speed();
}

void StreamActions::setDisplaySpeed(DisplaySpeed speed)
{
    m_pacer->setSpeed(speed);
    for (QAction *action : m_speedGroup->actions()) {
        if (action->data().value<DisplaySpeed>() == speed)
            action->setChecked(true);
    }
    QSettings().setValue(kSpeedKey, DisplayPacer::speedName(speed));
}

void StreamActions::restoreDisplaySpeed()
{
    setDisplaySpeed(
        DisplayPacer::speedFromName(QSettings().value(kSpeedKey).toString(), DisplaySpeed::Normal));
}

void StreamActions::rejectCurrentFile()
{
    const int current = m_follower->currentFile();
    if (current < 0)
        return;
    const core::SessionFile &file = m_model->files().at(current);
    if (file.state != core::FileState::Writing) {
        Q_EMIT reported(tr("%1 is not being written.").arg(file.name));
        return;
    }
    const QString name = file.name;
    m_pacer->rejectFile(name);
    Q_EMIT reported(tr("Rejected %1: the rest of it is not shown or saved.").arg(name));
}

void StreamActions::showChanges()
{
    const int current = m_follower->currentFile();
    if (current < 0)
        return;
    const core::SessionFile &file = m_model->files().at(current);
    if (file.previousContent.isEmpty()) {
        Q_EMIT reported(tr("%1 has no earlier version in this session.").arg(file.name));
        return;
    }
    DiffDialog dialog(tr("Changes to %1").arg(file.name), file.previousContent, file.content, false,
                      m_window);
    dialog.exec();
}

} // namespace inkstream::ui
