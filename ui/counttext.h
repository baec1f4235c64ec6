#pragma once

#include <QString>

namespace inkstream::ui {

// "1 file", "3 files": a count with its noun in the right number. Qt's "%n file(s)" needs a
// translation to lose its "(s)"; the window ships none, so it says the words itself.
class CountText final
{
public:
    // `one` is the text for exactly one; `many` has "%1" for the (localised) count.
    static QString of(qint64 count, const QString &one, const QString &many);
};

} // namespace inkstream::ui
