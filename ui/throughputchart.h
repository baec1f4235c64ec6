#pragma once

#include <QWidget>
#include <optional>

namespace inkstream::core {
class SessionAnalytics;
}

namespace inkstream::ui {

// A small bar chart of code (and chat) characters per second over the session, drawn with
// QPainter: one bar per analytics bucket, the peak rate on the axis, and in a replay the
// playhead. Clicking the chart asks for that moment (a replay seeks there).
class ThroughputChart final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThroughputChart)

public:
    explicit ThroughputChart(QWidget *parent = nullptr);

    // Not owned; null shows an empty chart. Call update() after it changes.
    void setAnalytics(const core::SessionAnalytics *analytics);
    void setPlayhead(std::optional<qint64> ms);
    std::optional<qint64> playhead() const { return m_playheadMs; }
    // The time span the x axis covers (at least one second).
    qint64 spanMs() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void timeClicked(qint64 ms);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    QRectF plotArea() const;

    const core::SessionAnalytics *m_analytics = nullptr;
    std::optional<qint64> m_playheadMs;
};

} // namespace inkstream::ui
