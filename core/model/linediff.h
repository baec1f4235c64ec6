#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace inkstream::core {

// A line-by-line diff of two texts, for showing what a stream changed in a file (or what the
// user changed against the AI's version). Common prefix and suffix are trimmed first, so the
// usual edit in the middle of a long file costs little; the rest is an LCS table, bounded in size
// (beyond it the middle is reported as removed-then-added, which is still a correct diff).
class LineDiff final
{
public:
    enum class Op { Same, Removed, Added };
    struct Line
    {
        Op op = Op::Same;
        QString text;
        friend bool operator==(const Line &, const Line &) = default;
    };

    static QList<Line> compute(const QString &before, const QString &after);
    // "--- a\n+++ b" style text with " ", "-", "+" prefixes, for copying.
    static QString unified(const QList<Line> &lines);
    static constexpr qsizetype maxTableCells() { return 16 * 1024 * 1024; }
};

} // namespace inkstream::core
