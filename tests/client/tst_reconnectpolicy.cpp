#include "core/client/reconnectpolicy.h"

#include <QSet>
#include <QTest>

using inkstream::core::ReconnectPolicy;
using namespace std::chrono_literals;

class TestReconnectPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void delayFor_data();
    void delayFor();
    void fullJitter_staysWithinDelay();
    void fullJitter_atTheFloor_staysAboveItAndVaries();
    void allowsAttempt_data();
    void allowsAttempt();
};

void TestReconnectPolicy::delayFor_data()
{
    QTest::addColumn<qint64>("base");
    QTest::addColumn<qint64>("cap");
    QTest::addColumn<bool>("serverRetryIsBase");
    QTest::addColumn<qint64>("serverRetry"); // -1: none sent
    QTest::addColumn<QList<qint64>>("expected"); // attempts 1..N

    QTest::newRow("defaults double up to the 30 s cap")
        << qint64(1000) << qint64(30000) << true << qint64(-1)
        << QList<qint64> {1000, 2000, 4000, 8000, 16000, 30000, 30000};
    QTest::newRow("server retry becomes the base")
        << qint64(1000) << qint64(30000) << true << qint64(3000)
        << QList<qint64> {3000, 6000, 12000, 24000, 30000};
    QTest::newRow("server retry ignored when told to")
        << qint64(1000) << qint64(30000) << false << qint64(3000)
        << QList<qint64> {1000, 2000, 4000};
    QTest::newRow("base above the cap is capped")
        << qint64(50000) << qint64(30000) << true << qint64(-1) << QList<qint64> {30000, 30000};
    // Never below the 250 ms floor, and the floor is where the doubling starts: a server that
    // says `retry: 0` and closes at once must not cause a reconnect storm.
    QTest::newRow("zero base starts at the floor")
        << qint64(0) << qint64(30000) << true << qint64(-1) << QList<qint64> {250, 500, 1000};
    QTest::newRow("server retry of zero starts at the floor")
        << qint64(1000) << qint64(30000) << true << qint64(0)
        << QList<qint64> {250, 500, 1000, 2000};
    QTest::newRow("server retry below the floor")
        << qint64(1000) << qint64(30000) << true << qint64(10) << QList<qint64> {250, 500};
    QTest::newRow("cap below the floor keeps the floor")
        << qint64(0) << qint64(100) << true << qint64(0) << QList<qint64> {250, 250, 250};
}

void TestReconnectPolicy::delayFor()
{
    QFETCH(qint64, base);
    QFETCH(qint64, cap);
    QFETCH(bool, serverRetryIsBase);
    QFETCH(qint64, serverRetry);
    QFETCH(QList<qint64>, expected);

    ReconnectPolicy policy;
    policy.baseDelay = std::chrono::milliseconds(base);
    policy.maxDelay = std::chrono::milliseconds(cap);
    policy.serverRetryIsBase = serverRetryIsBase;
    const std::optional<std::chrono::milliseconds> retry
        = serverRetry < 0 ? std::nullopt : std::optional(std::chrono::milliseconds(serverRetry));
    for (int attempt = 1; attempt <= expected.size(); ++attempt)
        QCOMPARE(policy.delayFor(attempt, retry).count(), expected.at(attempt - 1));
    // A very long outage neither overflows nor passes the cap (or the floor, when higher).
    QVERIFY(policy.delayFor(1000000, retry).count()
            <= std::max<qint64>(cap, ReconnectPolicy::kMinDelay.count()));
}

void TestReconnectPolicy::fullJitter_staysWithinDelay()
{
    ReconnectPolicy policy;
    policy.jitter = ReconnectPolicy::Jitter::Full;
    bool varied = false;
    const auto first = policy.delayFor(5);
    for (int i = 0; i < 200; ++i) {
        const auto delay = policy.delayFor(5);
        QVERIFY(delay >= 0ms);
        QVERIFY(delay <= 16000ms);
        varied = varied || delay != first;
    }
    QVERIFY(varied);
}

void TestReconnectPolicy::fullJitter_atTheFloor_staysAboveItAndVaries()
{
    // `retry: 0`: the first attempts wait at least the floor, spread over half the floor more,
    // so that viewers sent away together do not all come back together.
    ReconnectPolicy policy;
    policy.jitter = ReconnectPolicy::Jitter::Full;
    QCOMPARE(policy.minDelay, 250ms);
    QSet<qint64> seen;
    for (int i = 0; i < 200; ++i) {
        const auto delay = policy.delayFor(1, 0ms);
        QVERIFY2(delay >= 250ms && delay <= 375ms, qPrintable(QString::number(delay.count())));
        seen.insert(delay.count());
    }
    QVERIFY(seen.size() > 10);
    for (int attempt = 1; attempt < 40; ++attempt)
        QVERIFY(policy.delayFor(attempt, 0ms) >= 250ms);
}

void TestReconnectPolicy::allowsAttempt_data()
{
    QTest::addColumn<int>("maxAttempts");
    QTest::addColumn<int>("attempt");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("unlimited") << 0 << 1000000 << true;
    QTest::newRow("within the limit") << 5 << 5 << true;
    QTest::newRow("past the limit") << 5 << 6 << false;
}

void TestReconnectPolicy::allowsAttempt()
{
    QFETCH(int, maxAttempts);
    QFETCH(int, attempt);
    QFETCH(bool, allowed);
    ReconnectPolicy policy;
    policy.maxAttempts = maxAttempts;
    QCOMPARE(policy.allowsAttempt(attempt), allowed);
}

QTEST_GUILESS_MAIN(TestReconnectPolicy)
#include "tst_reconnectpolicy.moc"
