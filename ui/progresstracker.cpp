#include "ui/progresstracker.h"

#include "core/model/sessionmodel.h"

#include <QPainter>

namespace inkstream::ui {

namespace {
constexpr int kRadius = 13;
constexpr int kTop = 10;
constexpr int kBarHeight = 6;
const QColor kPending(0x5a, 0x5a, 0x5e);
const QColor kActive(0x7c, 0x5c, 0xff);
const QColor kComplete(0x3f, 0xb9, 0x50);
const QColor kError(0xe5, 0x48, 0x4d);
const QColor kText(0xe0, 0xe0, 0xe0);
const QColor kMuted(0x9d, 0x9d, 0x9d);

QColor colorFor(core::StepState state)
{
    switch (state) {
    case core::StepState::Pending:
        return kPending;
    case core::StepState::Active:
        return kActive;
    case core::StepState::Complete:
        return kComplete;
    case core::StepState::Error:
        return kError;
    }
    return kPending;
}

QString stepTitle(int step)
{
    switch (step) {
    case 0:
        return ProgressTracker::tr("Planning");
    case 1:
        return ProgressTracker::tr("Generating");
    case 2:
        return ProgressTracker::tr("Validating");
    default:
        return ProgressTracker::tr("Complete");
    }
}
} // namespace

ProgressTracker::ProgressTracker(core::SessionModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setAutoFillBackground(true);
    QPalette palette = this->palette();
    palette.setColor(QPalette::Window, QColor(0x25, 0x25, 0x26));
    setPalette(palette);
    m_pulse.setStartValue(0.0);
    m_pulse.setKeyValueAt(0.5, 1.0);
    m_pulse.setEndValue(0.0);
    m_pulse.setDuration(1400);
    m_pulse.setLoopCount(-1);
    connect(&m_pulse, &QVariantAnimation::valueChanged, this, [this](const QVariant &value) {
        m_glow = value.toReal();
        update();
    });
    connect(m_model, &core::SessionModel::stepChanged, this, &ProgressTracker::onStepChanged);
    connect(m_model, &core::SessionModel::progressChanged, this, qOverload<>(&QWidget::update));
    connect(m_model, &core::SessionModel::modelReset, this, &ProgressTracker::onStepChanged);
    connect(m_model, &core::SessionModel::sessionStateChanged, this, qOverload<>(&QWidget::update));
    onStepChanged();
}

int ProgressTracker::currentStep() const
{
    const auto &steps = m_model->steps();
    for (int i = int(steps.size()) - 1; i >= 0; --i) {
        if (steps[size_t(i)].state == core::StepState::Active)
            return i;
    }
    return -1;
}

QString ProgressTracker::detailText() const
{
    if (!m_model->progressDetail().isEmpty())
        return m_model->progressDetail();
    const int step = currentStep();
    return step >= 0 ? m_model->steps()[size_t(step)].detail : QString();
}

QSize ProgressTracker::sizeHint() const
{
    return {720, minimumSizeHint().height()};
}

QSize ProgressTracker::minimumSizeHint() const
{
    const int line = fontMetrics().height();
    return {360, kTop + kRadius * 2 + 6 + line + 10 + kBarHeight + 6 + line + 8};
}

void ProgressTracker::onStepChanged()
{
    const bool anyActive = currentStep() >= 0;
    if (anyActive && m_pulse.state() != QAbstractAnimation::Running)
        m_pulse.start();
    else if (!anyActive) {
        m_pulse.stop();
        m_glow = 0.0;
    }
    update();
}

void ProgressTracker::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const auto &steps = m_model->steps();
    const int count = int(steps.size());
    const int margin = 60;
    const int span = qMax(1, width() - margin * 2);
    const int centerY = kTop + kRadius;
    auto centerX = [&](int i) {
        return margin + (count > 1 ? span * i / (count - 1) : span / 2);
    };

    for (int i = 0; i + 1 < count; ++i) {
        const bool done = steps[size_t(i)].state == core::StepState::Complete;
        painter.setPen(QPen(done ? kComplete : kPending, 2));
        painter.drawLine(centerX(i) + kRadius + 4, centerY, centerX(i + 1) - kRadius - 4, centerY);
    }

    QFont labelFont = font();
    QFont boldFont = font();
    boldFont.setBold(true);
    const int labelTop = centerY + kRadius + 6;
    const int lineHeight = fontMetrics().height();
    for (int i = 0; i < count; ++i) {
        const core::StepState state = steps[size_t(i)].state;
        const QColor color = colorFor(state);
        const QPointF center(centerX(i), centerY);
        if (state == core::StepState::Active) {
            QColor halo = kActive;
            halo.setAlphaF(0.15 + 0.35 * m_glow);
            painter.setPen(Qt::NoPen);
            painter.setBrush(halo);
            painter.drawEllipse(center, kRadius + 4 + 2 * m_glow, kRadius + 4 + 2 * m_glow);
        }
        painter.setPen(QPen(color, 2));
        painter.setBrush(state == core::StepState::Pending ? QColor(0x25, 0x25, 0x26) : color);
        painter.drawEllipse(center, kRadius, kRadius);

        QString mark = QString::number(i + 1);
        if (state == core::StepState::Complete)
            mark = QStringLiteral("✓");
        else if (state == core::StepState::Error)
            mark = QStringLiteral("✕");
        painter.setFont(boldFont);
        painter.setPen(state == core::StepState::Pending ? kMuted : QColor(Qt::white));
        painter.drawText(
            QRectF(center.x() - kRadius, center.y() - kRadius, kRadius * 2, kRadius * 2),
            Qt::AlignCenter, mark);

        painter.setFont(state == core::StepState::Active ? boldFont : labelFont);
        painter.setPen(state == core::StepState::Pending ? kMuted : kText);
        painter.drawText(QRect(int(center.x()) - 70, labelTop, 140, lineHeight), Qt::AlignCenter,
                         stepTitle(i));
    }

    const int barTop = labelTop + lineHeight + 10;
    const QRectF track(margin, barTop, span, kBarHeight);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0x3a, 0x3a, 0x3d));
    painter.drawRoundedRect(track, kBarHeight / 2.0, kBarHeight / 2.0);
    const int percent = qBound(0, m_model->progress(), 100);
    const bool failed = m_model->state() == core::SessionState::Error;
    if (percent > 0) {
        QRectF filled = track;
        filled.setWidth(track.width() * percent / 100.0);
        painter.setBrush(failed ? kError : (percent == 100 ? kComplete : kActive));
        painter.drawRoundedRect(filled, kBarHeight / 2.0, kBarHeight / 2.0);
    }

    painter.setFont(labelFont);
    painter.setPen(kMuted);
    const QRect textRow(margin, barTop + kBarHeight + 6, span, lineHeight);
    painter.drawText(textRow, Qt::AlignLeft | Qt::AlignVCenter,
                     fontMetrics().elidedText(detailText(), Qt::ElideRight, span - 60));
    painter.setPen(kText);
    painter.drawText(textRow, Qt::AlignRight | Qt::AlignVCenter,
                     QStringLiteral("%1%").arg(percent));
}

} // namespace inkstream::ui
