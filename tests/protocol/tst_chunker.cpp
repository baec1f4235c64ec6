#include "core/protocol/chunker.h"

#include <QRandomGenerator>
#include <QTest>

using namespace inkstream::core;

namespace {

QStringList toStrings(const QList<QStringView> &views)
{
    QStringList strings;
    for (const QStringView view : views)
        strings.append(view.toString());
    return strings;
}

qsizetype codePoints(QStringView text)
{
    return qsizetype(text.toUcs4().size());
}

} // namespace

class TestChunker final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void split_givesExpectedChunks_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("chunkSize");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("ascii, default size 5")
            << QStringLiteral("hello world") << 5
            << QStringList {QStringLiteral("hello"), QStringLiteral(" worl"), QStringLiteral("d")};
        QTest::newRow("ascii, size 1")
            << QStringLiteral("abc") << 1
            << QStringList {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        QTest::newRow("empty text gives no chunk") << QString() << 5 << QStringList {};
        QTest::newRow("size larger than text")
            << QStringLiteral("abc") << 100 << QStringList {QStringLiteral("abc")};
        QTest::newRow("size 0 counts as 1")
            << QStringLiteral("ab") << 0 << QStringList {QStringLiteral("a"), QStringLiteral("b")};
        QTest::newRow("negative size counts as 1")
            << QStringLiteral("ab") << -3 << QStringList {QStringLiteral("a"), QStringLiteral("b")};
        QTest::newRow("emoji, size 1 keeps the pair")
            << QStringLiteral("a🎉b") << 1
            << QStringList {QStringLiteral("a"), QStringLiteral("🎉"), QStringLiteral("b")};
        QTest::newRow("emoji on a chunk boundary")
            << QStringLiteral("abcd🎉ef") << 5
            << QStringList {QStringLiteral("abcd🎉"), QStringLiteral("ef")};
        QTest::newRow("emoji only, size 2")
            << QStringLiteral("😀😁😂") << 2
            << QStringList {QStringLiteral("😀😁"), QStringLiteral("😂")};
        QTest::newRow("CJK, size 3")
            << QStringLiteral("漢字かな交じり文") << 3
            << QStringList {QStringLiteral("漢字か"), QStringLiteral("な交じ"),
                            QStringLiteral("り文")};
        QTest::newRow("ZWJ sequence splits between code points, not inside one")
            << QStringLiteral("👩‍💻") << 1
            << QStringList {QStringLiteral("👩"), QStringLiteral("‍"), QStringLiteral("💻")};
        QTest::newRow("CRLF and tabs are plain code points")
            << QStringLiteral("a\r\n\tb") << 2
            << QStringList {QStringLiteral("a\r"), QStringLiteral("\n\t"), QStringLiteral("b")};

        QString loneHigh = QStringLiteral("x");
        loneHigh.append(QChar(0xD83D));
        loneHigh.append(u'y');
        QTest::newRow("lone high surrogate counts as one")
            << loneHigh << 1
            << QStringList {QStringLiteral("x"), QString(QChar(0xD83D)), QStringLiteral("y")};
        QString trailingHigh = QStringLiteral("ab");
        trailingHigh.append(QChar(0xD83D));
        QTest::newRow("lone high surrogate at the end")
            << trailingHigh << 2 << QStringList {QStringLiteral("ab"), QString(QChar(0xD83D))};
    }

    void split_givesExpectedChunks()
    {
        QFETCH(QString, text);
        QFETCH(int, chunkSize);
        QFETCH(QStringList, expected);
        QCOMPARE(toStrings(Chunker::split(text, chunkSize)), expected);
        QCOMPARE(Chunker::chunkCount(text, chunkSize), expected.size());
    }

    void split_randomText_neverSplitsACodePoint_data()
    {
        QTest::addColumn<int>("chunkSize");
        QTest::newRow("size 1") << 1;
        QTest::newRow("size 2") << 2;
        QTest::newRow("size 5") << 5;
        QTest::newRow("size 64") << 64;
    }

    void split_randomText_neverSplitsACodePoint()
    {
        QFETCH(int, chunkSize);
        // A mix of 1-, 2-, 3- and 4-byte UTF-8 sequences.
        const QList<char32_t> alphabet
            = {U'a', U'\n', U'é', U'ß', U'€', U'漢', U'か', U'🎉', U'😀', U'𝄞', U'\u200D', U'\u0301'};
        QRandomGenerator random(42);
        QString text;
        for (int i = 0; i < 5000; ++i) {
            const char32_t codePoint = alphabet.at(random.bounded(int(alphabet.size())));
            text.append(QString::fromUcs4(&codePoint, 1));
        }

        const QList<QStringView> chunks = Chunker::split(text, chunkSize);
        QString joined;
        for (qsizetype i = 0; i < chunks.size(); ++i) {
            const QStringView chunk = chunks.at(i);
            QVERIFY(!chunk.isEmpty());
            QVERIFY2(!chunk.back().isHighSurrogate(), "a chunk ends inside a surrogate pair");
            QVERIFY2(!chunk.front().isLowSurrogate(), "a chunk starts inside a surrogate pair");
            if (i + 1 < chunks.size())
                QCOMPARE(codePoints(chunk), qsizetype(chunkSize));
            else
                QVERIFY(codePoints(chunk) <= chunkSize);
            // Each chunk is valid UTF-8 on its own, so no sequence is split on the wire.
            QCOMPARE(QString::fromUtf8(chunk.toUtf8()), chunk.toString());
            joined.append(chunk);
        }
        QCOMPARE(joined, text);
    }

    void chunkLength_outOfRange_isZero()
    {
        const QString text = QStringLiteral("abc");
        QCOMPARE(Chunker::chunkLength(text, 3, 5), qsizetype(0));
        QCOMPARE(Chunker::chunkLength(text, 10, 5), qsizetype(0));
        QCOMPARE(Chunker::chunkLength(text, -1, 5), qsizetype(0));
        QCOMPARE(Chunker::chunkLength(text, 1, 5), qsizetype(2));
    }

    void chunkOptions_defaultsMatchSeed()
    {
        const ChunkOptions options;
        QCOMPARE(options.chunkSize, 5);
        QCOMPARE(options.delayMs, 20);
        QVERIFY(!options.instant);
    }

    void split_twoMegabytes_benchmark()
    {
        const QString text
            = QStringLiteral("fn main() { println!(\"héllo 🎉\"); }\n").repeated(50000);
        qsizetype chunks = 0;
        QBENCHMARK
        {
            chunks = Chunker::split(text, 5).size();
        }
        QCOMPARE(chunks, Chunker::chunkCount(text, 5));
    }
};

QTEST_GUILESS_MAIN(TestChunker)
#include "tst_chunker.moc"
