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
    // Closed by a queued call (what QTimer::singleShot(0) is in Qt 6): the event loop delivers
    // it with its posted events, after the zero timers that are due with this one (the slices of
    // every kind); tst_documentdrain checks that two such timers see one budget between them.
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
