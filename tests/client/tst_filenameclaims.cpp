#include "core/client/filenameclaims.h"

#include <QTest>

using inkstream::core::FileNameClaims;

namespace {

// "s" and one unpaired UTF-16 surrogate (no C++ literal can hold one).
QString sWithSurrogate(char16_t unit)
{
    return QStringLiteral("s") + QChar(unit);
}

} // namespace

class TestFileNameClaims : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onDiskKey_data();
    void onDiskKey();
    void collision_refusesTheSecondName_namingBoth();
    void sameName_isClaimedOnce();
    void fileAndDirectory_cannotShareAPath_data();
    void fileAndDirectory_cannotShareAPath();
    void refusedName_claimsNothing();
};

void TestFileNameClaims::onDiskKey_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("same");
    QTest::newRow("two unpaired surrogates")
        << sWithSurrogate(0xd800) << sWithSurrogate(0xdc00) << true;
    QTest::newRow("surrogate and U+FFFD")
        << sWithSurrogate(0xdfff) << QStringLiteral("s\ufffd") << true;
    QTest::newRow("case") << QStringLiteral("Makefile") << QStringLiteral("makefile") << true;
    QTest::newRow("NFC and NFD") << QStringLiteral("\u00e9") << QStringLiteral("e\u0301") << true;
    QTest::newRow("case and NFD") << QStringLiteral("\u00c9") << QStringLiteral("e\u0301") << true;
    QTest::newRow("a valid pair is not U+FFFD")
        << QStringLiteral("\U0001F600") << QStringLiteral("\ufffd\ufffd") << false;
    QTest::newRow("different names") << QStringLiteral("a.txt") << QStringLiteral("b.txt") << false;
    QTest::newRow("a directory is not its file")
        << QStringLiteral("a/b") << QStringLiteral("a.b") << false;
}

void TestFileNameClaims::onDiskKey()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, same);
    QCOMPARE(FileNameClaims::onDiskKey(a) == FileNameClaims::onDiskKey(b), same);
}

void TestFileNameClaims::collision_refusesTheSecondName_namingBoth()
{
    FileNameClaims claims;
    QString error;
    QVERIFY(claims.claim(sWithSurrogate(0xd800), &error));
    QVERIFY(!claims.claim(sWithSurrogate(0xdc00), &error));
    QVERIFY2(error.contains(QStringLiteral("\"s\\ud800\"")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("\"s\\udc00\"")), qPrintable(error));
    QVERIFY(claims.contains(sWithSurrogate(0xd800)));
    QVERIFY(!claims.contains(sWithSurrogate(0xdc00)));
    QCOMPARE(claims.size(), 1);
}

void TestFileNameClaims::sameName_isClaimedOnce()
{
    FileNameClaims claims;
    QVERIFY(claims.claim(QStringLiteral("src/a.txt")));
    QVERIFY(claims.claim(QStringLiteral("src/a.txt")));
    QVERIFY(claims.claim(QStringLiteral("src/b.txt"))); // the same directory is fine
    QVERIFY(claims.claim(QStringLiteral("SRC/c.txt"))); // and so is the same one in other case
    QCOMPARE(claims.size(), 3);
}

void TestFileNameClaims::fileAndDirectory_cannotShareAPath_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::newRow("file, then a name below it") << QStringLiteral("a") << QStringLiteral("a/b");
    QTest::newRow("file, then deeper below it") << QStringLiteral("A") << QStringLiteral("a/b/c");
    QTest::newRow("directory, then a file of its name")
        << QStringLiteral("a/b/c") << QStringLiteral("a/B");
}

void TestFileNameClaims::fileAndDirectory_cannotShareAPath()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    FileNameClaims claims;
    QString error;
    QVERIFY(claims.claim(first, &error));
    QVERIFY(!claims.claim(second, &error));
    QVERIFY2(error.contains(u'"' + first + u'"'), qPrintable(error));
    QVERIFY2(error.contains(u'"' + second + u'"'), qPrintable(error));
}

void TestFileNameClaims::refusedName_claimsNothing()
{
    FileNameClaims claims;
    QVERIFY(claims.claim(QStringLiteral("a")));
    QVERIFY(!claims.claim(QStringLiteral("a/b")));
    // "a/b" was refused: its directory "a" was never taken from the file "a", and "A/x" is
    // refused for the same reason, not accepted because "a/b" came before.
    QVERIFY(!claims.claim(QStringLiteral("A/x")));
    QCOMPARE(claims.size(), 1);
}

QTEST_GUILESS_MAIN(TestFileNameClaims)
#include "tst_filenameclaims.moc"
