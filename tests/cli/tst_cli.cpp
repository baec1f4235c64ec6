#include "core/protocol/eventcodec.h"
#include "tests/support/childprocess.h"
#include "tests/support/eventbuilders.h"
#include "tests/support/files.h"
#include "tests/support/rawhttpserver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace inkstream::core;
using inkstream::test::code;
using inkstream::test::codeDelta;
using inkstream::test::filesBelow;

namespace {

struct Finished
{
    bool ok = false; // exited on its own, in time
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Finished waitFor(QProcess &process, int timeoutMs = 120000)
{
    Finished result;
    result.ok = (process.state() == QProcess::NotRunning || process.waitForFinished(timeoutMs))
        && process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

// About `targetBytes` of UTF-8 source with 1-, 2-, 3- and 4-byte characters on every line.
QByteArray generatedSource(qsizetype targetBytes)
{
    QByteArray bytes;
    for (int line = 0; bytes.size() < targetBytes; ++line) {
        bytes += QStringLiteral(
                     "# %1 caf\u00e9 na\u00efve \u00e0\u00e7\u00f1 \u6f22\u5b57\u304b\u306a "
                     "\U0001F600\U0001F680\U0001F9EA\n"
                     "def f_%1(x):\n    return \"\u03bb \u2192 \u221e \u4e2d\u6587\" * x\r\n\n")
                     .arg(line)
                     .toUtf8();
    }
    return bytes;
}

QByteArray codeFrames(quint64 *sequence, const QString &name, const QString &content)
{
    CodeEvent start;
    start.type = CodeEvent::Type::Start;
    start.fileName = name;
    CodeEvent delta;
    delta.type = CodeEvent::Type::Delta;
    delta.fileName = name;
    delta.delta = content;
    delta.hasPosition = true;
    CodeEvent complete;
    complete.type = CodeEvent::Type::Complete;
    complete.fileName = name;
    const QString session = QStringLiteral("crafted");
    QByteArray frames = EventCodec::encodeSse(Event {++*sequence, session, start});
    frames += EventCodec::encodeSse(Event {++*sequence, session, delta});
    frames += EventCodec::encodeSse(Event {++*sequence, session, complete});
    return frames;
}

// The JSON of a viewer state file (watch --state); empty while there is none.
QJsonObject savedState(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void servePublishWatch_fileIsByteIdentical();
    void watch_refusesNamesOutsideOutputDir();
    void watch_unknownSession_isAnError();
    void watch_idleEndsQuietSession();
    void watch_idle_writesUnfinishedFiles();
    void watch_timeout_exitsNonZero();
    void watch_usageErrors_data();
    void watch_usageErrors();
    void watch_lateJoin_largeSession_isByteIdentical();
    void watch_state_resumesAfterSigkill();
    void watch_state_resumesFromPublisher();
    void watch_state_unusable_isRefused_data();
    void watch_state_unusable_isRefused();
    void watch_signal_writesInterruptedSummary_data();
    void watch_signal_writesInterruptedSummary();
    void watch_output_oneFailureLine_quietVerbose_data();
    void watch_output_oneFailureLine_quietVerbose();
    void watch_htmlPage_isNotAnEventStream();
    void watch_progressLine_onATerminalOnly();
    void curl_showsSseFrames();
};

void TestCli::initTestCase()
{
    QVERIFY2(QFileInfo(binary()).isExecutable(), "INKSTREAM_BINARY must name the built inkstream");
}

void TestCli::servePublishWatch_fileIsByteIdentical()
{
    ServeProcess serve;
    const QString url = serve.readLine();
    QVERIFY2(url.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(url));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray source = generatedSource(200 * 1024);
    QVERIFY(source.size() >= 200 * 1024);
    const QString sourcePath = dir.filePath(QStringLiteral("unicode_source.py"));
    {
        QFile file(sourcePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(source), source.size());
    }
    const QString outputDir = dir.filePath(QStringLiteral("out"));

    // The viewer follows from the start; publish runs while it watches.
    ChildProcess watch;
    watch.process.start(binary(),
                        {QStringLiteral("watch"), url, QStringLiteral("--output"), outputDir,
                         QStringLiteral("--summary"), QStringLiteral("-"),
                         QStringLiteral("--timeout"), QStringLiteral("100")});
    QVERIFY(watch.process.waitForStarted());
    // Publishing starts once the viewer is subscribed, so every character reaches it as a
    // streamed delta (a later join would get the start of the file inside a snapshot).
    QByteArray watchLog;
    QTRY_VERIFY_WITH_TIMEOUT(
        (watchLog += watch.process.readAllStandardError()).contains("connected to"), 30000);

    QProcess publish;
    publish.start(binary(),
                  {QStringLiteral("publish"), url, sourcePath, QStringLiteral("--delay-ms"),
                   QStringLiteral("0"), QStringLiteral("--complete")});
    const Finished published = waitFor(publish, 60000);
    QVERIFY2(published.ok && published.exitCode == 0, published.err.constData());

    const Finished watched = waitFor(watch.process);
    QVERIFY2(watched.ok, watched.err.constData());
    QCOMPARE(watched.exitCode, 0);
    QJsonParseError parseError;
    const QJsonObject summary = QJsonDocument::fromJson(watched.out, &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, watched.out.left(500).constData());

    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    QCOMPARE(summary.value(QStringLiteral("errors")).toArray(), QJsonArray());
    const QJsonArray files = summary.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), 1);
    const QJsonObject file = files.at(0).toObject();
    QCOMPARE(file.value(QStringLiteral("name")).toString(), QStringLiteral("unicode_source.py"));
    QCOMPARE(file.value(QStringLiteral("state")).toString(), QStringLiteral("complete"));
    QCOMPARE(file.value(QStringLiteral("bytes")).toInteger(), source.size());
    QCOMPARE(file.value(QStringLiteral("sha256")).toString(), sha256Hex(source));
    QVERIFY(summary.value(QStringLiteral("events")).toInteger() > 1000);
    QVERIFY(summary.contains(QStringLiteral("reconnects")));
    QCOMPARE(summary.value(QStringLiteral("duplicatesDropped")).toInteger(), 0);

    // Analytics: every character of the file arrived as a streamed delta, after the first
    // event; the wire carried at least the file; throughput over time adds up.
    const qint64 codePoints = QString::fromUtf8(source).toUcs4().size();
    QCOMPARE(summary.value(QStringLiteral("codeChars")).toInteger(), codePoints);
    QVERIFY(summary.value(QStringLiteral("bytes")).toInteger() > source.size());
    const qint64 firstEvent = summary.value(QStringLiteral("timeToFirstEventMs")).toInteger(-1);
    const qint64 firstCode = summary.value(QStringLiteral("timeToFirstCodeMs")).toInteger(-1);
    QVERIFY2(firstEvent >= 0 && firstCode >= firstEvent,
             qPrintable(QStringLiteral("%1 %2").arg(firstEvent).arg(firstCode)));
    const qint64 duration = summary.value(QStringLiteral("durationMs")).toInteger();
    QVERIFY(duration > 0);
    QCOMPARE(summary.value(QStringLiteral("charsPerSecond")).toDouble(),
             double(codePoints) * 1000.0 / double(duration));
    QVERIFY(summary.value(QStringLiteral("tokens")).toInteger() > 1000);
    const qint64 bucketMs = summary.value(QStringLiteral("throughputBucketMs")).toInteger();
    double charsOverTime = 0;
    for (const QJsonValue &bucket : summary.value(QStringLiteral("throughput")).toArray())
        charsOverTime += bucket.toObject().value(QStringLiteral("charsPerSecond")).toDouble()
            * double(bucketMs) / 1000.0;
    QCOMPARE(qRound64(charsOverTime), codePoints);

    QFile written(outputDir + QStringLiteral("/unicode_source.py"));
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray writtenBytes = written.readAll();
    QCOMPARE(sha256Hex(writtenBytes), sha256Hex(source));
    QVERIFY(writtenBytes == source);
    QCOMPARE(filesBelow(outputDir), QStringList {QStringLiteral("unicode_source.py")});
}

void TestCli::watch_refusesNamesOutsideOutputDir()
{
    const QString absoluteName = QStringLiteral("/tmp/abs.txt");
    const bool absoluteExisted = QFileInfo::exists(absoluteName);
    const QByteArray absoluteBefore = [&] {
        QFile file(absoluteName);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();

    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        quint64 sequence = 0;
        QByteArray body = RawHttpServer::streamHead() + "retry: 100\n\n";
        body += codeFrames(&sequence, QStringLiteral("../../etc/passwd"),
                           QStringLiteral("root::0:0"));
        body += codeFrames(&sequence, QStringLiteral("/tmp/abs.txt"), QStringLiteral("absolute"));
        body += codeFrames(&sequence, QStringLiteral("a/../../x"), QStringLiteral("climb"));
        body += codeFrames(&sequence, QStringLiteral("good/ok.txt"),
                           QStringLiteral("fine \u00e9\n"));
        body += EventCodec::encodeSse(
            Event {++sequence, QStringLiteral("crafted"), SessionEvent {}});
        request.socket->write(body);
    });

    QTemporaryDir dir;
    const QString outputDir = dir.filePath(QStringLiteral("one/two/out"));
    QProcess watch;
    watch.start(binary(),
                {QStringLiteral("watch"),
                 server.url(QStringLiteral("/api/sessions/crafted")).toString(),
                 QStringLiteral("--output"), outputDir, QStringLiteral("--summary"),
                 QStringLiteral("-"), QStringLiteral("--timeout"), QStringLiteral("30")});
    // The server lives in this process: keep its event loop turning while watch runs.
    QTRY_VERIFY_WITH_TIMEOUT(watch.state() == QProcess::NotRunning, 40000);
    const Finished watched = waitFor(watch, 1000);
    QVERIFY2(watched.ok, watched.err.constData());
    QCOMPARE(watched.exitCode, 0);
    const QJsonObject summary = QJsonDocument::fromJson(watched.out).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));

    const QJsonArray files = summary.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.at(0).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("good/ok.txt"));
    const QJsonArray errors = summary.value(QStringLiteral("errors")).toArray();
    QCOMPARE(errors.size(), 3);
    const QStringList refused = {QStringLiteral("../../etc/passwd"), QStringLiteral("/tmp/abs.txt"),
                                 QStringLiteral("a/../../x")};
    for (qsizetype i = 0; i < refused.size(); ++i) {
        const QString error = errors.at(i).toString();
        QVERIFY2(error.contains(QStringLiteral("refused file name \"%1\"").arg(refused.at(i))),
                 qPrintable(error));
    }

    // Only the good file exists, and only inside DIR.
    QCOMPARE(filesBelow(dir.path()), QStringList {QStringLiteral("one/two/out/good/ok.txt")});
    QFile good(outputDir + QStringLiteral("/good/ok.txt"));
    QVERIFY(good.open(QIODevice::ReadOnly));
    QCOMPARE(good.readAll(), QStringLiteral("fine \u00e9\n").toUtf8());
    QCOMPARE(QFileInfo::exists(absoluteName), absoluteExisted);
    if (absoluteExisted) {
        QFile file(absoluteName);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), absoluteBefore);
    }
}

void TestCli::watch_unknownSession_isAnError()
{
    ServeProcess serve;
    const QString url = serve.readLine();
    QVERIFY(!url.isEmpty());

    QTemporaryDir dir;
    const QString summaryPath = dir.filePath(QStringLiteral("summary.json"));
    QProcess watch;
    watch.start(binary(),
                {QStringLiteral("watch"), url + QStringLiteral("-missing"),
                 QStringLiteral("--summary"), summaryPath});
    const Finished watched = waitFor(watch, 30000);
    QVERIFY(watched.ok);
    QCOMPARE(watched.exitCode, 1);
    QFile file(summaryPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject summary = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
    const QString error = summary.value(QStringLiteral("errors")).toArray().at(0).toString();
    QVERIFY2(error.startsWith(QStringLiteral("no such session")), qPrintable(error));
}

// Issue 19, 12: a failure is said once, in one prefix style, whatever the logging rules; -q
// keeps only errors, -v adds the debug log.
void TestCli::watch_output_oneFailureLine_quietVerbose_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("loggingRules"); // QT_LOGGING_RULES; empty: unset
    QTest::addColumn<bool>("infoLines"); // "following URL"
    QTest::addColumn<bool>("debugLines");
    QTest::newRow("default") << QStringList() << QString() << true << false;
    QTest::newRow("logging off") << QStringList() << QStringLiteral("*=false") << false << false;
    QTest::newRow("-q") << QStringList {QStringLiteral("-q")} << QString() << false << false;
    QTest::newRow("-v") << QStringList {QStringLiteral("-v")} << QString() << true << true;
}

void TestCli::watch_output_oneFailureLine_quietVerbose()
{
    QFETCH(QStringList, flags);
    QFETCH(QString, loggingRules);
    QFETCH(bool, infoLines);
    QFETCH(bool, debugLines);
    QTcpServer closed; // a port that refuses: listened on, then closed
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    QProcess watch;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    if (!loggingRules.isEmpty())
        env.insert(QStringLiteral("QT_LOGGING_RULES"), loggingRules);
    watch.setProcessEnvironment(env);
    watch.start(binary(),
                QStringList {QStringLiteral("watch"),
                             QStringLiteral("http://127.0.0.1:%1/api/sessions/x").arg(port),
                             QStringLiteral("--transport"), QStringLiteral("sse"),
                             QStringLiteral("--max-attempts"), QStringLiteral("1")}
                    + flags);
    const Finished watched = waitFor(watch, 30000);
    QVERIFY(watched.ok);
    QCOMPARE(watched.exitCode, 1);
    const QList<QByteArray> lines = watched.err.trimmed().split('\n');
    qsizetype failureLines = 0;
    for (const QByteArray &line : lines) {
        QVERIFY2(line.startsWith("inkstream watch: "), watched.err.constData());
        failureLines
            += line.contains("gave up after 1 attempts") && !line.contains("inkstream.") ? 1 : 0;
    }
    QVERIFY2(failureLines == 1, watched.err.constData());
    QVERIFY2(watched.err.contains("Connection refused"), watched.err.constData());
    QCOMPARE(watched.err.contains("following http://"), infoLines);
    QCOMPARE(watched.err.contains("inkstream.client: "), debugLines);
    if (flags.contains(QStringLiteral("-q")))
        QCOMPARE(lines.size(), 1);
}

// Issue 19, 12: watch pointed at a page says it is not an event stream (not "no such session
// at .../viewer.html/snapshot", where the polling fallback used to end).
void TestCli::watch_htmlPage_isNotAnEventStream()
{
    ServeProcess serve;
    const QUrl url(serve.readLine());
    QVERIFY(url.isValid());
    QUrl page = url;
    page.setPath(QStringLiteral("/view/") + url.path().section(u'/', -1));
    QProcess watch;
    watch.start(binary(),
                {QStringLiteral("watch"), page.toString(), QStringLiteral("--max-attempts"),
                 QStringLiteral("1")});
    const Finished watched = waitFor(watch, 30000);
    QVERIFY(watched.ok);
    QCOMPARE(watched.exitCode, 1);
    QVERIFY2(watched.err.contains("is not an event stream: the server answered text/html"),
             watched.err.constData());
    QVERIFY2(!watched.err.contains("/snapshot"), watched.err.constData());
}

// Issue 19, 12: on a terminal, watch keeps a one-line status up to date; piped, it prints none.
void TestCli::watch_progressLine_onATerminalOnly()
{
    if (QStandardPaths::findExecutable(QStringLiteral("script")).isEmpty())
        QSKIP("util-linux's script(1) gives the command a terminal; it is not installed");
    const QStringList demo {QStringLiteral("--demo"), QStringLiteral("--speed"),
                            QStringLiteral("8")};
    ServeProcess serve(demo);
    const QString url = serve.readLine();
    QVERIFY(!url.isEmpty());
    QTemporaryDir dir;
    // script(1) runs watch on a pseudo-terminal and copies what it wrote there to stdout.
    QProcess onTerminal;
    onTerminal.start(QStringLiteral("script"),
                     {QStringLiteral("-qefc"),
                      QStringLiteral("'%1' watch '%2' --output '%3' 2>&1")
                          .arg(binary(), url, dir.filePath(QStringLiteral("tty"))),
                      QStringLiteral("/dev/null")});
    const Finished shown = waitFor(onTerminal, 120000);
    QVERIFY(shown.ok);
    QCOMPARE(shown.exitCode, 0);
    QVERIFY2(shown.out.contains("\r\x1b[Kwatch: "), shown.out.constData());
    QVERIFY2(shown.out.contains(" events · "), shown.out.constData());

    ServeProcess serveAgain(demo);
    const QString urlAgain = serveAgain.readLine();
    QProcess piped;
    piped.start(binary(),
                {QStringLiteral("watch"), urlAgain, QStringLiteral("--output"),
                 dir.filePath(QStringLiteral("pipe"))});
    const Finished quiet = waitFor(piped, 120000);
    QVERIFY(quiet.ok);
    QCOMPARE(quiet.exitCode, 0);
    QVERIFY2(!quiet.err.contains('\r'), quiet.err.constData());
    QVERIFY2(!quiet.err.contains(" events · "), quiet.err.constData());
}

void TestCli::watch_idleEndsQuietSession()
{
    ServeProcess serve;
    const QString url = serve.readLine();
    QVERIFY(!url.isEmpty());

    QProcess watch;
    watch.start(binary(),
                {QStringLiteral("watch"), url, QStringLiteral("--until"),
                 QStringLiteral("idle:0.5"), QStringLiteral("--summary"), QStringLiteral("-")});
    const Finished watched = waitFor(watch, 30000);
    QVERIFY(watched.ok);
    QCOMPARE(watched.exitCode, 0);
    const QJsonObject summary = QJsonDocument::fromJson(watched.out).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("idle"));
    QCOMPARE(summary.value(QStringLiteral("files")).toArray(), QJsonArray());
    QCOMPARE(summary.value(QStringLiteral("steps")).toArray().size(), 4);
    QCOMPARE(summary.value(QStringLiteral("progress")).toInt(-1), 0);
}

void TestCli::watch_idle_writesUnfinishedFiles()
{
    // A file that starts but never completes, then silence.
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        CodeEvent start;
        start.type = CodeEvent::Type::Start;
        start.fileName = QStringLiteral("half.txt");
        CodeEvent delta;
        delta.type = CodeEvent::Type::Delta;
        delta.fileName = start.fileName;
        delta.delta = QStringLiteral("so far \u00e9");
        const QString session = QStringLiteral("quiet");
        request.socket->write(RawHttpServer::streamHead()
                              + EventCodec::encodeSse(Event {1, session, start})
                              + EventCodec::encodeSse(Event {2, session, delta}));
    });

    QTemporaryDir dir;
    QProcess watch;
    watch.start(binary(),
                {QStringLiteral("watch"),
                 server.url(QStringLiteral("/api/sessions/quiet")).toString(),
                 QStringLiteral("--output"), dir.path(), QStringLiteral("--until"),
                 QStringLiteral("idle:0.3"), QStringLiteral("--summary"), QStringLiteral("-")});
    QTRY_VERIFY_WITH_TIMEOUT(watch.state() == QProcess::NotRunning, 30000);
    const Finished watched = waitFor(watch);
    QVERIFY2(watched.ok, watched.err.constData());
    QCOMPARE(watched.exitCode, 0);
    const QJsonObject summary = QJsonDocument::fromJson(watched.out).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("idle"));
    const QJsonObject file = summary.value(QStringLiteral("files")).toArray().at(0).toObject();
    QCOMPARE(file.value(QStringLiteral("state")).toString(), QStringLiteral("writing"));
    const QByteArray expected = QStringLiteral("so far \u00e9").toUtf8();
    QCOMPARE(file.value(QStringLiteral("sha256")).toString(), sha256Hex(expected));
    QFile written(dir.filePath(QStringLiteral("half.txt")));
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), expected);
}

void TestCli::watch_timeout_exitsNonZero()
{
    ServeProcess serve;
    const QString url = serve.readLine();
    QVERIFY(!url.isEmpty());

    QProcess watch;
    watch.start(binary(),
                {QStringLiteral("watch"), url, QStringLiteral("--timeout"), QStringLiteral("0.5"),
                 QStringLiteral("--summary"), QStringLiteral("-")});
    const Finished watched = waitFor(watch, 30000);
    QVERIFY(watched.ok);
    QCOMPARE(watched.exitCode, 3);
    const QJsonObject summary = QJsonDocument::fromJson(watched.out).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("timeout"));
    QVERIFY(summary.value(QStringLiteral("events")).toInteger() >= 1); // `connected`
}

void TestCli::watch_usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no URL") << QStringList {} << QStringLiteral("exactly one SESSION_URL");
    QTest::newRow("not http") << QStringList {QStringLiteral("ftp://x/y")}
                              << QStringLiteral("not an http(s) URL");
    QTest::newRow("bad --until") << QStringList {
        QStringLiteral("http://127.0.0.1:1/api/sessions/x"), QStringLiteral("--until"),
        QStringLiteral(
            "forever")} << QStringLiteral("--until takes");
    QTest::newRow("bad idle seconds")
        << QStringList {QStringLiteral("http://127.0.0.1:1/api/sessions/x"),
                        QStringLiteral("--until"), QStringLiteral("idle:-1")}
        << QStringLiteral("positive number of seconds");
    QTest::newRow("bad timeout") << QStringList {
        QStringLiteral("http://127.0.0.1:1/api/sessions/x"), QStringLiteral("--timeout"),
        QStringLiteral("soon")} << QStringLiteral("--timeout needs");
    const QString url = QStringLiteral("http://127.0.0.1:1/api/sessions/x");
    QTest::newRow("zero --max-files")
        << QStringList {url, QStringLiteral("--max-files"), QStringLiteral("0")}
        << QStringLiteral("--max-files needs a positive number");
    QTest::newRow("bad --max-files")
        << QStringList {url, QStringLiteral("--max-files"), QStringLiteral("many")}
        << QStringLiteral("--max-files needs a positive number");
    QTest::newRow("bad --max-output")
        << QStringList {url, QStringLiteral("--max-output"), QStringLiteral("1T")}
        << QStringLiteral("--max-output needs a positive number of bytes");
    QTest::newRow("negative --max-output")
        << QStringList {url, QStringLiteral("--max-output"), QStringLiteral("-5")}
        << QStringLiteral("--max-output needs a positive number of bytes");
}

void TestCli::watch_usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    QProcess watch;
    watch.start(binary(), QStringList {QStringLiteral("watch")} + arguments);
    const Finished watched = waitFor(watch, 30000);
    QVERIFY(watched.ok);
    QCOMPARE(watched.exitCode, 2);
    QVERIFY2(QString::fromUtf8(watched.err).contains(message), watched.err.constData());
}

void TestCli::watch_lateJoin_largeSession_isByteIdentical()
{
    // Three 1 MB files, published and completed before the viewer joins: a publisher that sends
    // a late joiner the whole state as one event goes past the viewer's 1 MiB limit. The viewer
    // must re-sync rather than wait for its timeout, and end with every file byte-identical.
    ServeProcess serve;
    const QString url = serve.readLine();
    QVERIFY2(url.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(url));

    QTemporaryDir dir;
    QStringList publishArguments = {QStringLiteral("publish"), url};
    QList<QByteArray> sources;
    for (int i = 0; i < 3; ++i) {
        sources.append(generatedSource(1024 * 1024));
        const QString path = dir.filePath(QStringLiteral("big%1.py").arg(i));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(sources.constLast()), sources.constLast().size());
        publishArguments.append(path);
    }
    publishArguments
        += {QStringLiteral("--delay-ms"), QStringLiteral("0"), QStringLiteral("--chunk-size"),
            QStringLiteral("8192"), QStringLiteral("--complete")};
    QProcess publish;
    publish.start(binary(), publishArguments);
    const Finished published = waitFor(publish, 60000);
    QVERIFY2(published.ok && published.exitCode == 0, published.err.constData());
    // Joins once the session has completed (its snapshot says so).
    QNetworkAccessManager manager;
    const QUrl snapshotUrl(url + QStringLiteral("/snapshot"));
    auto sessionState = [&] {
        QNetworkReply *reply = manager.get(QNetworkRequest(snapshotUrl));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(10000);
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll())
            .object()
            .value(QStringLiteral("state"))
            .toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(sessionState(), QStringLiteral("complete"), 60000);

    const QString outputDir = dir.filePath(QStringLiteral("out"));
    QProcess watch;
    watch.start(binary(),
                {QStringLiteral("watch"), url, QStringLiteral("--output"), outputDir,
                 QStringLiteral("--summary"), QStringLiteral("-"), QStringLiteral("--timeout"),
                 QStringLiteral("60")});
    const Finished watched = waitFor(watch, 90000);
    QVERIFY2(watched.ok, watched.err.constData());
    QCOMPARE(watched.exitCode, 0);
    const QJsonObject summary = QJsonDocument::fromJson(watched.out).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    const QJsonArray files = summary.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(files.at(i).toObject().value(QStringLiteral("sha256")).toString(),
                 sha256Hex(sources.at(i)));
        QFile written(outputDir + QStringLiteral("/big%1.py").arg(i));
        QVERIFY(written.open(QIODevice::ReadOnly));
        QVERIFY(written.readAll() == sources.at(i));
    }
}

void TestCli::watch_state_resumesAfterSigkill()
{
    // The first watch applies events 1..7 of a session still being written and keeps its state;
    // it is killed with SIGKILL (no chance to save at exit). The second, started with the same
    // --state, writes the files it had, opens the stream after the saved sequence and ends as an
    // uninterrupted run would. The server answers each stream from its Last-Event-ID, as a
    // publisher resumes.
    const QString session = QStringLiteral("durable");
    const QString a = QStringLiteral("a.txt");
    const QString b = QStringLiteral("dir/b.py");
    QList<QByteArray> frames; // frames[i] is the frame of sequence i + 1
    auto add = [&](const EventPayload &payload) {
        frames.append(EventCodec::encodeSse(Event {quint64(frames.size() + 1), session, payload}));
    };
    const QString aText = QStringLiteral("caf\u00e9 \U0001F600\nline two\n");
    add(code(CodeEvent::Type::Start, a));
    add(codeDelta(a, aText.left(6), 0));
    add(codeDelta(a, aText.mid(6), 6));
    add(code(CodeEvent::Type::Complete, a));
    add(StepEvent {StepName::Generating, StepEvent::Status::Start, QStringLiteral("typing")});
    add(code(CodeEvent::Type::Start, b));
    add(codeDelta(b, QStringLiteral("def f():\n"), 0));
    const quint64 firstPart = quint64(frames.size()); // what the first stream sends
    add(codeDelta(b, QStringLiteral("    return \u6f22\n"), 9));
    add(code(CodeEvent::Type::Complete, b));
    add(SessionEvent {});
    const QString bText = QStringLiteral("def f():\n    return \u6f22\n");

    RawHttpServer server;
    QVERIFY(server.listen());
    QByteArray secondStream;
    server.setHandler([&](const RawHttpServer::Request &request, int index) {
        const quint64 after = request.headers.value("last-event-id").toULongLong();
        ConnectedEvent connected {QStringLiteral("c%1").arg(index)};
        connected.epoch = QStringLiteral("history-1");
        const quint64 head = index == 0 ? firstPart : quint64(frames.size());
        connected.lastSequence = head;
        connected.resumeAfter = after;
        QByteArray body = EventCodec::encodeSse(Event {0, session, connected});
        for (quint64 sequence = after + 1; sequence <= head; ++sequence)
            body += frames.at(qsizetype(sequence - 1));
        if (index > 0)
            secondStream = body;
        request.socket->write(RawHttpServer::streamHead() + body); // stays open
    });
    const QString url = server.url(QStringLiteral("/api/sessions/") + session).toString();

    QTemporaryDir dir;
    const QString statePath = dir.filePath(QStringLiteral("viewer.state"));
    const QString outputDir = dir.filePath(QStringLiteral("out"));
    const QStringList arguments = {
        QStringLiteral("watch"),    url,       QStringLiteral("--state"),   statePath,
        QStringLiteral("--output"), outputDir, QStringLiteral("--timeout"), QStringLiteral("60")};
    ChildProcess first;
    first.process.start(binary(), arguments);
    QVERIFY(first.process.waitForStarted());
    // The state is saved while the run goes on (debounced), not only at exit.
    QTRY_COMPARE_WITH_TIMEOUT(
        savedState(statePath).value(QStringLiteral("lastSequence")).toInteger(), qint64(firstPart),
        20000);
    first.process.kill();
    QVERIFY(first.process.waitForFinished(10000));
    const QJsonObject saved = savedState(statePath);
    const qint64 savedSequence = saved.value(QStringLiteral("lastSequence")).toInteger();
    QCOMPARE(saved.value(QStringLiteral("format")).toString(),
             QStringLiteral("inkstream-viewer-state"));
    QCOMPARE(saved.value(QStringLiteral("url")).toString(), url);
    QCOMPARE(saved.value(QStringLiteral("epoch")).toString(), QStringLiteral("history-1"));
    QCOMPARE(saved.value(QStringLiteral("dialect")).toString(), QStringLiteral("native"));

    QProcess second;
    second.start(binary(),
                 arguments + QStringList {QStringLiteral("--summary"), QStringLiteral("-")});
    QTRY_VERIFY_WITH_TIMEOUT(second.state() == QProcess::NotRunning, 60000);
    const Finished watched = waitFor(second, 1000);
    QVERIFY2(watched.ok, watched.err.constData());
    QCOMPARE(watched.exitCode, 0);

    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests().at(1).headers.value("last-event-id"),
             QByteArray::number(savedSequence));
    const QJsonObject summary = QJsonDocument::fromJson(watched.out).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    QCOMPARE(summary.value(QStringLiteral("resumedFrom")).toInteger(), savedSequence);
    QCOMPARE(summary.value(QStringLiteral("errors")).toArray(), QJsonArray());
    QCOMPARE(summary.value(QStringLiteral("duplicatesDropped")).toInteger(), qint64(0));
    // This run received only what it lacked, and counts only its own bytes.
    QCOMPARE(summary.value(QStringLiteral("events")).toInteger(),
             qint64(frames.size()) - savedSequence + 1); // + connected
    QCOMPARE(summary.value(QStringLiteral("bytes")).toInteger(), qint64(secondStream.size()));
    // The summary is the whole session's, as for a run that was never interrupted.
    const QJsonArray files = summary.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), 2);
    QCOMPARE(files.at(0).toObject().value(QStringLiteral("name")).toString(), a);
    QCOMPARE(files.at(0).toObject().value(QStringLiteral("sha256")).toString(),
             sha256Hex(aText.toUtf8()));
    QCOMPARE(files.at(1).toObject().value(QStringLiteral("name")).toString(), b);
    QCOMPARE(files.at(1).toObject().value(QStringLiteral("sha256")).toString(),
             sha256Hex(bText.toUtf8()));
    QCOMPARE(summary.value(QStringLiteral("steps"))
                 .toArray()
                 .at(1)
                 .toObject()
                 .value(QStringLiteral("state"))
                 .toString(),
             QStringLiteral("active"));
    QCOMPARE(filesBelow(outputDir), (QStringList {a, b}));
    QFile aFile(outputDir + u'/' + a);
    QVERIFY(aFile.open(QIODevice::ReadOnly));
    QCOMPARE(aFile.readAll(), aText.toUtf8());
    QFile bFile(outputDir + u'/' + b);
    QVERIFY(bFile.open(QIODevice::ReadOnly));
    QCOMPARE(bFile.readAll(), bText.toUtf8());
    // At exit the state holds the end of the session.
    QCOMPARE(savedState(statePath).value(QStringLiteral("lastSequence")).toInteger(),
             qint64(frames.size()));
}

void TestCli::watch_state_resumesFromPublisher()
{
    // Against the real publisher: a viewer that followed the session up to some point and
    // stopped resumes from its state file, receives what was published since (not the large
    // file it already has) and ends with every file byte-identical, as a fresh viewer of the
    // same session does.
    ServeProcess serve;
    const QString url = serve.readLine();
    QVERIFY2(url.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(url));

    QTemporaryDir dir;
    auto writeSource = [&](const QString &name, qsizetype bytes) {
        const QByteArray source = generatedSource(bytes);
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(source) != source.size())
            return QByteArray();
        return source;
    };
    const QByteArray first = writeSource(QStringLiteral("first.py"), 300 * 1024);
    const QByteArray second = writeSource(QStringLiteral("second.py"), 40 * 1024);
    QVERIFY(!first.isEmpty() && !second.isEmpty());
    auto publish = [&](const QString &name, bool complete) {
        QProcess process;
        QStringList arguments = {QStringLiteral("publish"), url,
                                 dir.filePath(name),        QStringLiteral("--delay-ms"),
                                 QStringLiteral("0"),       QStringLiteral("--chunk-size"),
                                 QStringLiteral("4096")};
        if (complete)
            arguments.append(QStringLiteral("--complete"));
        process.start(binary(), arguments);
        const Finished published = waitFor(process, 60000);
        return published.ok && published.exitCode == 0;
    };
    auto watch = [&](const QStringList &extra) {
        QProcess process;
        process.start(binary(),
                      QStringList {QStringLiteral("watch"), url, QStringLiteral("--summary"),
                                   QStringLiteral("-"), QStringLiteral("--timeout"),
                                   QStringLiteral("60")}
                          + extra);
        const Finished watched = waitFor(process, 90000);
        return std::pair {watched, QJsonDocument::fromJson(watched.out).object()};
    };
    const QString statePath = dir.filePath(QStringLiteral("state.json"));
    const QString outputDir = dir.filePath(QStringLiteral("out"));

    QVERIFY(publish(QStringLiteral("first.py"), false));
    const auto [firstRun, firstSummary]
        = watch({QStringLiteral("--state"), statePath, QStringLiteral("--until"),
                 QStringLiteral("idle:1")});
    QVERIFY2(firstRun.ok && firstRun.exitCode == 0, firstRun.err.constData());
    QCOMPARE(firstSummary.value(QStringLiteral("resumedFrom")).toInteger(), qint64(0));
    const qint64 saved = savedState(statePath).value(QStringLiteral("lastSequence")).toInteger();
    QVERIFY(saved > 0);

    QVERIFY(publish(QStringLiteral("second.py"), true));
    const auto [resumed, resumedSummary]
        = watch({QStringLiteral("--state"), statePath, QStringLiteral("--output"), outputDir});
    QVERIFY2(resumed.ok && resumed.exitCode == 0, resumed.err.constData());
    QCOMPARE(resumedSummary.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    QCOMPARE(resumedSummary.value(QStringLiteral("resumedFrom")).toInteger(), saved);
    QCOMPARE(resumedSummary.value(QStringLiteral("errors")).toArray(), QJsonArray());
    const QJsonArray files = resumedSummary.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), 2);
    QCOMPARE(files.at(0).toObject().value(QStringLiteral("sha256")).toString(), sha256Hex(first));
    QCOMPARE(files.at(1).toObject().value(QStringLiteral("sha256")).toString(), sha256Hex(second));
    QCOMPARE(filesBelow(outputDir),
             (QStringList {QStringLiteral("first.py"), QStringLiteral("second.py")}));
    QFile firstWritten(outputDir + QStringLiteral("/first.py"));
    QVERIFY(firstWritten.open(QIODevice::ReadOnly));
    QVERIFY(firstWritten.readAll() == first);
    QFile secondWritten(outputDir + QStringLiteral("/second.py"));
    QVERIFY(secondWritten.open(QIODevice::ReadOnly));
    QVERIFY(secondWritten.readAll() == second);

    const auto [fresh, freshSummary] = watch({});
    QVERIFY2(fresh.ok && fresh.exitCode == 0, fresh.err.constData());
    QCOMPARE(freshSummary.value(QStringLiteral("files")).toArray(), files);
    // The resumed run received the second file (its deltas and, at most, its full content once
    // more in `complete`), never the first again; the fresh one received both.
    const qint64 resumedBytes = resumedSummary.value(QStringLiteral("bytes")).toInteger()
        + resumedSummary.value(QStringLiteral("resyncBytes")).toInteger();
    const qint64 freshBytes = freshSummary.value(QStringLiteral("bytes")).toInteger()
        + freshSummary.value(QStringLiteral("resyncBytes")).toInteger();
    const QString sizes
        = QStringLiteral("resumed %1 bytes, fresh %2").arg(resumedBytes).arg(freshBytes);
    QVERIFY2(resumedBytes > qint64(second.size()), qPrintable(sizes));
    QVERIFY2(resumedBytes < qint64(first.size()) / 2, qPrintable(sizes));
    QVERIFY2(freshBytes > qint64(first.size() + second.size()), qPrintable(sizes));
}

void TestCli::watch_state_unusable_isRefused_data()
{
    QTest::addColumn<QByteArray>("content"); // "@dir": a directory in its place
    QTest::addColumn<QString>("message");
    const QByteArray valid = R"({"format":"inkstream-viewer-state","version":1,"url":"URL",)"
                             R"("dialect":"native","epoch":"","lastSequence":3,)"
                             R"("model":{"version":1,"lastSequence":3,"state":"running",)"
                             R"("progress":0,"files":[],"chat":[],"steps":[]}})";
    QTest::newRow("not JSON") << QByteArrayLiteral("\x01garbage{")
                              << QStringLiteral("not a viewer state");
    QTest::newRow("another JSON file")
        << QByteArrayLiteral(R"({"files":[]})") << QStringLiteral("not a viewer state");
    QTest::newRow("unknown version")
        << QByteArray(valid).replace(R"("version":1,"url")", R"("version":7,"url")")
        << QStringLiteral("unknown version 7");
    QTest::newRow("another URL")
        << QByteArray(valid).replace("URL", "http://127.0.0.1:1/api/sessions/other")
        << QStringLiteral("it is the state of http://127.0.0.1:1/api/sessions/other");
    QTest::newRow("a foreign dialect") << QByteArray(valid).replace("native", "code-stream")
                                       << QStringLiteral("cannot be resumed");
    QTest::newRow("unreadable") << QByteArrayLiteral("@dir") << QStringLiteral("cannot read it");
}

void TestCli::watch_state_unusable_isRefused()
{
    // A state that cannot be resumed is refused before anything happens (it is left as it is),
    // rather than silently starting from zero and overwriting it.
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        request.socket->write(RawHttpServer::streamHead());
    });
    const QString url = server.url(QStringLiteral("/api/sessions/mine")).toString();
    QTemporaryDir dir;
    const QString statePath = dir.filePath(QStringLiteral("state.json"));
    if (content == "@dir") {
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("state.json")));
    } else {
        QFile file(statePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(content).replace("URL", url.toUtf8()));
    }
    QProcess watch;
    watch.start(binary(),
                {QStringLiteral("watch"), url, QStringLiteral("--state"), statePath,
                 QStringLiteral("--summary"), QStringLiteral("-")});
    QTRY_VERIFY_WITH_TIMEOUT(watch.state() == QProcess::NotRunning, 30000);
    const Finished watched = waitFor(watch, 1000);
    QVERIFY(watched.ok);
    QCOMPARE(watched.exitCode, 2);
    const QString err = QString::fromUtf8(watched.err);
    QVERIFY2(err.contains(QStringLiteral("--state ") + statePath), qPrintable(err));
    QVERIFY2(err.contains(message), qPrintable(err));
    QCOMPARE(watched.out, QByteArray()); // no summary: nothing ran
    QCOMPARE(server.requestCount(), 0);
    if (content != "@dir") {
        QFile file(statePath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray(content).replace("URL", url.toUtf8()));
    }
}

void TestCli::watch_signal_writesInterruptedSummary_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestCli::watch_signal_writesInterruptedSummary()
{
    // A session that never ends; the watch is stopped with a signal: it writes what it has
    // (files, state, a summary with status "interrupted") and exits with 4.
    QFETCH(int, signalNumber);
    const QString session = QStringLiteral("endless");
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int) {
        CodeEvent start;
        start.type = CodeEvent::Type::Start;
        start.fileName = QStringLiteral("partial.txt");
        CodeEvent delta = start;
        delta.type = CodeEvent::Type::Delta;
        delta.delta = QStringLiteral("so far \u00e9");
        delta.offset = 0;
        request.socket->write(RawHttpServer::streamHead()
                              + EventCodec::encodeSse(Event {1, session, start})
                              + EventCodec::encodeSse(Event {2, session, delta}));
    });
    QTemporaryDir dir;
    const QString statePath = dir.filePath(QStringLiteral("state.json"));
    const QString summaryPath = dir.filePath(QStringLiteral("summary.json"));
    ChildProcess watch;
    watch.process.start(
        binary(),
        {QStringLiteral("watch"), server.url(QStringLiteral("/api/sessions/") + session).toString(),
         QStringLiteral("--state"), statePath, QStringLiteral("--output"),
         dir.filePath(QStringLiteral("out")), QStringLiteral("--summary"), summaryPath});
    QVERIFY(watch.process.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(
        savedState(statePath).value(QStringLiteral("lastSequence")).toInteger(), 2, 20000);
    QVERIFY(!QFileInfo::exists(summaryPath));
    QCOMPARE(::kill(pid_t(watch.process.processId()), signalNumber), 0);
    QTRY_VERIFY_WITH_TIMEOUT(watch.process.state() == QProcess::NotRunning, 20000);
    const Finished watched = waitFor(watch.process, 1000);
    QVERIFY2(watched.ok, watched.err.constData()); // exited on its own, not killed by the signal
    QCOMPARE(watched.exitCode, 4);
    const QByteArray expected = QByteArrayLiteral("interrupted by ")
        + (signalNumber == SIGINT ? QByteArrayLiteral("SIGINT") : QByteArrayLiteral("SIGTERM"));
    QVERIFY2(watched.err.contains(expected), watched.err.constData());

    QFile file(summaryPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject summary = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("interrupted"));
    const QJsonObject partial = summary.value(QStringLiteral("files")).toArray().at(0).toObject();
    QCOMPARE(partial.value(QStringLiteral("state")).toString(), QStringLiteral("writing"));
    QCOMPARE(partial.value(QStringLiteral("sha256")).toString(),
             sha256Hex(QStringLiteral("so far \u00e9").toUtf8()));
    QFile written(dir.filePath(QStringLiteral("out/partial.txt")));
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), QStringLiteral("so far \u00e9").toUtf8());
    QCOMPARE(savedState(statePath).value(QStringLiteral("lastSequence")).toInteger(), qint64(2));
}

void TestCli::curl_showsSseFrames()
{
    const QString curl = QStringLiteral("/usr/bin/curl");
    if (!QFileInfo(curl).isExecutable())
        QSKIP("curl is not installed (packaging/install-deps installs it)");

    ServeProcess serve;
    const QString url = serve.readLine();
    QVERIFY(!url.isEmpty());

    ChildProcess stream;
    stream.process.start(
        curl, {QStringLiteral("-N"), QStringLiteral("-s"), url + QStringLiteral("/stream")});
    QByteArray received;
    auto waitForText = [&](const QByteArray &text) {
        QElapsedTimer timer;
        timer.start();
        while (!received.contains(text) && timer.elapsed() < 30000) {
            stream.process.waitForReadyRead(200);
            received += stream.process.readAllStandardOutput();
        }
        return received.contains(text);
    };
    QVERIFY2(waitForText("event: connected\n"), received.constData());

    QTemporaryDir dir;
    const QString sourcePath = dir.filePath(QStringLiteral("hello.py"));
    {
        QFile file(sourcePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("print(\"h\u00e9llo \u6f22 \U0001F600\")\nprint(2)\n").toUtf8());
    }
    QProcess publish;
    publish.start(binary(),
                  {QStringLiteral("publish"), url, sourcePath, QStringLiteral("--delay-ms"),
                   QStringLiteral("0"), QStringLiteral("--complete")});
    QVERIFY(waitFor(publish, 30000).exitCode == 0);
    QVERIFY2(waitForText("event: session\n"), received.constData());
    received += "\n"; // the last frame may still lack its blank line

    // Every frame: optional id: N, event: NAME, one data: line of one-line JSON.
    const QList<QByteArray> frames = received.split('\n');
    int codeFramesSeen = 0;
    QRegularExpression idLine(QStringLiteral("^id: \\d+$"));
    QRegularExpression eventLine(QStringLiteral("^event: [a-z]+$"));
    qsizetype ids = 0;
    for (const QByteArray &line : frames) {
        if (line.isEmpty() || line.startsWith("retry: ") || line.startsWith(':'))
            continue;
        const QString text = QString::fromUtf8(line);
        if (line.startsWith("id: ")) {
            QVERIFY2(idLine.match(text).hasMatch(), line.constData());
            ++ids;
        } else if (line.startsWith("event: ")) {
            QVERIFY2(eventLine.match(text).hasMatch(), line.constData());
            codeFramesSeen += line == "event: code";
        } else {
            QVERIFY2(line.startsWith("data: {"), line.constData());
            QJsonParseError error;
            QJsonDocument::fromJson(line.mid(6), &error);
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
        }
    }
    QVERIFY(codeFramesSeen >= 3); // start, deltas, complete
    QVERIFY(ids >= 4);
    QVERIFY(received.contains("\"fileName\":\"hello.py\""));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
