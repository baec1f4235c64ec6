#pragma once

#include <QColor>
#include <QPixmap>
#include <QRectF>

class QPainter;

namespace inkstream::ui {

// The small state marks shared by the file list, the tracker and the chat's event lines: a
// spinning arc while something is under way, a check when done, a cross on error, two bars
// while the stream that drives it is interrupted. Painted, so they are crisp at any scale.
class StatusGlyph final
{
public:
    enum class Kind { Spinner, Check, Cross, Dot, Pause };

    // `phase` (0..1) turns the spinner.
    static void paint(QPainter *painter, const QRectF &rect, Kind kind, const QColor &color,
                      qreal phase = 0);
    static QPixmap pixmap(Kind kind, const QColor &color, int size, qreal devicePixelRatio,
                          qreal phase = 0);

    static QColor runningColor() { return {0xf5, 0xa6, 0x23}; }
    static QColor doneColor() { return {0x3f, 0xb9, 0x50}; }
    static QColor failedColor() { return {0xe5, 0x48, 0x4d}; }
};

} // namespace inkstream::ui
