#include <QDeadlineTimer>
#include <QDir>
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

    // Starts the window (no display but Qt's -platform option), with the start-up report on,
    // and waits until it reports `what` ("first-paint", "complete"); stops it either way.
    static bool runWindowUntil(const QStringList &arguments, const QByteArray &what,
                               QByteArray *output)
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("DISPLAY"));
        environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
        environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
        environment.insert(QStringLiteral("INKSTREAM_STARTUP_REPORT"), QStringLiteral("1"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"),
                           QDir::tempPath() + QStringLiteral("/inkstream-guicli-config"));
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(qEnvironmentVariable("INKSTREAM_BINARY"), arguments);
        const QByteArray marker = "inkstream-startup: " + what;
        QDeadlineTimer deadline(60000);
        while (!output->contains(marker) && process.state() != QProcess::NotRunning
               && !deadline.hasExpired()) {
            process.waitForReadyRead(200);
            output->append(process.readAll());
        }
        const bool reached = output->contains(marker);
        process.terminate();
        if (!process.waitForFinished(5000)) {
            process.kill();
            process.waitForFinished();
        }
        output->append(process.readAll());
        return reached;
    }

private Q_SLOTS:
    // Qt's own options reach Qt, whatever the order: here -platform stands in for a display.
    void qtOptions_areLeftToQt()
    {
        QByteArray output;
        QVERIFY2(runWindowUntil({QStringLiteral("--demo"), QStringLiteral("-platform"),
                                 QStringLiteral("offscreen"), QStringLiteral("-style"),
                                 QStringLiteral("Fusion"), QStringLiteral("--speed"),
                                 QStringLiteral("20")},
                                "complete", &output),
                 output.constData());
        QVERIFY2(!output.contains("Unknown option"), output.constData());

        output.clear();
        QVERIFY2(runWindowUntil({QStringLiteral("--platform"), QStringLiteral("offscreen"),
                                 QStringLiteral("-reverse"), QStringLiteral("-style=Fusion"),
                                 QStringLiteral("--demo"), QStringLiteral("--speed"),
                                 QStringLiteral("20")},
                                "complete", &output),
                 output.constData());
    }

    // The desktop entry's `Exec=inkstream %u`: a URL on its own opens the window on it.
    void positionalUrl_opensTheWindowOnThatSession()
    {
        QProcess serve;
        serve.start(qEnvironmentVariable("INKSTREAM_BINARY"),
                    {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"),
                     QStringLiteral("--demo"), QStringLiteral("--speed"), QStringLiteral("20")});
        QVERIFY(serve.waitForStarted());
        QByteArray firstLine;
        QDeadlineTimer deadline(20000);
        // A slow start (a loaded machine) is waited for: only the deadline ends the wait.
        while (!firstLine.contains('\n') && !deadline.hasExpired()) {
            serve.waitForReadyRead(200);
            firstLine.append(serve.readAllStandardOutput());
        }
        const QString url = QString::fromUtf8(firstLine).trimmed();
        QVERIFY2(url.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(url));

        QByteArray output;
        const bool completed = runWindowUntil(
            {QStringLiteral("-platform"), QStringLiteral("offscreen"), url}, "complete", &output);
        serve.terminate();
        QVERIFY(serve.waitForFinished(10000));
        QVERIFY2(completed, output.constData());
        QVERIFY2(output.contains(url.toUtf8()), output.constData()); // "following URL"
    }

    void version()
    {
        for (const QStringList &arguments :
             {QStringList {QStringLiteral("--version")},
              QStringList {QStringLiteral("replay"), QStringLiteral("--version")}}) {
            const Result result = run(arguments);
            QCOMPARE(result.exitCode, 0);
            QVERIFY2(result.out.startsWith(QStringLiteral("inkstream ")), qPrintable(result.err));
        }
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
        QTest::newRow("two URLs")
            << QStringList {QStringLiteral("http://127.0.0.1:1/api/sessions/a"),
                            QStringLiteral("http://127.0.0.1:1/api/sessions/b")}
            << QStringLiteral("one URL at a time");
        QTest::newRow("a URL twice")
            << QStringList {QStringLiteral("http://127.0.0.1:1/api/sessions/a"),
                            QStringLiteral("--connect"),
                            QStringLiteral("http://127.0.0.1:1/api/sessions/a")}
            << QStringLiteral("give the URL once");
        QTest::newRow("demo and a URL")
            << QStringList {QStringLiteral("--demo"),
                            QStringLiteral("http://127.0.0.1:1/api/sessions/a")}
            << QStringLiteral("cannot be combined");
        QTest::newRow("unknown option")
            << QStringList {QStringLiteral("--demo"), QStringLiteral("--frobnicate")}
            << QStringLiteral("Unknown option 'frobnicate'");
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

    // One contract for every command: --help shows the usage in the order it is typed and
    // the exit statuses, --version answers, an unknown option is a usage error (2) said with
    // the command's prefix.
    void everyCommand_sharesHelpVersionAndUsageStatus_data()
    {
        QTest::addColumn<QString>("command");
        for (const char *command : {"", "serve", "publish", "watch", "replay", "sse-dump"})
            QTest::newRow(*command ? command : "window") << QString::fromLatin1(command);
    }

    void everyCommand_sharesHelpVersionAndUsageStatus()
    {
        QFETCH(QString, command);
        const QStringList base = command.isEmpty() ? QStringList() : QStringList {command};
        const QString name = command.isEmpty() ? QStringLiteral("inkstream")
                                               : QStringLiteral("inkstream ") + command;

        const Result help = run(base + QStringList {QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.startsWith(QStringLiteral("Usage: %1 [options]").arg(name)),
                 qPrintable(help.out.left(200)));
        QVERIFY2(help.out.contains(QStringLiteral("Exit status:\n  0  ")), qPrintable(help.out));
        QVERIFY2(help.out.contains(QStringLiteral("  2  the command line is wrong")),
                 qPrintable(help.out));

        const Result version = run(base + QStringList {QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY2(version.out.startsWith(QStringLiteral("inkstream ")), qPrintable(version.err));

        const Result unknown = run(base + QStringList {QStringLiteral("--frobnicate")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.startsWith(name + QStringLiteral(": Unknown option 'frobnicate'")),
                 qPrintable(unknown.err));
        QVERIFY2(unknown.err.contains(QStringLiteral("Try '%1 --help'").arg(name)),
                 qPrintable(unknown.err));
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
