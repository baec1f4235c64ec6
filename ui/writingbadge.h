#pragma once

#include <QImage>
#include <QVariantAnimation>
#include <QWidget>

namespace inkstream::ui {

// The pulsing "AI Writing Code..." pill shown over the editor while a file streams. While the
// stream is interrupted (the connection lost mid-file) it stays, still and grey, saying so: the
// file is unfinished, but nobody is writing it now.
class WritingBadge final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WritingBadge)

public:
    explicit WritingBadge(QWidget *parent = nullptr);

    // Shows the badge and starts the pulse (unless interrupted), or hides it.
    void setActive(bool active);
    bool isActive() const { return m_active; }
    // Stops the pulse and says the writing is interrupted; false pulses again (when active).
    void setInterrupted(bool interrupted);
    bool isInterrupted() const { return m_interrupted; }
    bool isPulsing() const { return m_pulse.state() == QAbstractAnimation::Running; }
    QString text() const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QImage paintLayer(qreal glow, qreal devicePixelRatio) const;
    void updatePulse();

    QVariantAnimation m_pulse;
    // The pill at both ends of the pulse; each frame blends them (see paintEvent).
    QImage m_dim;
    QImage m_bright;
    QImage m_frame;
    qreal m_glow = 0.0; // 0..1, driven by m_pulse
    bool m_active = false;
    bool m_interrupted = false;
};

} // namespace inkstream::ui
