#include "core/client/outputdirectory.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using inkstream::core::OutputDirectory;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Every file below `dir`, relative, sorted.
QStringList filesBelow(const QString &dir)
{
    QStringList names;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        names.append(QDir(dir).relativeFilePath(it.next()));
    names.sort();
    return names;
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

QTEST_GUILESS_MAIN(TestOutputDirectory)
#include "tst_outputdirectory.moc"
