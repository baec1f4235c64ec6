#pragma once

#include "ui/displaypacer.h"

#include <QList>
#include <QObject>

class QAction;
class QActionGroup;
class QMenu;
class QWidget;

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

class FileFollower;

// The Stream menu: pausing the display and catching up with live, the display speed (remembered),
// rejecting the file the AI is writing, and comparing the file shown with its previous version.
class StreamActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StreamActions)

public:
    // `window` parents the dialogs.
    StreamActions(DisplayPacer *pacer, core::SessionModel *model, FileFollower *follower,
                  QWidget *window);

    void addTo(QMenu *menu) const;
    QAction *pauseAction() const { return m_pauseAction; }
    QAction *rejectAction() const { return m_rejectAction; }
    QList<QAction *> speedActions() const;
    // The speed buttons are off while a replay keeps the recorded pace.
    void setSpeedChoiceEnabled(bool enabled);

    DisplaySpeed displaySpeed() const;
    void setDisplaySpeed(DisplaySpeed speed); // and remembers it
    void restoreDisplaySpeed();

Q_SIGNALS:
    // What happened, for the status bar.
    void reported(const QString &message);

private:
    void rejectCurrentFile();
    void showChanges();

    DisplayPacer *m_pacer = nullptr;
    core::SessionModel *m_model = nullptr;
    FileFollower *m_follower = nullptr;
    QWidget *m_window = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_catchUpAction = nullptr;
    QActionGroup *m_speedGroup = nullptr;
    QAction *m_rejectAction = nullptr;
    QAction *m_changesAction = nullptr;
};

} // namespace inkstream::ui
