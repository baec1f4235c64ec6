#include "ui/writingbadge.h"

#include "ui/highlighting/codetheme.h"

#include <QPainter>
#include <QPainterPath>

namespace inkstream::ui {

namespace {
constexpr int kPulseMs = 1200;
constexpr int kDot = 8;
constexpr int kPadding = 10;
const QColor kAccent(0x7c, 0x5c, 0xff);
} // namespace

WritingBadge::WritingBadge(QWidget *parent)
    : QWidget(parent)
{
    m_pulse.setStartValue(0.0);
    m_pulse.setKeyValueAt(0.5, 1.0);
    m_pulse.setEndValue(0.0);
    m_pulse.setDuration(kPulseMs);
    m_pulse.setLoopCount(-1);
    m_pulse.setEasingCurve(QEasingCurve::InOutSine);
    connect(&m_pulse, &QVariantAnimation::valueChanged, this, [this](const QVariant &value) {
        m_glow = value.toReal();
        update();
    });
    QFont font = this->font();
    font.setBold(true);
    setFont(font);
    setAccessibleName(text());
    setVisible(false);
}

QString WritingBadge::text() const
{
    return tr("AI Writing Code...");
}

void WritingBadge::setActive(bool active)
{
    if (m_active == active)
        return;
    m_active = active;
    setVisible(active);
    if (active)
        m_pulse.start();
    else
        m_pulse.stop();
}

QSize WritingBadge::sizeHint() const
{
    const QFontMetrics metrics(font());
    return {kPadding * 3 + kDot + metrics.horizontalAdvance(text()), metrics.height() + 10};
}

void WritingBadge::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF pill = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    const bool dark = CodeTheme::current().isDark;
    QColor fill = kAccent;
    fill.setAlphaF((dark ? 0.18 : 0.12) + 0.22 * m_glow);
    QColor border = kAccent;
    border.setAlphaF(0.55 + 0.45 * m_glow);
    painter.setPen(QPen(border, 1.2));
    painter.setBrush(fill);
    painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);

    QColor dot = dark ? QColor(0xb9, 0xa8, 0xff) : kAccent;
    dot.setAlphaF(0.4 + 0.6 * m_glow);
    painter.setPen(Qt::NoPen);
    painter.setBrush(dot);
    const qreal dotY = (height() - kDot) / 2.0;
    painter.drawEllipse(QRectF(kPadding, dotY, kDot, kDot));

    painter.setPen(dark ? QColor(0xee, 0xea, 0xff) : QColor(0x3b, 0x23, 0xa8));
    painter.drawText(QRect(kPadding * 2 + kDot, 0, width() - kPadding * 2 - kDot, height()),
                     Qt::AlignVCenter | Qt::AlignLeft, text());
}

} // namespace inkstream::ui
