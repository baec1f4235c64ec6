#include "core/server/heapreleaser.h"
#include "tests/sanitizers.h"

#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <memory>
#include <vector>

using namespace inkstream::core;

using namespace std::chrono_literals;

// Freed heap goes back to the system, and the release waits for a quiet moment.
class TestHeapReleaser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void freedBlocksBetweenLiveOnes_areGivenBack();
    void requestsWithinThePeriod_releaseOnce();
    void constantRequests_stillRelease();
};

namespace {

qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    static const QRegularExpression rss(QStringLiteral("VmRSS:\\s+(\\d+) kB"));
    return rss.match(QString::fromLatin1(status.readAll())).captured(1).toLongLong();
}

} // namespace

void TestHeapReleaser::freedBlocksBetweenLiveOnes_areGivenBack()
{
    if (kAddressSanitizer)
        QSKIP("AddressSanitizer's allocator keeps freed blocks in quarantine by design");
    // 64 MiB of small blocks (below glibc's mmap threshold, so on the heap), every 64th kept:
    // what a burst of catch-ups leaves between the session's own long-lived allocations.
    constexpr int kBlocks = 64 * 1024;
    std::vector<std::unique_ptr<char[]>> blocks(kBlocks);
    for (auto &block : blocks) {
        block.reset(new char[1024]);
        std::fill_n(block.get(), 1024, '\x5a');
    }
    for (int i = 0; i < kBlocks; ++i) {
        if (i % 64 != 63)
            blocks[std::size_t(i)].reset();
    }
    const qint64 beforeKiB = residentKiB();

    HeapReleaser releaser(0ms);
    QSignalSpy released(&releaser, &HeapReleaser::released);
    releaser.scheduleRelease();
    QVERIFY(released.wait(5000));

    const qint64 afterKiB = residentKiB();
    QVERIFY2(beforeKiB - afterKiB > 32 * 1024,
             qPrintable(QStringLiteral("resident %1 KiB before, %2 KiB after the release")
                            .arg(beforeKiB)
                            .arg(afterKiB)));
}

void TestHeapReleaser::requestsWithinThePeriod_releaseOnce()
{
    HeapReleaser releaser(200ms);
    QSignalSpy released(&releaser, &HeapReleaser::released);
    for (int i = 0; i < 5; ++i)
        releaser.scheduleRelease();
    QVERIFY(released.wait(5000));
    // Nothing asked since: a second release would have come within a further period.
    QVERIFY(!released.wait(600));
    QCOMPARE(released.size(), 1);
}

void TestHeapReleaser::constantRequests_stillRelease()
{
    HeapReleaser releaser(100ms);
    QSignalSpy released(&releaser, &HeapReleaser::released);
    QTimer departures;
    departures.setInterval(10ms);
    connect(&departures, &QTimer::timeout, &releaser, &HeapReleaser::scheduleRelease);
    departures.start();
    // Departures every 10 ms for a second: a release at least every period, not postponed.
    QTRY_VERIFY_WITH_TIMEOUT(released.size() >= 3, 5000);
}

QTEST_GUILESS_MAIN(TestHeapReleaser)
#include "tst_heapreleaser.moc"
