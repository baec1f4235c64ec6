#pragma once

#include "core/model/sessionmodel.h"

#include <QElapsedTimer>
#include <QList>
#include <QTimer>
#include <QWidget>
#include <functional>

namespace inkstream::ui {

// The source's own steps (seed 004's Search → Strategy → Outline) in the order it named them,
// else Planning → Generating → Validating → Complete, as a row of stations joined by a line (a
// spinner on the current one, a check or a cross on finished ones), above a progress bar with
// the current sub-step text, the percentage and the elapsed time. While the stream is
// interrupted (setInterruption) the tracker holds still: no spinner, the clock paused, and the
// status row says why in the theme's warning colour.
class ProgressTracker final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressTracker)

public:
    explicit ProgressTracker(core::SessionModel *model, QWidget *parent = nullptr);

    // The steps shown, in order: the source's own when it names any, else the four.
    int stepCount() const;
    QString stepTitle(int step) const;
    // The title as painted: elided to the room it has between its neighbours.
    QString shownStepTitle(int step) const;
    // Where a step's title is painted: centred under its station, no wider than the space to
    // the next station.
    QRect labelRect(int step) const;
    core::StepState stepState(int step) const;
    // The step shown as current: the last active one, else -1.
    int currentStep() const;
    int percent() const; // 0..100
    // What assistive technology reads: "Generating, 45 %, step 2 of 4".
    QString accessibleSummary() const;
    // The detail of the session's progress, less a leading repeat of the current step's title
    // ("Generating a.py" under the "Generating" station says "a.py").
    QString detailText() const;
    // Since the session started running, not counting interruptions; frozen once it completes
    // or fails. "m:ss".
    QString elapsedText() const;
    qint64 elapsedMs() const;
    // A replay's clock (its position in the recording, ms): the elapsed time follows it, seeks
    // included, instead of counting wall time from when the model was last rebuilt.
    void setExternalClock(std::function<qint64()> nowMs);
    // Why the stream stopped ("Connection lost — reconnecting…"), shown instead of the detail;
    // empty: it runs. The window sets it from the connection's state.
    void setInterruption(const QString &message);
    QString interruption() const { return m_interruption; }
    bool isInterrupted() const { return !m_interruption.isEmpty(); }
    // What the status row says on its left: the interruption, else the detail.
    QString statusText() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void announce();
    struct Station
    {
        QString title;
        core::StepState state = core::StepState::Pending;
        QString detail;
    };
    QList<Station> stations() const;
    // The last active step of `steps`, else -1.
    static int activeStep(const QList<Station> &steps);
    void onStepChanged();
    void onSessionStateChanged();
    void animate();
    // Geometry shared by painting, the size hints and the animation's partial repaints.
    QPoint stationCenter(int step) const;
    QRect stationRect(int step) const; // the station with its halo
    int labelTop() const; // the step titles under the stations
    QRect barRect() const;
    QRect statusRow() const; // detail, percentage and clock under the bar

    core::SessionModel *m_model = nullptr;
    void pauseClock();
    void runClock();

    QTimer m_animation; // spinner and halo of the current step, and the clock
    qreal m_phase = 0.0;
    bool m_started = false; // the session ran: the clock is shown
    qint64 m_countedMs = 0; // run time before the current stretch (interruptions left out)
    QElapsedTimer m_running; // the current stretch; invalid while paused or finished
    std::function<qint64()> m_externalClock; // set: a replay's position replaces the above
    qint64 m_finishedMs = -1; // elapsed time when the session ended
    QString m_interruption;
    QString m_paintedElapsed; // the clock as last painted: the row repaints when it changes
};

} // namespace inkstream::ui
