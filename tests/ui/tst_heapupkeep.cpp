#include "tests/sanitizers.h"
#include "ui/heapupkeep.h"

#include <QFile>
#include <QTest>
#include <cstdlib>
#include <vector>

using namespace inkstream::ui;

namespace {

double residentMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

// `count` blocks of `bytes`, every page touched (resident).
std::vector<char *> allocateTouched(int count, size_t bytes)
{
    std::vector<char *> blocks;
    for (int i = 0; i < count; ++i) {
        auto *block = static_cast<char *>(std::malloc(bytes));
        for (size_t at = 0; at < bytes; at += 4096)
            block[at] = char(i);
        blocks.push_back(block);
    }
    return blocks;
}

// Frees every other block: the ones left between them keep what is freed from merging into the
// top of the heap, which glibc would return by itself.
void freeEveryOther(std::vector<char *> &blocks)
{
    for (size_t i = 0; i < blocks.size(); i += 2) {
        std::free(blocks[i]);
        blocks[i] = nullptr;
    }
}

void freeAll(std::vector<char *> &blocks)
{
    for (char *block : blocks)
        std::free(block);
    blocks.clear();
}

} // namespace

class TestHeapUpkeep : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        if (kAddressSanitizer)
            QSKIP("ASan's allocator is not glibc's: nothing of this applies to it");
#if !defined(__GLIBC__)
        QSKIP("glibc's allocator only");
#endif
    }

    void initTestCase()
    {
        HeapUpkeep::install(this);
    }

    // Blocks over 128 KiB keep mappings of their own, returned when freed, even after a big
    // block was freed (which by itself makes glibc raise its threshold, up to 32 MiB: blocks of
    // 512 KiB then come from the heap and stay there when freed).
    void bigBlocks_areReturnedWhenFreed()
    {
        std::free(allocateTouched(1, 4 * 1024 * 1024).front());
        std::vector<char *> big = allocateTouched(128, 512 * 1024);
        const double before = residentMiB();
        freeEveryOther(big); // 32 MiB
        QVERIFY2(before - residentMiB() > 24, qPrintable(QString::number(before - residentMiB())));
        freeAll(big);
    }

    // Small blocks stay in the heap when freed (glibc returns only its top by itself); once
    // what is free has grown by kSlackBytes, the upkeep returns the pages.
    void freedHeapPages_areReturned()
    {
        std::vector<char *> small = allocateTouched(2048, 48 * 1024);
        const double before = residentMiB();
        freeEveryOther(small); // 48 MiB
        QVERIFY(HeapUpkeep::freeBytes() > HeapUpkeep::kSlackBytes);
        QVERIFY2(before - residentMiB() < 8, "glibc returned the small blocks by itself");
        QTRY_VERIFY_WITH_TIMEOUT(before - residentMiB() > 24, 3 * HeapUpkeep::kCheckMs);
        freeAll(small);
    }
};

QTEST_GUILESS_MAIN(TestHeapUpkeep)
#include "tst_heapupkeep.moc"
