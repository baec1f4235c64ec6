#include "core/model/linediff.h"

#include <QTest>

using inkstream::core::LineDiff;
using Op = LineDiff::Op;

class TestLineDiff : public QObject
{
    Q_OBJECT

private:
    // Applying the diff's Same+Added lines must give `after`, Same+Removed must give `before`.
    static void verifyReconstructs(const QString &before, const QString &after)
    {
        const QList<LineDiff::Line> lines = LineDiff::compute(before, after);
        QStringList old;
        QStringList now;
        for (const LineDiff::Line &line : lines) {
            if (line.op != Op::Added)
                old << line.text;
            if (line.op != Op::Removed)
                now << line.text;
        }
        QCOMPARE(old.join(u'\n'), before);
        QCOMPARE(now.join(u'\n'), after);
    }

private Q_SLOTS:
    void identical_isAllSame()
    {
        const auto lines = LineDiff::compute(QStringLiteral("a\nb"), QStringLiteral("a\nb"));
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].op, Op::Same);
        QCOMPARE(lines[1].op, Op::Same);
    }

    void changedLine_inTheMiddle()
    {
        const auto lines = LineDiff::compute(QStringLiteral("a\nb\nc"), QStringLiteral("a\nB\nc"));
        const QList<LineDiff::Line> expected {{Op::Same, QStringLiteral("a")},
                                              {Op::Removed, QStringLiteral("b")},
                                              {Op::Added, QStringLiteral("B")},
                                              {Op::Same, QStringLiteral("c")}};
        QCOMPARE(lines, expected);
        QCOMPARE(LineDiff::unified(lines), QStringLiteral(" a\n-b\n+B\n c\n"));
    }

    void reconstructs_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::newRow("empty to text") << QString() << QStringLiteral("x\ny\n");
        QTest::newRow("text to empty") << QStringLiteral("x\ny\n") << QString();
        QTest::newRow("insertions and deletions")
            << QStringLiteral("1\n2\n3\n4\n5\n6") << QStringLiteral("0\n1\n3\n4\nfour\n6\n7");
        QTest::newRow("moved block")
            << QStringLiteral("a\nb\nc\nd\ne") << QStringLiteral("d\ne\na\nb\nc");
        QTest::newRow("repeated lines")
            << QStringLiteral("x\nx\ny\nx") << QStringLiteral("x\ny\nx\nx");
    }

    void reconstructs()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        verifyReconstructs(before, after);
    }

    void hugeMiddle_fallsBackToReplace_andStillReconstructs()
    {
        QString before;
        QString after;
        for (int i = 0; i < 5000; ++i) {
            before += QStringLiteral("old %1\n").arg(i);
            after += QStringLiteral("new %1\n").arg(i);
        }
        verifyReconstructs(before, after);
    }
};

QTEST_GUILESS_MAIN(TestLineDiff)
#include "tst_linediff.moc"
