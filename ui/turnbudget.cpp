#include "ui/turnbudget.h"

#include <QCoreApplication>
#include <QTimer>

namespace inkstream::ui {

void TurnBudget::open()
{
    if (s_open)
        return;
    s_open = true;
    s_spentNs = 0;
    // A zero timer started now fires in the event loop's next pass over its timers, not in this
    // one (Qt fires only the timers that were due when the pass began).
    QTimer::singleShot(0, QCoreApplication::instance(), [] { s_open = false; });
}

qint64 TurnBudget::leftNs()
{
    open();
    return kBudgetNs - s_spentNs;
}

void TurnBudget::spend(qint64 ns)
{
    open();
    s_spentNs += ns;
}

} // namespace inkstream::ui
