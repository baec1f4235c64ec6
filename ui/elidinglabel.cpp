#include "ui/elidinglabel.h"

#include <QHelpEvent>
#include <QToolTip>
#include <QtMath>

namespace inkstream::ui {

ElidingLabel::ElidingLabel(QWidget *parent)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ElidingLabel::setFullText(const QString &text)
{
    if (text == m_fullText)
        return;
    m_fullText = text;
    updateGeometry();
    elide();
}

QSize ElidingLabel::sizeHint() const
{
    // Rounded up: QFontMetrics rounds to the nearest pixel, and elidedText() elides a text that
    // is a fraction of a pixel wider than the room it is given.
    const QMargins margins = contentsMargins();
    const int text = qCeil(QFontMetricsF(font()).horizontalAdvance(m_fullText));
    return QSize(text + margins.left() + margins.right(), QLabel::sizeHint().height());
}

QSize ElidingLabel::minimumSizeHint() const
{
    const QMargins margins = contentsMargins();
    return QSize(fontMetrics().horizontalAdvance(QStringLiteral("…")) + margins.left()
                     + margins.right(),
                 QLabel::minimumSizeHint().height());
}

bool ElidingLabel::event(QEvent *event)
{
    // Cut short, the label shows its whole text on hover, above what its tooltip explains.
    if (event->type() == QEvent::ToolTip && isElided()) {
        const QString explanation = toolTip();
        QToolTip::showText(
            static_cast<QHelpEvent *>(event)->globalPos(),
            explanation.isEmpty() ? m_fullText : m_fullText + QStringLiteral("\n\n") + explanation,
            this);
        return true;
    }
    return QLabel::event(event);
}

void ElidingLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    elide();
}

void ElidingLabel::elide()
{
    const QString shown
        = fontMetrics().elidedText(m_fullText, Qt::ElideRight, contentsRect().width());
    if (shown != text())
        setText(shown);
}

} // namespace inkstream::ui
