#include "ui/counttext.h"

#include <QLocale>

namespace inkstream::ui {

QString CountText::of(qint64 count, const QString &one, const QString &many)
{
    return count == 1 ? one : many.arg(QLocale().toString(count));
}

} // namespace inkstream::ui
