#include "core/client/outputdirectory.h"
#include "tests/support/files.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using inkstream::core::OutputDirectory;
using inkstream::test::filesBelow;
using inkstream::test::readAll;

namespace {

// "s" and one unpaired UTF-16 surrogate (no C++ literal can hold one).
QString sWithSurrogate(char16_t unit)
{
    return QStringLiteral("s") + QChar(unit);
}

} // namespace

class TestOutputDirectory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unsafeName_isRefused_data();
    void unsafeName_isRefused();
    void safeName_isWritten_data();
    void safeName_isWritten();
    void rewrite_replacesContentAtomically();
    void symlinkedDirectory_leadingOutside_isRefused();
    void symlinkAsTarget_isRefused();
    void missingRoot_isCreated();
    void rootThatIsAFile_failsToOpen();
    void collidingNames_secondIsRefused_firstKept_data();
    void collidingNames_secondIsRefused_firstKept();
    void sameNameTwice_isARewrite();
    void fileWhereADirectoryIsNeeded_isRefused();
    void printableName_escapesWhatCannotBeShown();
};

void TestOutputDirectory::unsafeName_isRefused_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("parent traversal") << QStringLiteral("../../etc/passwd");
    QTest::newRow("traversal in the middle") << QStringLiteral("a/../../x");
    QTest::newRow("dot-dot alone") << QStringLiteral("..");
    QTest::newRow("absolute path") << QStringLiteral("/tmp/abs.txt");
    QTest::newRow("backslash") << QStringLiteral("a\\b.txt");
    QTest::newRow("windows traversal") << QStringLiteral("..\\..\\x");
    QTest::newRow("drive letter") << QStringLiteral("C:/x.txt");
    QTest::newRow("drive relative") << QStringLiteral("c:x.txt");
    QTest::newRow("NUL") << (QStringLiteral("a") + QChar(0) + QStringLiteral("b"));
    QTest::newRow("newline") << QStringLiteral("a\nb");
    QTest::newRow("empty") << QString();
    QTest::newRow("empty segment") << QStringLiteral("a//b");
    QTest::newRow("trailing slash") << QStringLiteral("a/");
    QTest::newRow("dot segment") << QStringLiteral("./a");
    QTest::newRow("too long") << QString(1025, u'a');
    QTest::newRow("C1 control") << QStringLiteral("a\u009bb.txt");
    // Windows-reserved device names, in any component, any case, with or without extension.
    QTest::newRow("CON") << QStringLiteral("CON");
    QTest::newRow("aux.txt") << QStringLiteral("aux.txt");
    QTest::newRow("NUL/x") << QStringLiteral("NUL/x");
    QTest::newRow("prn.tar.gz deep") << QStringLiteral("src/prn.tar.gz");
    QTest::newRow("com1") << QStringLiteral("com1");
    QTest::newRow("Com9.log") << QStringLiteral("logs/Com9.log");
    QTest::newRow("LPT1") << QStringLiteral("LPT1");
    QTest::newRow("lpt9 directory") << QStringLiteral("a/lpt9/b.txt");
    QTest::newRow("COM superscript") << QStringLiteral("COM\u00b9.txt");
    QTest::newRow("CON with trailing space before the dot") << QStringLiteral("con .txt");
    QTest::newRow("conin$") << QStringLiteral("CONIN$");
    // Trailing dots and spaces, which Windows drops.
    QTest::newRow("trailing dot") << QStringLiteral("notes.");
    QTest::newRow("trailing dots in a directory") << QStringLiteral("dir../x.txt");
    QTest::newRow("trailing space") << QStringLiteral("a.txt ");
    QTest::newRow("trailing space in a directory") << QStringLiteral("b /c");
    QTest::newRow("only dots") << QStringLiteral("...");
    // Bidirectional controls, which make a name read differently from what it is.
    QTest::newRow("RLO") << QStringLiteral("invoice\u202egpj.exe");
    QTest::newRow("LRE") << QStringLiteral("a\u202ab");
    QTest::newRow("PDF") << QStringLiteral("a\u202cb");
    QTest::newRow("LRI") << QStringLiteral("dir\u2066/x");
    QTest::newRow("PDI") << QStringLiteral("x\u2069");
    QTest::newRow("LRM") << QStringLiteral("\u200ename");
    QTest::newRow("RLM") << QStringLiteral("name\u200f.txt");
    QTest::newRow("ALM") << QStringLiteral("a\u061cb");
}

void TestOutputDirectory::unsafeName_isRefused()
{
    QFETCH(QString, name);
    QTemporaryDir parent;
    QVERIFY(parent.isValid());
    const QString root = parent.filePath(QStringLiteral("out"));
    OutputDirectory output(root);
    QVERIFY(output.open());

    QString reason;
    QVERIFY(!OutputDirectory::isSafeRelativeName(name, &reason));
    QVERIFY(!reason.isEmpty());
    QString error;
    QVERIFY(!output.write(name, QByteArrayLiteral("pwned"), &error));
    QVERIFY2(error.contains(QStringLiteral("refused")), qPrintable(error));
    QCOMPARE(filesBelow(parent.path()), QStringList());
}

void TestOutputDirectory::safeName_isWritten_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("plain") << QStringLiteral("main.py");
    QTest::newRow("nested") << QStringLiteral("src/app/main.rs");
    QTest::newRow("hidden") << QStringLiteral(".env.example");
    QTest::newRow("dots inside a segment") << QStringLiteral("a..b/c...txt");
    QTest::newRow("unicode") << QStringLiteral("donn\u00e9es/\u6587\u4ef6.txt");
    QTest::newRow("colon later") << QStringLiteral("ab:c.txt");
    // Close to the reserved names, but not them.
    QTest::newRow("console.log") << QStringLiteral("console.log");
    QTest::newRow("auxiliary") << QStringLiteral("auxiliary/x.txt");
    QTest::newRow("com10") << QStringLiteral("com10");
    QTest::newRow("nul in the middle") << QStringLiteral("a.nul");
    QTest::newRow("lpt") << QStringLiteral("lpt");
    QTest::newRow("leading space") << QStringLiteral(" a.txt");
    QTest::newRow("arabic") << QStringLiteral("\u0645\u0644\u0641.txt");
}

void TestOutputDirectory::safeName_isWritten()
{
    QFETCH(QString, name);
    QTemporaryDir root;
    QVERIFY(root.isValid());
    OutputDirectory output(root.path());
    QVERIFY(output.open());
    const QByteArray bytes = QStringLiteral("caf\u00e9 \U0001F600\n").toUtf8();
    QString error;
    QVERIFY2(output.write(name, bytes, &error), qPrintable(error));
    QCOMPARE(readAll(root.filePath(name)), bytes);
    QCOMPARE(filesBelow(root.path()), QStringList {name});
}

void TestOutputDirectory::rewrite_replacesContentAtomically()
{
    QTemporaryDir root;
    OutputDirectory output(root.path());
    QVERIFY(output.open());
    QVERIFY(output.write(QStringLiteral("f.txt"), QByteArrayLiteral("first version, longer")));
    QVERIFY(output.write(QStringLiteral("f.txt"), QByteArrayLiteral("second")));
    QCOMPARE(readAll(root.filePath(QStringLiteral("f.txt"))), QByteArrayLiteral("second"));
    QCOMPARE(filesBelow(root.path()), QStringList {QStringLiteral("f.txt")}); // no temp left
}

void TestOutputDirectory::symlinkedDirectory_leadingOutside_isRefused()
{
    QTemporaryDir parent;
    const QString root = parent.filePath(QStringLiteral("out"));
    const QString outside = parent.filePath(QStringLiteral("outside"));
    QVERIFY(QDir().mkpath(root));
    QVERIFY(QDir().mkpath(outside));
    QVERIFY(QFile::link(outside, root + QStringLiteral("/escape")));

    OutputDirectory output(root);
    QVERIFY(output.open());
    QString error;
    QVERIFY(!output.write(QStringLiteral("escape/x.txt"), QByteArrayLiteral("pwned"), &error));
    QVERIFY2(error.contains(QStringLiteral("symbolic link")), qPrintable(error));
    QCOMPARE(filesBelow(outside), QStringList());
}

void TestOutputDirectory::symlinkAsTarget_isRefused()
{
    QTemporaryDir parent;
    const QString root = parent.filePath(QStringLiteral("out"));
    const QString victim = parent.filePath(QStringLiteral("victim.txt"));
    QVERIFY(QDir().mkpath(root));
    {
        QFile file(victim);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("original");
    }
    QVERIFY(QFile::link(victim, root + QStringLiteral("/link.txt")));

    OutputDirectory output(root);
    QVERIFY(output.open());
    QString error;
    QVERIFY(!output.write(QStringLiteral("link.txt"), QByteArrayLiteral("pwned"), &error));
    QVERIFY2(error.contains(QStringLiteral("symbolic link")), qPrintable(error));
    QCOMPARE(readAll(victim), QByteArrayLiteral("original"));
}

void TestOutputDirectory::missingRoot_isCreated()
{
    QTemporaryDir parent;
    const QString root = parent.filePath(QStringLiteral("a/b/c"));
    OutputDirectory output(root);
    QString error;
    QVERIFY2(output.open(&error), qPrintable(error));
    QVERIFY(QFileInfo(root).isDir());
}

void TestOutputDirectory::rootThatIsAFile_failsToOpen()
{
    QTemporaryDir parent;
    const QString root = parent.filePath(QStringLiteral("file"));
    {
        QFile file(root);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    OutputDirectory output(root);
    QString error;
    QVERIFY(!output.open(&error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!output.write(QStringLiteral("x"), "y"));
}

void TestOutputDirectory::collidingNames_secondIsRefused_firstKept_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    // Both unpaired surrogates are written as U+FFFD: one file on disk for two names.
    QTest::newRow("unpaired surrogates") << sWithSurrogate(0xd800) << sWithSurrogate(0xdc00);
    QTest::newRow("surrogate and U+FFFD") << sWithSurrogate(0xd800) << QStringLiteral("s\ufffd");
    // Case-insensitive (Windows, macOS) and normalising (macOS) file systems.
    QTest::newRow("case") << QStringLiteral("README.md") << QStringLiteral("readme.md");
    QTest::newRow("case in a directory")
        << QStringLiteral("Src/main.c") << QStringLiteral("src/MAIN.c");
    QTest::newRow("NFC and NFD") << QStringLiteral("caf\u00e9.txt")
                                 << QStringLiteral("cafe\u0301.txt");
    QTest::newRow("case of a non-ASCII letter")
        << QStringLiteral("\u00c9t\u00e9.txt") << QStringLiteral("\u00e9t\u00e9.txt");
}

void TestOutputDirectory::collidingNames_secondIsRefused_firstKept()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    QTemporaryDir root;
    OutputDirectory output(root.path());
    QVERIFY(output.open());
    QString error;
    QVERIFY2(output.write(first, QByteArrayLiteral("first"), &error), qPrintable(error));
    QVERIFY(!output.write(second, QByteArrayLiteral("second"), &error));
    // The error names both files, readably (escaped where a terminal could not show them).
    QVERIFY2(error.contains(OutputDirectory::printableName(first)), qPrintable(error));
    QVERIFY2(error.contains(OutputDirectory::printableName(second)), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("refused")), qPrintable(error));
    const QStringList files = filesBelow(root.path());
    QCOMPARE(files.size(), 1);
    QCOMPARE(readAll(root.filePath(files.at(0))), QByteArrayLiteral("first"));
    // The first name stays writable; the second stays refused.
    QVERIFY2(output.write(first, QByteArrayLiteral("again"), &error), qPrintable(error));
    QVERIFY(!output.write(second, QByteArrayLiteral("second"), &error));
    QCOMPARE(readAll(root.filePath(files.at(0))), QByteArrayLiteral("again"));
}

void TestOutputDirectory::sameNameTwice_isARewrite()
{
    QTemporaryDir root;
    OutputDirectory output(root.path());
    QVERIFY(output.open());
    QVERIFY(output.write(sWithSurrogate(0xd800), QByteArrayLiteral("one")));
    QVERIFY(output.write(sWithSurrogate(0xd800), QByteArrayLiteral("two")));
    QCOMPARE(readAll(root.filePath(QStringLiteral("s\ufffd"))), QByteArrayLiteral("two"));
}

void TestOutputDirectory::fileWhereADirectoryIsNeeded_isRefused()
{
    QTemporaryDir root;
    OutputDirectory output(root.path());
    QVERIFY(output.open());
    QString error;
    QVERIFY(output.write(QStringLiteral("lib/a.txt"), QByteArrayLiteral("a"), &error));
    QVERIFY(!output.write(QStringLiteral("LIB"), QByteArrayLiteral("b"), &error));
    QVERIFY2(error.contains(QStringLiteral("\"lib/a.txt\"")), qPrintable(error));
    QVERIFY(!output.write(QStringLiteral("lib/a.txt/b"), QByteArrayLiteral("c"), &error));
    QVERIFY2(error.contains(QStringLiteral("\"lib/a.txt\"")), qPrintable(error));
    QCOMPARE(filesBelow(root.path()), QStringList {QStringLiteral("lib/a.txt")});
}

void TestOutputDirectory::printableName_escapesWhatCannotBeShown()
{
    QCOMPARE(OutputDirectory::printableName(QStringLiteral("caf\u00e9/\u6587.txt")),
             QStringLiteral("caf\u00e9/\u6587.txt"));
    QCOMPARE(OutputDirectory::printableName(sWithSurrogate(0xd800)), QStringLiteral("s\\ud800"));
    QCOMPARE(OutputDirectory::printableName(QStringLiteral("a\u202eb")),
             QStringLiteral("a\\u202eb"));
    QCOMPARE(OutputDirectory::printableName(QStringLiteral("a\nb\u009b")),
             QStringLiteral("a\\u000ab\\u009b"));
    QCOMPARE(OutputDirectory::printableName(QStringLiteral("a\\b\"c")),
             QStringLiteral("a\\\\b\\\"c"));
    QCOMPARE(OutputDirectory::printableName(QStringLiteral("\U0001F600")),
             QStringLiteral("\U0001F600")); // a valid pair stays
}

QTEST_GUILESS_MAIN(TestOutputDirectory)
#include "tst_outputdirectory.moc"
