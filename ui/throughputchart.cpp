#include "ui/throughputchart.h"

#include "core/model/sessionanalytics.h"

#include <QMouseEvent>
#include <QPainter>

namespace inkstream::ui {

namespace {

QString secondsText(qint64 ms)
{
    const qint64 seconds = ms / 1000;
    return seconds >= 60
        ? QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'))
        : QStringLiteral("%1 s").arg(seconds);
}

} // namespace

ThroughputChart::ThroughputChart(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("Throughput over the session"));
    setToolTip(tr("Code characters per second over the session (chat stacked in a lighter "
                  "shade)"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ThroughputChart::setAnalytics(const core::SessionAnalytics *analytics)
{
    m_analytics = analytics;
    update();
}

void ThroughputChart::setPlayhead(std::optional<qint64> ms)
{
    if (ms == m_playheadMs)
        return;
    m_playheadMs = ms;
    update();
}

qint64 ThroughputChart::spanMs() const
{
    if (!m_analytics)
        return 1000;
    return qMax<qint64>(1000, qint64(m_analytics->buckets().size()) * m_analytics->bucketMs());
}

QSize ThroughputChart::sizeHint() const
{
    return {320, 160};
}

QSize ThroughputChart::minimumSizeHint() const
{
    return {160, 80};
}

QRectF ThroughputChart::plotArea() const
{
    const int textHeight = fontMetrics().height();
    return QRectF(rect()).adjusted(4, textHeight + 4, -4, -(textHeight + 4));
}

void ThroughputChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &colors = palette();
    const QRectF plot = plotArea();
    painter.fillRect(plot, colors.color(QPalette::Base));
    QColor grid = colors.color(QPalette::Text);
    grid.setAlphaF(0.15);
    painter.setPen(QPen(grid, 1));
    painter.drawRect(plot);

    const int textHeight = fontMetrics().height();
    const QRectF top(plot.left(), 0, plot.width(), textHeight + 2);
    const QRectF bottom(plot.left(), plot.bottom() + 2, plot.width(), textHeight + 2);
    painter.setPen(colors.color(QPalette::PlaceholderText));
    if (!m_analytics || m_analytics->buckets().isEmpty()) {
        painter.drawText(plot, Qt::AlignCenter, tr("No events yet"));
        return;
    }

    const auto &buckets = m_analytics->buckets();
    const double bucketSeconds = double(m_analytics->bucketMs()) / 1000.0;
    double peak = 1;
    for (const core::ThroughputBucket &bucket : buckets)
        peak = qMax(peak, double(bucket.codeChars + bucket.chatChars) / bucketSeconds);
    painter.drawText(top, Qt::AlignLeft | Qt::AlignVCenter,
                     tr("peak %1 chars/s").arg(qRound64(peak)));
    painter.drawText(bottom, Qt::AlignLeft | Qt::AlignTop, secondsText(0));
    painter.drawText(bottom, Qt::AlignRight | Qt::AlignTop, secondsText(spanMs()));

    const double barWidth = plot.width() / double(buckets.size());
    const QColor code = colors.color(QPalette::Link); // saturated in light and dark palettes
    QColor chat = code;
    chat.setAlphaF(0.4);
    painter.setPen(Qt::NoPen);
    for (qsizetype i = 0; i < buckets.size(); ++i) {
        const core::ThroughputBucket &bucket = buckets.at(i);
        const double codeHeight = plot.height() * double(bucket.codeChars) / bucketSeconds / peak;
        const double chatHeight = plot.height() * double(bucket.chatChars) / bucketSeconds / peak;
        const double x = plot.left() + double(i) * barWidth;
        const double width = qMax(1.0, barWidth - (barWidth > 3 ? 1 : 0));
        painter.fillRect(QRectF(x, plot.bottom() - codeHeight, width, codeHeight), code);
        painter.fillRect(QRectF(x, plot.bottom() - codeHeight - chatHeight, width, chatHeight),
                         chat);
    }

    if (m_playheadMs) {
        const double x = plot.left() + plot.width() * double(*m_playheadMs) / double(spanMs());
        painter.setPen(QPen(colors.color(QPalette::Text), 1.5));
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        painter.drawText(top, Qt::AlignRight | Qt::AlignVCenter, secondsText(*m_playheadMs));
    }
}

void ThroughputChart::mousePressEvent(QMouseEvent *event)
{
    const QRectF plot = plotArea();
    if (event->button() != Qt::LeftButton || plot.width() <= 0) {
        QWidget::mousePressEvent(event);
        return;
    }
    const double fraction = qBound(0.0, (event->position().x() - plot.left()) / plot.width(), 1.0);
    Q_EMIT timeClicked(qRound64(fraction * double(spanMs())));
}

} // namespace inkstream::ui
