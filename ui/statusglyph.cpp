#include "ui/statusglyph.h"

#include <QPainter>
#include <QPainterPath>

namespace inkstream::ui {

void StatusGlyph::paint(QPainter *painter, const QRectF &rect, Kind kind, const QColor &color,
                        qreal phase)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const qreal side = qMin(rect.width(), rect.height());
    const QRectF box(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side);
    const qreal stroke = qMax<qreal>(1.5, side / 7);
    QPen pen(color, stroke, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    switch (kind) {
    case Kind::Spinner: {
        const QRectF arc = box.adjusted(stroke, stroke, -stroke, -stroke);
        QColor track = color;
        track.setAlphaF(0.25);
        painter->setPen(QPen(track, stroke));
        painter->drawEllipse(arc);
        painter->setPen(pen);
        // Qt angles are in 1/16 degree, counter-clockwise; spin clockwise.
        painter->drawArc(arc, int(-phase * 360 * 16), 100 * 16);
        break;
    }
    case Kind::Check: {
        painter->setPen(pen);
        QPainterPath path;
        path.moveTo(box.left() + side * 0.2, box.top() + side * 0.55);
        path.lineTo(box.left() + side * 0.42, box.top() + side * 0.75);
        path.lineTo(box.left() + side * 0.8, box.top() + side * 0.28);
        painter->drawPath(path);
        break;
    }
    case Kind::Cross:
        painter->setPen(pen);
        painter->drawLine(box.topLeft() + QPointF(side * 0.25, side * 0.25),
                          box.bottomRight() - QPointF(side * 0.25, side * 0.25));
        painter->drawLine(box.topRight() + QPointF(-side * 0.25, side * 0.25),
                          box.bottomLeft() + QPointF(side * 0.25, -side * 0.25));
        break;
    case Kind::Dot:
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        painter->drawEllipse(box.center(), side * 0.3, side * 0.3);
        break;
    case Kind::Pause:
        painter->setPen(pen);
        painter->drawLine(box.center() + QPointF(-side * 0.17, -side * 0.24),
                          box.center() + QPointF(-side * 0.17, side * 0.24));
        painter->drawLine(box.center() + QPointF(side * 0.17, -side * 0.24),
                          box.center() + QPointF(side * 0.17, side * 0.24));
        break;
    }
    painter->restore();
}

QPixmap StatusGlyph::pixmap(Kind kind, const QColor &color, int size, qreal devicePixelRatio,
                            qreal phase)
{
    QPixmap pixmap(QSize(size, size) * devicePixelRatio);
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    paint(&painter, QRectF(0, 0, size, size), kind, color, phase);
    return pixmap;
}

} // namespace inkstream::ui
