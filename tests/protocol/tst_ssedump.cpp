#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

// `inkstream sse-dump` against the golden fixtures in tests/fixtures/sse, fed whole and in
// small chunks; the expected output is the same whatever the split.
class TestSseDump final : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };

    static Result runDump(const QStringList &options, const QByteArray &input)
    {
        QProcess process;
        process.start(qEnvironmentVariable("INKSTREAM_BINARY"),
                      QStringList {QStringLiteral("sse-dump")} + options);
        Result result;
        if (!process.waitForStarted(10000))
            return result;
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished();
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        return result;
    }

    static QByteArray readFile(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(qEnvironmentVariable("INKSTREAM_BINARY")),
                 "INKSTREAM_BINARY must name the built inkstream executable");
    }

    void fixtures_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QStringList>("options");

        const QDir dir(qEnvironmentVariable("INKSTREAM_SOURCE_DIR")
                       + QStringLiteral("/tests/fixtures/sse"));
        const QStringList inputs
            = dir.entryList({QStringLiteral("*.sse")}, QDir::Files, QDir::Name);
        QVERIFY2(inputs.size() >= 6, qPrintable(dir.path()));
        const QList<std::pair<const char *, QStringList>> modes = {
            {"default", {}},
            {"chunk 1", {QStringLiteral("--chunk-bytes"), QStringLiteral("1")}},
            {"chunk 2", {QStringLiteral("--chunk-bytes"), QStringLiteral("2")}},
            {"chunk 7", {QStringLiteral("--chunk-bytes"), QStringLiteral("7")}},
        };
        for (const QString &input : inputs) {
            const QString base = input.chopped(4);
            for (const auto &[mode, options] : modes) {
                QTest::addRow("%s, %s", qPrintable(base), mode)
                    << dir.filePath(input) << dir.filePath(base + QStringLiteral(".expected.jsonl"))
                    << options;
            }
        }
    }

    void fixtures()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QFETCH(QStringList, options);
        const QByteArray expectedOutput = readFile(expected);
        QVERIFY2(!expectedOutput.isEmpty(), qPrintable(expected));
        const Result result = runDump(options, readFile(input));
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.err, QByteArray());
        // Line by line, so a failure shows the first differing event.
        QCOMPARE(result.out.split('\n'), expectedOutput.split('\n'));
    }

    void emptyInput_printsNothing()
    {
        const Result result = runDump({}, {});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out, QByteArray());
    }

    void oversizedEvent_droppedAndReported()
    {
        const Result result = runDump({QStringLiteral("--max-event-bytes"), QStringLiteral("16")},
                                      "data: " + QByteArray(64, 'x') + "\n\ndata: ok\n\n");
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out, QByteArray("{\"event\":\"message\",\"data\":\"ok\",\"id\":\"\"}\n"));
        QVERIFY2(result.err.contains("dropped"), result.err.constData());
    }

    void badArguments_exitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("zero chunk")
            << QStringList {QStringLiteral("--chunk-bytes"), QStringLiteral("0")};
        QTest::newRow("text chunk")
            << QStringList {QStringLiteral("--chunk-bytes"), QStringLiteral("many")};
        QTest::newRow("negative max")
            << QStringList {QStringLiteral("--max-event-bytes"), QStringLiteral("-1")};
        QTest::newRow("extra argument") << QStringList {QStringLiteral("file.sse")};
    }

    void badArguments_exitTwo()
    {
        QFETCH(QStringList, arguments);
        const Result result = runDump(arguments, {});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.startsWith("inkstream sse-dump: "));
        QCOMPARE(result.out, QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestSseDump)
#include "tst_ssedump.moc"
