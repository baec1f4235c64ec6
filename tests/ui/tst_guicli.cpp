#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

// The GUI's command line works without a display: help, version and usage errors are answered
// before any window system is touched.
class TestGuiCli : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Result run(const QStringList &arguments)
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("DISPLAY"));
        environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
        environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
        process.setProcessEnvironment(environment);
        process.start(qEnvironmentVariable("INKSTREAM_BINARY"), arguments);
        if (!process.waitForFinished(20000)) {
            process.kill();
            process.waitForFinished();
            return {};
        }
        Result result;
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

private Q_SLOTS:
    void version()
    {
        const Result result = run({QStringLiteral("--version")});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.startsWith(QStringLiteral("inkstream ")));
    }

    void help_listsTheOptionsAndCommands()
    {
        const Result result = run({QStringLiteral("--help")});
        QCOMPARE(result.exitCode, 0);
        for (const char *word : {"--demo", "--connect", "serve", "publish", "watch", "sse-dump"})
            QVERIFY2(result.out.contains(QLatin1String(word)), word);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown command") << QStringList {QStringLiteral("frobnicate")}
                                         << QStringLiteral("unknown command 'frobnicate'");
        QTest::newRow("not an http url")
            << QStringList {QStringLiteral("--connect"), QStringLiteral("ftp://example.org/x")}
            << QStringLiteral("--connect needs an http:// or https:// URL");
        QTest::newRow("demo and connect")
            << QStringList {QStringLiteral("--demo"), QStringLiteral("--connect"),
                            QStringLiteral("http://127.0.0.1:1/api/sessions/x")}
            << QStringLiteral("cannot be combined");
        QTest::newRow("bad speed")
            << QStringList {QStringLiteral("--demo"), QStringLiteral("--speed"),
                            QStringLiteral("fast")}
            << QStringLiteral("--speed needs a positive number");
        const QString url = QStringLiteral("http://127.0.0.1:1/v1");
        QTest::newRow("dialect without connect")
            << QStringList {QStringLiteral("--dialect"), QStringLiteral("openai")}
            << QStringLiteral("--dialect goes with --connect");
        QTest::newRow("unknown dialect")
            << QStringList {QStringLiteral("--connect"), url, QStringLiteral("--dialect"),
                            QStringLiteral("klingon")}
            << QStringLiteral("--dialect takes auto, native");
        QTest::newRow("unknown transport")
            << QStringList {QStringLiteral("--connect"), url, QStringLiteral("--transport"),
                            QStringLiteral("pigeon")}
            << QStringLiteral("--transport takes auto, sse, ws, poll or socketio");
        QTest::newRow("openai without a model")
            << QStringList {QStringLiteral("--connect"), url, QStringLiteral("--dialect"),
                            QStringLiteral("openai")}
            << QStringLiteral("--dialect openai needs --model NAME");
        QTest::newRow("prompt to a stream that takes none")
            << QStringList {QStringLiteral("--connect"), url, QStringLiteral("--prompt"),
                            QStringLiteral("hi")}
            << QStringLiteral("--prompt needs a chat dialect");
        QTest::newRow("relay without the demo")
            << QStringList {QStringLiteral("--relay"),
                            QStringLiteral("http://127.0.0.1:1/pub/{id}")}
            << QStringLiteral("--relay goes with --demo");
        QTest::newRow("relay that is not a URL")
            << QStringList {QStringLiteral("--demo"), QStringLiteral("--relay"),
                            QStringLiteral("ftp://x/pub")}
            << QStringLiteral("--relay needs an http(s) URL, not ftp://x/pub");
        QTest::newRow("relay token without a relay")
            << QStringList {QStringLiteral("--demo"), QStringLiteral("--relay-token"),
                            QStringLiteral("t")}
            << QStringLiteral("--relay-token goes with --relay");
        QTest::newRow("port out of range")
            << QStringList {QStringLiteral("--demo"), QStringLiteral("--port"),
                            QStringLiteral("70000")}
            << QStringLiteral("--port needs a number from 0 to 65535");
        QTest::newRow("replay without a file") << QStringList {QStringLiteral("replay")}
                                               << QStringLiteral("name the recording to replay");
        QTest::newRow("replay of two files")
            << QStringList {QStringLiteral("replay"), QStringLiteral("a"), QStringLiteral("b")}
            << QStringLiteral("one recording at a time");
        QTest::newRow("replay too fast")
            << QStringList {QStringLiteral("replay"), QStringLiteral("a"),
                            QStringLiteral("--speed"), QStringLiteral("50")}
            << QStringLiteral("--speed takes a factor from 0.25 to 20 or 'instant', not '50'");
    }

    // A recording that cannot be read, or was cut off, is reported before any window opens.
    void replay_unreadableOrCutRecording_explained()
    {
        const Result missing
            = run({QStringLiteral("replay"), QStringLiteral("/nonexistent/session.inkrec")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(QStringLiteral("cannot read recording")),
                 qPrintable(missing.err));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cut.inkrec"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"format\":\"inkstream-recording\",\"version\":1,\"source\":\"\","
                   "\"dialect\":\"native\",\"startedAt\":\"2026-11-23T02:14:12.517Z\"}\n"
                   "{\"t\":5,\"event\":{\"seq\":1,\"event\":\"progress\",\"sessionId\":\"s\","
                   "\"percent\":10,\"detail\":\"\"}}\n"
                   "{\"t\":9,\"event\":{\"seq\":2,\"event\":\"progr");
        file.close();
        const Result cut = run({QStringLiteral("replay"), path});
        QCOMPARE(cut.exitCode, 1); // no display here, after the warning
        QVERIFY2(cut.err.contains(QStringLiteral("line 3 is incomplete")), qPrintable(cut.err));
        QVERIFY2(cut.err.contains(QStringLiteral("no display")), qPrintable(cut.err));
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
    }

    void noDisplay_isExplained()
    {
        const Result result = run({QStringLiteral("--demo")});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QStringLiteral("no display")), qPrintable(result.err));
    }
};

QTEST_GUILESS_MAIN(TestGuiCli)
#include "tst_guicli.moc"
