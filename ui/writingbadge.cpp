#include "ui/writingbadge.h"

#include "ui/apptheme.h"
#include "ui/highlighting/codetheme.h"

#include <QEvent>
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
    // Whole or not at all: a narrow header squeezes the file name, never the badge.
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
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
    return m_interrupted ? tr("Writing interrupted") : tr("AI Writing Code...");
}

void WritingBadge::setActive(bool active)
{
    if (m_active == active)
        return;
    m_active = active;
    setVisible(active);
    updatePulse();
}

void WritingBadge::setInterrupted(bool interrupted)
{
    if (m_interrupted == interrupted)
        return;
    m_interrupted = interrupted;
    setAccessibleName(text());
    m_dim = {}; // another text and colours: drawn again at the next paint
    updateGeometry();
    updatePulse();
    update();
}

void WritingBadge::updatePulse()
{
    if (m_active && !m_interrupted) {
        if (!isPulsing())
            m_pulse.start();
    } else {
        m_pulse.stop();
        m_glow = 0.0;
    }
}

QSize WritingBadge::sizeHint() const
{
    const QFontMetrics metrics(font());
    // As wide as the wider text, so the header does not shift when the badge changes.
    const int textWidth = qMax(metrics.horizontalAdvance(tr("AI Writing Code...")),
                               metrics.horizontalAdvance(tr("Writing interrupted")));
    return {kPadding * 3 + kDot + textWidth, metrics.height() + 10};
}

QImage WritingBadge::paintLayer(qreal glow, qreal devicePixelRatio) const
{
    QImage layer(size() * devicePixelRatio, QImage::Format_ARGB32_Premultiplied);
    layer.setDevicePixelRatio(devicePixelRatio);
    layer.fill(Qt::transparent);
    QPainter painter(&layer);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setFont(font());
    const QRectF pill = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    const bool dark = CodeTheme::current().isDark;
    if (m_interrupted) {
        // Still and grey with an amber dot: unfinished, and nobody writes it now.
        const QColor muted = palette().color(QPalette::PlaceholderText);
        QColor fill = muted;
        fill.setAlphaF(dark ? 0.14 : 0.10);
        painter.setPen(QPen(muted, 1.2));
        painter.setBrush(fill);
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
        painter.setPen(Qt::NoPen);
        painter.setBrush(AppTheme::warningColor());
        painter.drawEllipse(QRectF(kPadding, (height() - kDot) / 2.0, kDot, kDot));
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(kPadding * 2 + kDot, 0, width() - kPadding * 2 - kDot, height()),
                         Qt::AlignVCenter | Qt::AlignLeft, text());
        return layer;
    }
    QColor fill = kAccent;
    fill.setAlphaF((dark ? 0.18 : 0.12) + 0.22 * glow);
    QColor border = kAccent;
    border.setAlphaF(0.55 + 0.45 * glow);
    painter.setPen(QPen(border, 1.2));
    painter.setBrush(fill);
    painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);

    QColor dot = dark ? QColor(0xb9, 0xa8, 0xff) : kAccent;
    dot.setAlphaF(0.4 + 0.6 * glow);
    painter.setPen(Qt::NoPen);
    painter.setBrush(dot);
    const qreal dotY = (height() - kDot) / 2.0;
    painter.drawEllipse(QRectF(kPadding, dotY, kDot, kDot));

    painter.setPen(dark ? QColor(0xee, 0xea, 0xff) : QColor(0x3b, 0x23, 0xa8));
    painter.drawText(QRect(kPadding * 2 + kDot, 0, width() - kPadding * 2 - kDot, height()),
                     Qt::AlignVCenter | Qt::AlignLeft, text());
    return layer;
}

void WritingBadge::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange
        || event->type() == QEvent::StyleChange)
        m_dim = {}; // drawn again at the next paint
    QWidget::changeEvent(event);
}

void WritingBadge::paintEvent(QPaintEvent *)
{
    // The pulse repaints 60 times a second while the editor streams. Antialiased shapes this
    // tall make Qt's raster engine hand the fill to its thread pool and wait, which a busy
    // machine turns into long event-loop stalls; so the pill is drawn twice, once, and each
    // frame mixes the two premultiplied images linearly (exactly the colours a direct paint at
    // that glow gives, as every alpha in the pill is linear in it).
    const qreal ratio = devicePixelRatioF();
    if (m_dim.size() != size() * ratio || m_dim.devicePixelRatio() != ratio) {
        m_dim = paintLayer(0.0, ratio);
        m_bright = paintLayer(1.0, ratio);
        m_frame = m_dim;
    }
    const int weight = qBound(0, qRound(m_glow * 256), 256);
    for (int y = 0; y < m_frame.height(); ++y) {
        const auto *dim = reinterpret_cast<const QRgb *>(m_dim.constScanLine(y));
        const auto *bright = reinterpret_cast<const QRgb *>(m_bright.constScanLine(y));
        auto *out = reinterpret_cast<QRgb *>(m_frame.scanLine(y));
        for (int x = 0; x < m_frame.width(); ++x) {
            const QRgb a = dim[x];
            const QRgb b = bright[x];
            // Both channel pairs at once: (a * (256 - w) + b * w) / 256 per 8-bit channel.
            const quint32 rb
                = (((a & 0x00ff00ff) * (256 - weight) + (b & 0x00ff00ff) * weight) >> 8)
                & 0x00ff00ff;
            const quint32 ag
                = ((((a >> 8) & 0x00ff00ff) * (256 - weight) + ((b >> 8) & 0x00ff00ff) * weight))
                & 0xff00ff00;
            out[x] = rb | ag;
        }
    }
    QPainter painter(this);
    painter.drawImage(0, 0, m_frame);
}

} // namespace inkstream::ui
