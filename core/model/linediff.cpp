#include "core/model/linediff.h"

#include <vector>

namespace inkstream::core {

QList<LineDiff::Line> LineDiff::compute(const QString &before, const QString &after)
{
    const QStringList a = before.split(u'\n');
    const QStringList b = after.split(u'\n');
    qsizetype prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix
           && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;

    QList<Line> out;
    for (qsizetype i = 0; i < prefix; ++i)
        out.append({Op::Same, a[i]});

    const qsizetype n = a.size() - prefix - suffix;
    const qsizetype m = b.size() - prefix - suffix;
    if (n > 0 && m > 0 && (n + 1) * (m + 1) <= maxTableCells()) {
        // lcs[i][j]: length of the LCS of a[prefix+i..] and b[prefix+j..].
        std::vector<quint32> lcs(size_t((n + 1) * (m + 1)), 0);
        auto at = [&](qsizetype i, qsizetype j) -> quint32 & {
            return lcs[size_t(i * (m + 1) + j)];
        };
        for (qsizetype i = n - 1; i >= 0; --i) {
            for (qsizetype j = m - 1; j >= 0; --j) {
                at(i, j) = a[prefix + i] == b[prefix + j] ? at(i + 1, j + 1) + 1
                                                          : qMax(at(i + 1, j), at(i, j + 1));
            }
        }
        qsizetype i = 0;
        qsizetype j = 0;
        while (i < n && j < m) {
            if (a[prefix + i] == b[prefix + j]) {
                out.append({Op::Same, a[prefix + i]});
                ++i;
                ++j;
            } else if (at(i + 1, j) >= at(i, j + 1)) {
                out.append({Op::Removed, a[prefix + i++]});
            } else {
                out.append({Op::Added, b[prefix + j++]});
            }
        }
        for (; i < n; ++i)
            out.append({Op::Removed, a[prefix + i]});
        for (; j < m; ++j)
            out.append({Op::Added, b[prefix + j]});
    } else {
        for (qsizetype i = 0; i < n; ++i)
            out.append({Op::Removed, a[prefix + i]});
        for (qsizetype j = 0; j < m; ++j)
            out.append({Op::Added, b[prefix + j]});
    }
    for (qsizetype i = a.size() - suffix; i < a.size(); ++i)
        out.append({Op::Same, a[i]});
    return out;
}

QString LineDiff::unified(const QList<Line> &lines)
{
    QString text;
    for (const Line &line : lines) {
        switch (line.op) {
        case Op::Same:
            text += u' ';
            break;
        case Op::Removed:
            text += u'-';
            break;
        case Op::Added:
            text += u'+';
            break;
        }
        text += line.text;
        text += u'\n';
    }
    return text;
}

} // namespace inkstream::core
