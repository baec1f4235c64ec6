#pragma once

#include <QtGlobal>

namespace inkstream::ui {

// The time the GUI thread may give background work in one turn of its event loop, shared by all
// of it: highlighting, filling documents, giving their texts back. Each of those runs in slices
// from a zero-interval timer, and the timers that are due together fire in the same turn: with
// a budget each (4 ms of highlighting, 2 ms of filling, a text given back, then the paint) a
// file switch held the window for 20–30 ms. A turn opens with the first question asked of it
// and closes when the event loop turns again.
class TurnBudget final
{
public:
    TurnBudget() = delete;

    static constexpr qint64 kBudgetNs = 4'000'000;
    // What a slice may always have, spent or not, so that every kind of work moves on.
    static constexpr qint64 kFloorNs = 1'000'000;

    static qint64 leftNs();
    static bool hasLeft() { return leftNs() > 0; }
    static void spend(qint64 ns);

private:
    static void open();

    static inline qint64 s_spentNs = 0;
    static inline bool s_open = false;
};

} // namespace inkstream::ui
