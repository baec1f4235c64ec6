#include "core/model/crc32.h"

#include <QByteArray>
#include <QRandomGenerator>
#include <QTest>

using inkstream::core::Crc32;

namespace {

// The definition, one bit at a time: what the fast paths must equal.
quint32 crcBitByBit(QByteArrayView bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char byte : bytes) {
        crc ^= quint8(byte);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(20261207);
    for (char &byte : bytes)
        byte = char(generator.bounded(256));
    return bytes;
}

} // namespace

class TestCrc32 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qInfo("carry-less multiplication: %s", Crc32::usesCarryLessMultiply() ? "yes" : "no");
    }

    void knownValues()
    {
        QCOMPARE(Crc32::compute(""), 0u);
        QCOMPARE(Crc32::compute("123456789"), 0xCBF43926u);
        QCOMPARE(Crc32::compute("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
        QCOMPARE(Crc32::compute(QByteArray(4096, '\0')), crcBitByBit(QByteArray(4096, '\0')));
        QCOMPARE(Crc32::compute(QByteArray(4096, '\xff')), crcBitByBit(QByteArray(4096, '\xff')));
    }

    // Every length across the folding's thresholds (64 bytes, 16-byte steps, 4 x 16 rounds) at
    // every alignment: the folded and the table results are the definition's.
    void everyLengthAndAlignment_equalsTheDefinition()
    {
        const QByteArray data = randomBytes(1100);
        for (qsizetype offset = 0; offset < 16; ++offset) {
            for (qsizetype length = 0; offset + length <= 1024 + 16 && length <= 1024; ++length) {
                const QByteArrayView bytes = QByteArrayView(data).sliced(offset, length);
                const quint32 expected = crcBitByBit(bytes);
                if (Crc32::compute(bytes) != expected || Crc32::computeByTables(bytes) != expected)
                    QFAIL(
                        qPrintable(QStringLiteral("offset %1, length %2").arg(offset).arg(length)));
            }
        }
    }

    void continued_equalsInOnePiece()
    {
        const QByteArray data = randomBytes(70000);
        const quint32 whole = Crc32::compute(data);
        QCOMPARE(whole, crcBitByBit(data));
        for (qsizetype cut : {0, 1, 15, 63, 64, 65, 1000, 69999, 70000}) {
            const QByteArrayView bytes(data);
            QCOMPARE(Crc32::compute(bytes.sliced(cut), Crc32::compute(bytes.first(cut))), whole);
        }
    }
};

QTEST_GUILESS_MAIN(TestCrc32)
#include "tst_crc32.moc"
