#include "core/protocol/linescanner.h"

#include <QRandomGenerator>
#include <QTest>

using inkstream::core::LineScanner;

// LineScanner against the obvious byte-by-byte scan, on buffers that cross the 64-byte block
// edges every way: line ends and non-ASCII bytes at block starts and ends, long lines spanning
// several blocks, buffers shorter than a block, and the parser's access pattern (each scan
// starts where the previous line's terminator ended, sometimes further on).
class TestLineScanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyBuffer_returnsEnd();
    void lineEndsAtBlockEdges_found();
    void nonAsciiBeforeTheLineEnd_clearsAscii();
    void randomBuffers_matchByteByByteScan_data();
    void randomBuffers_matchByteByByteScan();
};

namespace {

const char *referenceLineEnd(const char *p, const char *end, bool *ascii)
{
    for (; p != end; ++p) {
        if (*p == '\r' || *p == '\n')
            return p;
        if (static_cast<unsigned char>(*p) >= 0x80)
            *ascii = false;
    }
    return end;
}

} // namespace

void TestLineScanner::emptyBuffer_returnsEnd()
{
    const char text[] = "";
    LineScanner scanner(text, text);
    bool ascii = true;
    QCOMPARE(scanner.lineEnd(text, &ascii), text);
    QVERIFY(ascii);
}

void TestLineScanner::lineEndsAtBlockEdges_found()
{
    for (const int at : {0, 1, 62, 63, 64, 65, 127, 128, 129, 191}) {
        QByteArray buffer(200, 'a');
        buffer[at] = '\n';
        LineScanner scanner(buffer.constBegin(), buffer.constEnd());
        bool ascii = true;
        QCOMPARE(scanner.lineEnd(buffer.constBegin(), &ascii) - buffer.constBegin(), at);
        QVERIFY(ascii);
        QCOMPARE(scanner.lineEnd(buffer.constBegin() + at + 1, &ascii), buffer.constEnd());
    }
}

void TestLineScanner::nonAsciiBeforeTheLineEnd_clearsAscii()
{
    QByteArray buffer(150, 'a');
    buffer[70] = char(0xC3);
    buffer[71] = char(0xA9);
    buffer[100] = '\r';
    LineScanner scanner(buffer.constBegin(), buffer.constEnd());
    bool ascii = true;
    QCOMPARE(scanner.lineEnd(buffer.constBegin() + 65, &ascii) - buffer.constBegin(), 100);
    QVERIFY(!ascii);
    // A high byte after the line end does not count against the line.
    buffer[120] = char(0xFF);
    LineScanner second(buffer.constBegin(), buffer.constEnd());
    ascii = true;
    QCOMPARE(second.lineEnd(buffer.constBegin() + 72, &ascii) - buffer.constBegin(), 100);
    QVERIFY(ascii);
}

void TestLineScanner::randomBuffers_matchByteByByteScan_data()
{
    QTest::addColumn<int>("endPercent");
    QTest::addColumn<int>("highPercent");
    QTest::newRow("short lines") << 20 << 5;
    QTest::newRow("long lines") << 1 << 1;
    QTest::newRow("rare line ends, no high bytes") << 0 << 0;
    QTest::newRow("mostly line ends") << 80 << 10;
    QTest::newRow("mostly high bytes") << 3 << 70;
}

void TestLineScanner::randomBuffers_matchByteByByteScan()
{
    QFETCH(int, endPercent);
    QFETCH(int, highPercent);
    QRandomGenerator random(0x5eed + endPercent * 100 + highPercent);
    for (int round = 0; round < 2000; ++round) {
        QByteArray buffer(random.bounded(0, 400), Qt::Uninitialized);
        for (char &byte : buffer) {
            const int roll = random.bounded(100);
            if (roll < endPercent)
                byte = random.bounded(2) ? '\n' : '\r';
            else if (roll < endPercent + highPercent)
                byte = char(random.bounded(0x80, 0x100));
            else
                byte = char(random.bounded(0x20, 0x7F));
        }
        const char *const begin = buffer.constBegin();
        const char *const end = buffer.constEnd();
        LineScanner scanner(begin, end);
        const char *p = begin;
        while (true) {
            bool ascii = true;
            bool expectedAscii = true;
            const char *found = scanner.lineEnd(p, &ascii);
            const char *expected = referenceLineEnd(p, end, &expectedAscii);
            QCOMPARE(found - begin, expected - begin);
            QCOMPARE(ascii, expectedAscii);
            if (found == end)
                break;
            // Past the terminator, sometimes further (a parser skipping a field it ignores).
            p = found + 1 + (random.bounded(8) == 0 ? random.bounded(0, 100) : 0);
            if (p > end)
                p = end;
        }
    }
}

QTEST_APPLESS_MAIN(TestLineScanner)
#include "tst_linescanner.moc"
