#include "core/client/writebudget.h"

#include <QTest>

using inkstream::core::WriteBudget;
using namespace std::chrono_literals;

class TestWriteBudget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unlimited_byDefault();
    void bytes_areCappedInAll();
    void pastDeadline_isOutOfTime();
    void slowestWrite_mustFitBeforeTheDeadline();
};

void TestWriteBudget::unlimited_byDefault()
{
    WriteBudget budget;
    QCOMPARE(budget.check(qint64(1) << 40), WriteBudget::Verdict::Fits);
    QVERIFY(!budget.isPastDeadline());
}

void TestWriteBudget::bytes_areCappedInAll()
{
    WriteBudget budget;
    budget.setMaxBytes(1000);
    QCOMPARE(budget.check(1000), WriteBudget::Verdict::Fits);
    budget.recordWrite(600, 1ms);
    QCOMPARE(budget.check(400), WriteBudget::Verdict::Fits);
    QCOMPARE(budget.check(401), WriteBudget::Verdict::OverBytes);
    budget.recordWrite(400, 1ms);
    QCOMPARE(budget.bytesWritten(), 1000);
    QCOMPARE(budget.check(1), WriteBudget::Verdict::OverBytes);
    QCOMPARE(budget.check(0), WriteBudget::Verdict::Fits); // an empty file costs no bytes
}

void TestWriteBudget::pastDeadline_isOutOfTime()
{
    WriteBudget budget;
    budget.setDeadline(QDeadlineTimer(0));
    QVERIFY(budget.isPastDeadline());
    QCOMPARE(budget.check(1), WriteBudget::Verdict::OutOfTime);
    QCOMPARE(budget.check(0), WriteBudget::Verdict::OutOfTime);
}

void TestWriteBudget::slowestWrite_mustFitBeforeTheDeadline()
{
    WriteBudget budget;
    budget.setDeadline(QDeadlineTimer(2000));
    QCOMPARE(budget.check(10), WriteBudget::Verdict::Fits);
    budget.recordWrite(10, 1ms);
    QCOMPARE(budget.check(10), WriteBudget::Verdict::Fits);
    // One write (an fsync on a busy disk) took 5 s: the next one would end past the deadline.
    budget.recordWrite(10, 5s);
    QVERIFY(!budget.isPastDeadline());
    QCOMPARE(budget.check(10), WriteBudget::Verdict::OutOfTime);
}

QTEST_GUILESS_MAIN(TestWriteBudget)
#include "tst_writebudget.moc"
