#include "tests/support/childprocess.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace {

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

Result runInkstream(const QStringList &arguments)
{
    QProcess process;
    process.start(binary(), arguments);
    Result result;
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("timed out");
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QJsonObject getJson(const QUrl &url)
{
    QNetworkAccessManager manager;
    std::unique_ptr<QNetworkReply> reply(manager.get(QNetworkRequest(url)));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    return QJsonDocument::fromJson(reply->readAll()).object();
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(bytes);
    return file.fileName();
}

// A GET of a session's stream that keeps every byte it receives.
struct StreamReader
{
    QNetworkAccessManager manager;
    std::unique_ptr<QNetworkReply> reply;
    QByteArray received;

    explicit StreamReader(const QString &sessionUrl)
        : reply(manager.get(QNetworkRequest(QUrl(sessionUrl + QStringLiteral("/stream")))))
    {
        QObject::connect(reply.get(), &QNetworkReply::readyRead, reply.get(),
                         [this] { received += reply->readAll(); });
    }
};

} // namespace

class TestServePublish final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(binary()).isExecutable(),
                 "INKSTREAM_BINARY must name the built inkstream");
    }

    void serve_printsUrlFirst_andPublishStreamsTheFile()
    {
        ServeProcess serve;
        const QString url = serve.readUrl();
        QVERIFY2(QRegularExpression(
                     QStringLiteral("^http://127\\.0\\.0\\.1:\\d+/api/sessions/[A-Za-z0-9_-]{16}$"))
                     .match(url)
                     .hasMatch(),
                 qPrintable(url));

        QTemporaryDir dir;
        const QByteArray source
            = QByteArrayLiteral("\xEF\xBB\xBF// BOM kept\nconst s = \"héllo 🎉 漢字\";\n")
                  .repeated(200);
        const QString path = writeFile(dir, QStringLiteral("greeting.ts"), source);
        const Result published
            = runInkstream({QStringLiteral("publish"), url, path, QStringLiteral("--delay-ms"),
                            QStringLiteral("0"), QStringLiteral("--chunk-size"),
                            QStringLiteral("7"), QStringLiteral("--complete")});
        QVERIFY2(published.exitCode == 0, qPrintable(published.err));
        QVERIFY(published.out.contains(QStringLiteral("published greeting.ts")));

        const QUrl snapshotUrl(url + QStringLiteral("/snapshot"));
        QJsonObject snapshot;
        QTRY_VERIFY_WITH_TIMEOUT(
            (snapshot = getJson(snapshotUrl)).value(QStringLiteral("state")).toString()
                == u"complete",
            30000);
        const QJsonObject file
            = snapshot.value(QStringLiteral("files")).toArray().first().toObject();
        QCOMPARE(file.value(QStringLiteral("name")).toString(), QStringLiteral("greeting.ts"));
        QCOMPARE(file.value(QStringLiteral("content")).toString().toUtf8(), source);

        serve.process.terminate();
        // (waitForFinished() would be false for a process that has already finished.)
        QTRY_COMPARE_WITH_TIMEOUT(serve.process.state(), QProcess::NotRunning, 10000);
        QCOMPARE(serve.process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.process.exitCode(), 0);
    }

    void serve_streamingSwitch_publishesFilesWhole_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<bool>("typed");
        QTest::newRow("default types the file") << QStringList {} << QStringList {} << true;
        QTest::newRow("--no-streaming")
            << QStringList {QStringLiteral("--no-streaming")} << QStringList {} << false;
        QTest::newRow("INKSTREAM_STREAMING=false")
            << QStringList {} << QStringList {QStringLiteral("INKSTREAM_STREAMING=false")} << false;
    }

    void serve_streamingSwitch_publishesFilesWhole()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, environment);
        QFETCH(bool, typed);
        ServeProcess serve(arguments, environment);
        const QString url = serve.readUrl();
        QVERIFY(!url.isEmpty());
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("a.txt"), QByteArray("0123456789"));
        const Result published
            = runInkstream({QStringLiteral("publish"), url, path, QStringLiteral("--delay-ms"),
                            QStringLiteral("0"), QStringLiteral("--chunk-size"),
                            QStringLiteral("1"), QStringLiteral("--complete")});
        QVERIFY2(published.exitCode == 0, qPrintable(published.err));
        QJsonObject snapshot;
        QTRY_VERIFY_WITH_TIMEOUT((snapshot = getJson(QUrl(url + QStringLiteral("/snapshot"))))
                                         .value(QStringLiteral("state"))
                                         .toString()
                                     == u"complete",
                                 30000);
        // start + 10 deltas + complete + session complete, or start + complete + session complete
        QCOMPARE(snapshot.value(QStringLiteral("lastSequence")).toInteger(), typed ? 13 : 3);
        QCOMPARE(snapshot.value(QStringLiteral("files"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("content"))
                     .toString(),
                 QStringLiteral("0123456789"));
    }

    void publish_refused_exitsNonZeroWithTheServersMessage_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("sessionSuffix");
        QTest::addColumn<QString>("message");
        QTest::newRow("name climbs out")
            << QStringList {QStringLiteral("--as"), QStringLiteral("../../etc/passwd")} << QString()
            << QStringLiteral("invalid file name");
        QTest::newRow("absolute name")
            << QStringList {QStringLiteral("--as"), QStringLiteral("/etc/passwd")} << QString()
            << QStringLiteral("absolute path");
        QTest::newRow("unknown session")
            << QStringList {} << QStringLiteral("-not-there") << QStringLiteral("unknown session");
    }

    void publish_refused_exitsNonZeroWithTheServersMessage()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, sessionSuffix);
        QFETCH(QString, message);
        ServeProcess serve;
        const QString url = serve.readUrl();
        QVERIFY(!url.isEmpty());
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("ok.py"), "print('ok')\n");
        const Result result = runInkstream(
            QStringList {QStringLiteral("publish"), url + sessionSuffix, path} + options);
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
    }

    void publish_localProblems_exitNonZero_data()
    {
        QTest::addColumn<QStringList>("arguments"); // %URL%, %OK%, %BAD% are substituted
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("invalid UTF-8 names the file")
            << QStringList {QStringLiteral("%URL%"), QStringLiteral("%BAD%")} << 1
            << QStringLiteral("bad.bin is not valid UTF-8");
        QTest::newRow("missing file")
            << QStringList {QStringLiteral("%URL%"), QStringLiteral("/nonexistent/x.py")} << 1
            << QStringLiteral("cannot read");
        QTest::newRow("--as with two files")
            << QStringList {QStringLiteral("%URL%"), QStringLiteral("%OK%"), QStringLiteral("%OK%"),
                            QStringLiteral("--as"), QStringLiteral("x.py")}
            << 2 << QStringLiteral("--as renames a single file");
        QTest::newRow("not a session URL")
            << QStringList {QStringLiteral("http://127.0.0.1:1/elsewhere"), QStringLiteral("%OK%")}
            << 2 << QStringLiteral("not a session URL");
        QTest::newRow("no file") << QStringList {QStringLiteral("%URL%")} << 2
                                 << QStringLiteral("at least one FILE");
    }

    void publish_localProblems_exitNonZero()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString ok = writeFile(dir, QStringLiteral("ok.py"), "print('ok')\n");
        const QString bad = writeFile(dir, QStringLiteral("bad.bin"), QByteArray("ab\xC3\x28zz"));
        for (QString &argument : arguments) {
            argument.replace(QStringLiteral("%URL%"),
                             QStringLiteral("http://127.0.0.1:9/api/sessions/x"));
            argument.replace(QStringLiteral("%OK%"), ok);
            argument.replace(QStringLiteral("%BAD%"), bad);
        }
        const Result result = runInkstream(QStringList {QStringLiteral("publish")} + arguments);
        QCOMPARE(result.exitCode, exitCode);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
    }

    void serve_portInUse_exitsOneWithMessage()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        const Result result = runInkstream({QStringLiteral("serve"), QStringLiteral("--port"),
                                            QString::number(blocker.serverPort())});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QStringLiteral("cannot listen")), qPrintable(result.err));
        QVERIFY(result.out.isEmpty());
    }

    void serveDemo_startsForTheFirstViewerAndCompletes()
    {
        ServeProcess serve(
            {QStringLiteral("--demo"), QStringLiteral("--speed"), QStringLiteral("500")});
        const QString url = serve.readUrl();
        QVERIFY(!url.isEmpty());
        // Nothing is published before a viewer comes. A demo that did not wait would have
        // published its opening events before the URL was printed (DemoScript::start()
        // publishes them at once); the first viewer's `connected` event below also says what had
        // been published when it subscribed, the moment the demo starts.
        QCOMPARE(getJson(QUrl(url + QStringLiteral("/snapshot")))
                     .value(QStringLiteral("lastSequence"))
                     .toInteger(),
                 0);

        StreamReader stream(url);
        QTRY_VERIFY_WITH_TIMEOUT(stream.received.contains("event: session\n"), 60000);
        const qsizetype connectedAt = stream.received.indexOf("event: connected\n");
        QVERIFY2(connectedAt >= 0, stream.received.left(300).constData());
        const qsizetype dataAt = stream.received.indexOf("data: ", connectedAt) + 6;
        const QJsonObject connected
            = QJsonDocument::fromJson(
                  stream.received.mid(dataAt, stream.received.indexOf('\n', dataAt) - dataAt))
                  .object();
        QCOMPARE(connected.value(QStringLiteral("lastSequence")).toInteger(-1), 0);
        stream.reply->abort();

        const QJsonObject snapshot = getJson(QUrl(url + QStringLiteral("/snapshot")));
        QCOMPARE(snapshot.value(QStringLiteral("state")).toString(), QStringLiteral("complete"));
        QVERIFY(snapshot.value(QStringLiteral("files")).toArray().size() >= 3);
    }

    // Issue 19, 13: a host name works as --bind (localhost: loopback, no token needed); one
    // that does not resolve is a usage error.
    void serve_bindTakesAHostName()
    {
        ServeProcess serve(
            {QStringLiteral("--bind"), QStringLiteral("localhost"), QStringLiteral("--ephemeral")});
        const QString url = serve.readUrl();
        QVERIFY2(url.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(url));
        const Result unknown = runInkstream({QStringLiteral("serve"), QStringLiteral("--bind"),
                                             QStringLiteral("no-such-host.invalid"),
                                             QStringLiteral("--port"), QStringLiteral("0")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains(QStringLiteral("--bind needs an IP address or a host name")),
                 qPrintable(unknown.err));
    }

    void serve_offLoopbackWithoutToken_refusesToStart()
    {
        // Nothing is bound: the refusal comes before listening.
        const Result result = runInkstream({QStringLiteral("serve"), QStringLiteral("--bind"),
                                            QStringLiteral("0.0.0.0"), QStringLiteral("--port"),
                                            QStringLiteral("0")});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QStringLiteral("without a publish token")),
                 qPrintable(result.err));
        QVERIFY(result.out.isEmpty());
    }

    void serve_securityUsageErrors_exitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("read token alone")
            << QStringList {QStringLiteral("--read-token"), QStringLiteral("r")}
            << QStringLiteral("needs a publish token");
        QTest::newRow("same token twice")
            << QStringList {QStringLiteral("--token"), QStringLiteral("t"),
                            QStringLiteral("--read-token"), QStringLiteral("t")}
            << QStringLiteral("must differ");
        QTest::newRow("missing token file")
            << QStringList {QStringLiteral("--token-file"), QStringLiteral("/nonexistent/token")}
            << QStringLiteral("cannot read token file");
        QTest::newRow("negative limit")
            << QStringList {QStringLiteral("--max-connection-rate"), QStringLiteral("-1")}
            << QStringLiteral("--max-connection-rate needs");
        QTest::newRow("bad session id")
            << QStringList {QStringLiteral("--session"), QStringLiteral("a/b")}
            << QStringLiteral("--session needs");
    }
    void serve_securityUsageErrors_exitTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result result = runInkstream(
            QStringList {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")}
            + arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
    }

    void serve_tokenFile_guardsTheApi()
    {
        QTemporaryDir dir;
        const QString tokenFile = writeFile(dir, QStringLiteral("token"), "s3cret-token\n");
        ServeProcess serve({QStringLiteral("--token-file"), tokenFile,
                            QStringLiteral("--ephemeral"), QStringLiteral("--session"),
                            QStringLiteral("guarded")});
        const QString url = serve.readUrl();
        QVERIFY(url.endsWith(QStringLiteral("/api/sessions/guarded")));
        QNetworkAccessManager manager;
        const auto status = [&](const QByteArray &authorization) {
            QNetworkRequest request(QUrl(url + QStringLiteral("/snapshot")));
            if (!authorization.isEmpty())
                request.setRawHeader("Authorization", authorization);
            std::unique_ptr<QNetworkReply> reply(manager.get(request));
            QSignalSpy finished(reply.get(), &QNetworkReply::finished);
            if (!reply->isFinished())
                finished.wait(10000);
            return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        };
        QCOMPARE(status({}), 401);
        QCOMPARE(status("Bearer wrong"), 403);
        QCOMPARE(status("Bearer s3cret-token"), 200);
    }

    // Issue 19, 10: publish feeds a publisher that has a token — from --token, --token-file,
    // INKSTREAM_TOKEN or the URL's ?token= — and never prints the token.
    void publish_withAToken_reachesAGuardedPublisher_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("--token") << QStringLiteral("option");
        QTest::newRow("--token-file") << QStringLiteral("file");
        QTest::newRow("INKSTREAM_TOKEN") << QStringLiteral("environment");
        QTest::newRow("?token=") << QStringLiteral("query");
        QTest::newRow("none") << QStringLiteral("none");
    }
    void publish_withAToken_reachesAGuardedPublisher()
    {
        QFETCH(QString, how);
        QTemporaryDir dir;
        ServeProcess serve({QStringLiteral("--token"), QStringLiteral("pub-s3cret"),
                            QStringLiteral("--ephemeral"), QStringLiteral("--session"),
                            QStringLiteral("guarded")});
        QString url = serve.readUrl();
        QVERIFY(url.endsWith(QStringLiteral("/api/sessions/guarded")));
        const QString source = writeFile(dir, QStringLiteral("a.py"), "print(1)\n");
        QStringList arguments {QStringLiteral("publish"), url, source, QStringLiteral("--instant")};
        QProcess publish;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("INKSTREAM_TOKEN"));
        if (how == u"option")
            arguments << QStringLiteral("--token") << QStringLiteral("pub-s3cret");
        else if (how == u"file")
            arguments << QStringLiteral("--token-file")
                      << writeFile(dir, QStringLiteral("token"), "pub-s3cret\n");
        else if (how == u"environment")
            env.insert(QStringLiteral("INKSTREAM_TOKEN"), QStringLiteral("pub-s3cret"));
        else if (how == u"query")
            arguments[1] = url + QStringLiteral("?token=pub-s3cret");
        publish.setProcessEnvironment(env);
        publish.start(binary(), arguments);
        QVERIFY(publish.waitForFinished(30000));
        const QByteArray output = publish.readAllStandardOutput() + publish.readAllStandardError();
        QVERIFY2(!output.contains("pub-s3cret"), output.constData());
        if (how == u"none") {
            QCOMPARE(publish.exitCode(), 1);
            QVERIFY2(output.contains("401"), output.constData());
        } else {
            QVERIFY2(publish.exitCode() == 0, output.constData());
            QVERIFY2(output.contains("published a.py"), output.constData());
        }
    }

    // Issue 19, 10: watch reads a guarded session with a token from --token, --token-file,
    // INKSTREAM_TOKEN or the URL's ?token=, and no line it prints holds the token.
    void watch_withAToken_readsAGuardedSession_data()
    {
        publish_withAToken_reachesAGuardedPublisher_data();
        QTest::newRow("--token and --token-file") << QStringLiteral("both");
        QTest::newRow("control character") << QStringLiteral("newline");
    }
    void watch_withAToken_readsAGuardedSession()
    {
        QFETCH(QString, how);
        QTemporaryDir dir;
        ServeProcess serve({QStringLiteral("--token"), QStringLiteral("pub-s3cret"),
                            QStringLiteral("--read-token"), QStringLiteral("r3ad-s3cret"),
                            QStringLiteral("--ephemeral"), QStringLiteral("--session"),
                            QStringLiteral("guarded"), QStringLiteral("--demo"),
                            QStringLiteral("--speed"), QStringLiteral("50")});
        const QString url = serve.readUrl();
        QVERIFY(url.endsWith(QStringLiteral("/api/sessions/guarded")));
        QStringList arguments {
            QStringLiteral("watch"),          url,
            QStringLiteral("--output"),       dir.filePath(QStringLiteral("out")),
            QStringLiteral("--timeout"),      QStringLiteral("60"),
            QStringLiteral("--max-attempts"), QStringLiteral("2")};
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("INKSTREAM_TOKEN"));
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("inkstream.*=true"));
        const QString tokenFile = writeFile(dir, QStringLiteral("token"), "r3ad-s3cret\n");
        if (how == u"option" || how == u"both")
            arguments << QStringLiteral("--token") << QStringLiteral("r3ad-s3cret");
        if (how == u"file" || how == u"both")
            arguments << QStringLiteral("--token-file") << tokenFile;
        if (how == u"environment")
            env.insert(QStringLiteral("INKSTREAM_TOKEN"), QStringLiteral("r3ad-s3cret"));
        if (how == u"query")
            arguments[1] = url + QStringLiteral("?token=r3ad-s3cret");
        if (how == u"newline")
            arguments << QStringLiteral("--token") << QStringLiteral("r3ad-s3cret\nX-Evil: 1");
        QProcess watch;
        watch.setProcessEnvironment(env);
        watch.start(binary(), arguments);
        QVERIFY(watch.waitForFinished(90000));
        const QByteArray output = watch.readAllStandardOutput() + watch.readAllStandardError();
        QVERIFY2(!output.contains("r3ad-s3cret"), output.constData());
        if (how == u"both") {
            QCOMPARE(watch.exitCode(), 2);
            QVERIFY2(output.contains("either with --token or with --token-file"),
                     output.constData());
        } else if (how == u"newline") {
            QCOMPARE(watch.exitCode(), 2);
            QVERIFY2(output.contains("control character"), output.constData());
        } else if (how == u"none") {
            QCOMPARE(watch.exitCode(), 1);
            QVERIFY2(output.contains("authentication required"), output.constData());
        } else {
            QVERIFY2(watch.exitCode() == 0, output.constData());
            QVERIFY2(!QDir(dir.filePath(QStringLiteral("out"))).isEmpty(), output.constData());
        }
        if (how == u"query")
            QVERIFY2(output.contains("token=REDACTED"), output.constData()); // logged, redacted
    }

    void serve_sigterm_sendsShutdownAndExitsCleanly()
    {
        ServeProcess serve;
        const QString url = serve.readUrl();
        QVERIFY(!url.isEmpty());
        StreamReader stream(url);
        QTRY_VERIFY_WITH_TIMEOUT(stream.received.contains("event: connected\n"), 10000);

        serve.process.terminate();
        QTRY_VERIFY_WITH_TIMEOUT(stream.received.contains("event: shutdown\n"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(stream.reply->isFinished(), 10000);
        // (waitForFinished() would be false for a process that has already finished.)
        QTRY_COMPARE_WITH_TIMEOUT(serve.process.state(), QProcess::NotRunning, 10000);
        QCOMPARE(serve.process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.process.exitCode(), 0);
        QVERIFY(serve.process.readAllStandardError().contains("stopped"));
    }
};

QTEST_GUILESS_MAIN(TestServePublish)
#include "tst_servepublish.moc"
