#pragma once

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace inkstream::core {
class ReplayController;
}

namespace inkstream::ui {

// The timeline of a replay: play/pause (Ctrl+Space), previous/next file start (Ctrl+[ and
// Ctrl+]), a slider that seeks while it is dragged, the recording time and the speed (0.25x to
// 20x, or instant).
class ReplayBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayBar)

public:
    explicit ReplayBar(core::ReplayController *replay, QWidget *parent = nullptr);

    QAction *playAction() const { return m_playAction; }
    QAction *previousFileAction() const { return m_previousAction; }
    QAction *nextFileAction() const { return m_nextAction; }
    QSlider *slider() const { return m_slider; }
    QComboBox *speedBox() const { return m_speed; }
    QString timeText() const;

    // The speeds offered, as factors; ReplayClock::kInstant for instant.
    static QList<double> speeds();

Q_SIGNALS:
    // The recording time shown changed (while playing, several times a second).
    void playheadMoved(qint64 ms);

private:
    void updateRange();
    void updatePosition();
    void updatePlaying(bool playing);
    void onSliderValueChanged(int value);

    core::ReplayController *m_replay;
    QAction *m_playAction = nullptr;
    QAction *m_previousAction = nullptr;
    QAction *m_nextAction = nullptr;
    QSlider *m_slider = nullptr;
    QLabel *m_time = nullptr;
    QComboBox *m_speed = nullptr;
    QTimer *m_ticker = nullptr;
    bool m_updatingSlider = false;
};

} // namespace inkstream::ui
