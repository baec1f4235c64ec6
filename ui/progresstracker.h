#pragma once

#include <QVariantAnimation>
#include <QWidget>

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

// Planning → Generating → Validating → Complete as a row of numbered stations joined by a
// line, the current one pulsing, above a progress bar with the percentage and the detail text.
class ProgressTracker final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressTracker)

public:
    explicit ProgressTracker(core::SessionModel *model, QWidget *parent = nullptr);

    // The step shown as current: the last active one, else -1.
    int currentStep() const;
    QString detailText() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void onStepChanged();

    core::SessionModel *m_model = nullptr;
    QVariantAnimation m_pulse;
    qreal m_glow = 0.0;
};

} // namespace inkstream::ui
