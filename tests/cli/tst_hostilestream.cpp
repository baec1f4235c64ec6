#include "core/protocol/eventcodec.h"
#include "tests/support/childprocess.h"
#include "tests/support/files.h"
#include "tests/support/rawhttpserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace inkstream::core;
using inkstream::test::filesBelow;
using inkstream::test::readAll;

// `inkstream watch` against servers that try to hurt it (issue: hardening the viewer): a flood
// of files, a reconnect storm, names that collide on disk or that no portable file system
// takes. Each server runs in this process on 127.0.0.1; the real binary watches it.

namespace {

const QString kSession = QStringLiteral("hostile");

QByteArray frame(quint64 sequence, const EventPayload &payload)
{
    return EventCodec::encodeSse(Event {sequence, kSession, payload});
}

// One file in one event: `complete` with its full content.
QByteArray completeFile(quint64 sequence, const QString &name, const QString &content)
{
    CodeEvent complete;
    complete.type = CodeEvent::Type::Complete;
    complete.fileName = name;
    complete.fullContent = content;
    complete.hasFullContent = true;
    return frame(sequence, complete);
}

// `count` files f0.txt, f1.txt, ... (file i holds `content(i)`), each one event, then the
// session's end, after the stream's head.
QByteArray filesStream(int count, const std::function<QString(int)> &content)
{
    QByteArray bytes = RawHttpServer::streamHead();
    for (int i = 0; i < count; ++i)
        bytes += completeFile(quint64(i) + 1, QStringLiteral("f%1.txt").arg(i), content(i));
    bytes += frame(quint64(count) + 1, SessionEvent {});
    return bytes;
}

// Answers every request with a 200 stream that says `retry: 0` and closes at once: no event.
void answerEmptyStream(const RawHttpServer::Request &request, int)
{
    RawHttpServer::respondAndClose(request.socket, RawHttpServer::streamHead() + "retry: 0\n\n");
}

QString floodName(int file)
{
    return QStringLiteral("flood/%1/f%2.txt").arg(file / 1000).arg(file);
}

QString floodContent(int file)
{
    return QStringLiteral("file %1\n").arg(file);
}

// `count` files, each announced and completed by one event, a thousand per chunk.
std::function<QByteArray()> fileFlood(int count)
{
    auto next = std::make_shared<int>(0);
    return [next, count] {
        QByteArray chunk;
        for (int end = std::min(*next + 1000, count); *next < end; ++*next)
            chunk += completeFile(quint64(*next) + 1, floodName(*next), floodContent(*next));
        return chunk;
    };
}

// Answers the first request with a flood of `count` files (fileFlood), closed at its end; every
// later one with a stream that stays open and sends nothing.
RawHttpServer::Handler floodFirstRequest(int count)
{
    return [count](const RawHttpServer::Request &request, int index) {
        request.socket->write(RawHttpServer::streamHead() + "retry: 0\n\n");
        if (index == 0)
            RawHttpServer::streamAndClose(request.socket, fileFlood(count));
    };
}

struct Watched
{
    int exitCode = -1;
    qint64 elapsedMs = 0; // from start to exit
    QByteArray out;
    QByteArray err;
    QJsonObject summary;
};

// Runs `watch URL ARGS --summary FILE` to its end, keeping this process's servers turning.
// Fails (exitCode -1) if it has not ended after `limitMs`.
Watched runWatch(const QUrl &url, const QStringList &arguments, int limitMs)
{
    QTemporaryDir dir;
    const QString summaryPath = dir.filePath(QStringLiteral("summary.json"));
    ChildProcess watch;
    QElapsedTimer clock;
    clock.start();
    watch.process.start(binary(),
                        QStringList {QStringLiteral("watch"), url.toString(),
                                     QStringLiteral("--summary"), summaryPath}
                            + arguments);
    Watched result;
    if (!watch.process.waitForStarted())
        return result;
    const bool ended
        = QTest::qWaitFor([&] { return watch.process.state() == QProcess::NotRunning; }, limitMs);
    result.elapsedMs = clock.elapsed();
    if (!ended || watch.process.exitStatus() != QProcess::NormalExit) {
        result.err = watch.process.readAllStandardError();
        return result;
    }
    result.exitCode = watch.process.exitCode();
    result.out = watch.process.readAllStandardOutput();
    result.err = watch.process.readAllStandardError();
    result.summary = QJsonDocument::fromJson(readAll(summaryPath)).object();
    return result;
}

// runWatch against session kSession on `server`.
Watched runWatch(const RawHttpServer &server, const QStringList &arguments, int limitMs)
{
    return runWatch(server.url(QStringLiteral("/api/sessions/") + kSession), arguments, limitMs);
}

// What a run stopped by --max-files 3, or by --max-output 1000 with 300-byte files, shows: exit
// status 5, status "limit", f0.txt to f2.txt in `dir`. The caller returns when this failed
// (QTest::currentTestFailed()).
void verifyStoppedAfterThreeFiles(const Watched &watched, const QString &dir)
{
    QVERIFY2(watched.exitCode == 5, watched.err.right(2000).constData());
    QCOMPARE(watched.summary.value(QStringLiteral("status")).toString(), QStringLiteral("limit"));
    QCOMPARE(filesBelow(dir),
             (QStringList {QStringLiteral("f0.txt"), QStringLiteral("f1.txt"),
                           QStringLiteral("f2.txt")}));
}

QStringList errorsOf(const QJsonObject &summary)
{
    QStringList errors;
    for (const QJsonValue &error : summary.value(QStringLiteral("errors")).toArray())
        errors.append(error.toString());
    return errors;
}

} // namespace

class TestHostileStream final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void help_documentsLimitsAndExitCodes();
    void retryZero_isNotAReconnectStorm();
    void emptyStreams_exhaustMaxAttempts();
    void fileFlood_stopsAtMaxFiles_withinTheTimeout();
    void fileFlood_timeoutIsAHardDeadline();
    void maxFiles_stopsWithLimit();
    void maxOutput_stopsWithLimit();
    void names_collidingOrUnportable_areRefused_namingThem();
};

void TestHostileStream::initTestCase()
{
    QVERIFY2(QFileInfo(binary()).isExecutable(), "INKSTREAM_BINARY must name the built inkstream");
}

void TestHostileStream::help_documentsLimitsAndExitCodes()
{
    ChildProcess help;
    help.process.start(binary(), {QStringLiteral("watch"), QStringLiteral("--help")});
    QVERIFY(help.process.waitForFinished(30000));
    QCOMPARE(help.process.exitCode(), 0);
    const QString text = QString::fromUtf8(help.process.readAllStandardOutput());
    QVERIFY2(text.contains(QStringLiteral("--max-files")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("--max-output")), qPrintable(text));
    // The one exit-status table every command shows.
    QVERIFY2(text.contains(QStringLiteral("  5  watch: --max-files or --max-output reached")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("incomplete")), qPrintable(text));
}

void TestHostileStream::retryZero_isNotAReconnectStorm()
{
    // 200 text/event-stream, `retry: 0`, closed at once: what used to make 8,815 connections
    // in 10 s. Never giving up, watch must still space its attempts out.
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler(answerEmptyStream);
    const Watched watched = runWatch(server,
                                     {QStringLiteral("--max-attempts"), QStringLiteral("0"),
                                      QStringLiteral("--timeout"), QStringLiteral("10")},
                                     20000);
    QVERIFY2(watched.exitCode == 3, watched.err.right(2000).constData());
    QCOMPARE(watched.summary.value(QStringLiteral("status")).toString(), QStringLiteral("timeout"));
    const QList<RawHttpServer::Request> &requests = server.requests();
    qInfo("retry: 0 server: %d connections in %.1f s", int(requests.size()),
          double(watched.elapsedMs) / 1000);
    QVERIFY2(requests.size() < 25, qPrintable(QString::number(requests.size())));
    QVERIFY(requests.size() >= 3);
    for (qsizetype i = 1; i < requests.size(); ++i) {
        const qint64 gap = requests.at(i).receivedAtMs - requests.at(i - 1).receivedAtMs;
        QVERIFY2(gap >= 245,
                 qPrintable(QStringLiteral("connection %1 after %2 ms").arg(i).arg(gap)));
    }
}

void TestHostileStream::emptyStreams_exhaustMaxAttempts()
{
    // A 200 that delivers no event is a failed attempt: it does not start the count over.
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler(answerEmptyStream);
    const Watched watched = runWatch(server,
                                     {QStringLiteral("--max-attempts"), QStringLiteral("5"),
                                      QStringLiteral("--backoff-cap"), QStringLiteral("0.3"),
                                      QStringLiteral("--timeout"), QStringLiteral("30")},
                                     40000);
    QVERIFY2(watched.exitCode == 1, watched.err.right(2000).constData());
    QCOMPARE(server.requestCount(), 6); // the first connection and five attempts
    QCOMPARE(watched.summary.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
    const QString error = errorsOf(watched.summary).value(0);
    QVERIFY2(error.startsWith(QStringLiteral("gave up after 5 attempts")), qPrintable(error));
    QVERIFY2(watched.err.contains("gave up after 5 attempts"), watched.err.constData());
}

void TestHostileStream::fileFlood_stopsAtMaxFiles_withinTheTimeout()
{
    // 200,000 files, each one `complete` event: watch --timeout 10 ends within 12 s with at
    // most --max-files (default 10,000) files on disk, whichever of the two stops it.
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler(floodFirstRequest(200000));
    QTemporaryDir dir;
    const QString output = dir.filePath(QStringLiteral("out"));
    const Watched watched = runWatch(
        server,
        {QStringLiteral("--output"), output, QStringLiteral("--timeout"), QStringLiteral("10")},
        30000);
    const QStringList onDisk = filesBelow(output);
    qInfo("200,000-file flood: exit %d after %.2f s, %d files on disk, status %s", watched.exitCode,
          double(watched.elapsedMs) / 1000, int(onDisk.size()),
          qPrintable(watched.summary.value(QStringLiteral("status")).toString()));
    QVERIFY2(watched.exitCode == 5 || watched.exitCode == 3, watched.err.right(2000).constData());
    QVERIFY2(watched.elapsedMs <= 12000, qPrintable(QString::number(watched.elapsedMs)));
    QVERIFY2(onDisk.size() <= 10000, qPrintable(QString::number(onDisk.size())));
    const QJsonArray files = watched.summary.value(QStringLiteral("files")).toArray();
    QVERIFY(files.size() <= 10000);
    if (watched.exitCode == 5) {
        QCOMPARE(watched.summary.value(QStringLiteral("status")).toString(),
                 QStringLiteral("limit"));
        QCOMPARE(onDisk.size(), 10000);
        const QString error = errorsOf(watched.summary).join(u'\n');
        QVERIFY2(error.contains(QStringLiteral("--max-files 10000")), qPrintable(error));
        QVERIFY2(watched.err.contains("--max-files 10000"), watched.err.right(2000).constData());
    }
}

void TestHostileStream::fileFlood_timeoutIsAHardDeadline()
{
    // No file cap to stop it first: the deadline does, even while the event loop is busy with
    // a flood whose every file costs an fsync. What was written is complete and listed as
    // such; what was not is listed as incomplete.
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler(floodFirstRequest(1000000));
    QTemporaryDir dir;
    const QString output = dir.filePath(QStringLiteral("out"));
    const Watched watched
        = runWatch(server,
                   {QStringLiteral("--output"), output, QStringLiteral("--timeout"),
                    QStringLiteral("3"), QStringLiteral("--max-files"), QStringLiteral("2000000")},
                   30000);
    const QStringList onDisk = filesBelow(output);
    const QJsonArray files = watched.summary.value(QStringLiteral("files")).toArray();
    qInfo("flood with --timeout 3: exit %d after %.2f s, %d files on disk, %d in the summary",
          watched.exitCode, double(watched.elapsedMs) / 1000, int(onDisk.size()),
          int(files.size()));
    QVERIFY2(watched.exitCode == 3, watched.err.right(2000).constData());
    QVERIFY2(watched.elapsedMs <= 4500, qPrintable(QString::number(watched.elapsedMs)));
    QCOMPARE(watched.summary.value(QStringLiteral("status")).toString(), QStringLiteral("timeout"));
    QVERIFY(!onDisk.isEmpty());

    int complete = 0;
    for (const QJsonValue &value : files) {
        const QJsonObject file = value.toObject();
        const QString name = file.value(QStringLiteral("name")).toString();
        const QString state = file.value(QStringLiteral("state")).toString();
        const QString path = QDir(output).filePath(name);
        if (state == u"complete") {
            ++complete;
            QCOMPARE(sha256Hex(readAll(path)), file.value(QStringLiteral("sha256")).toString());
        } else {
            QCOMPARE(state, QStringLiteral("incomplete"));
            QVERIFY2(!QFileInfo::exists(path), qPrintable(name));
        }
    }
    QCOMPARE(complete, onDisk.size());
}

void TestHostileStream::maxFiles_stopsWithLimit()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        request.socket->write(
            filesStream(10, [](int i) { return QStringLiteral("content %1\n").arg(i); }));
    });
    QTemporaryDir dir;
    const Watched watched
        = runWatch(server,
                   {QStringLiteral("--output"), dir.path(), QStringLiteral("--max-files"),
                    QStringLiteral("3"), QStringLiteral("--timeout"), QStringLiteral("30")},
                   40000);
    verifyStoppedAfterThreeFiles(watched, dir.path());
    if (QTest::currentTestFailed())
        return;
    const QJsonArray files = watched.summary.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), 3);
    for (const QJsonValue &file : files)
        QCOMPARE(file.toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("complete"));
    const QString error = errorsOf(watched.summary).join(u'\n');
    QVERIFY2(error.contains(QStringLiteral("more than 3 files")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("\"f3.txt\"")), qPrintable(error));
    QVERIFY2(watched.err.contains("--max-files 3"), watched.err.constData());
}

void TestHostileStream::maxOutput_stopsWithLimit()
{
    const QString content = QString(300, u'x');
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int) {
        request.socket->write(filesStream(5, [&](int) { return content; }));
    });
    QTemporaryDir dir;
    const Watched watched
        = runWatch(server,
                   {QStringLiteral("--output"), dir.path(), QStringLiteral("--max-output"),
                    QStringLiteral("1000"), QStringLiteral("--timeout"), QStringLiteral("30")},
                   40000);
    verifyStoppedAfterThreeFiles(watched, dir.path());
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(watched.summary.value(QStringLiteral("bytesWritten")).toInteger(), 900);
    // The fourth file arrived complete but is not on disk: it is listed as incomplete.
    const QJsonArray files = watched.summary.value(QStringLiteral("files")).toArray();
    QVERIFY(files.size() >= 4);
    QCOMPARE(files.at(3).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("f3.txt"));
    QCOMPARE(files.at(3).toObject().value(QStringLiteral("state")).toString(),
             QStringLiteral("incomplete"));
    const QString error = errorsOf(watched.summary).join(u'\n');
    QVERIFY2(error.contains(QStringLiteral("--max-output 1000")), qPrintable(error));
    QVERIFY2(watched.err.contains("--max-output 1000"), watched.err.constData());
}

void TestHostileStream::names_collidingOrUnportable_areRefused_namingThem()
{
    // Two names that are one file on disk (both unpaired surrogates become U+FFFD; a case
    // pair on a case-insensitive file system), Windows device names, trailing dots and spaces,
    // bidi controls: each refused with an error that names it, never silently overwritten,
    // never listed as a complete file.
    const QString first = QStringLiteral("s") + QChar(0xd800);
    const QString second = QStringLiteral("s") + QChar(0xdc00);
    const QStringList unportable {
        QStringLiteral("CON"),        QStringLiteral("aux.txt"), QStringLiteral("NUL/x"),
        QStringLiteral("src/Lpt1.c"), QStringLiteral("a./b"),    QStringLiteral("b /c"),
        QStringLiteral("notes.txt."), QStringLiteral("end "),    QStringLiteral("x\u202egpj.exe"),
        QStringLiteral("\u2066y")};
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int) {
        quint64 sequence = 0;
        QByteArray bytes = RawHttpServer::streamHead();
        bytes += completeFile(++sequence, first, QStringLiteral("first"));
        bytes += completeFile(++sequence, second, QStringLiteral("second"));
        bytes += completeFile(++sequence, QStringLiteral("README.md"), QStringLiteral("upper"));
        bytes += completeFile(++sequence, QStringLiteral("readme.md"), QStringLiteral("lower"));
        for (const QString &name : unportable)
            bytes += completeFile(++sequence, name, QStringLiteral("pwned"));
        bytes += completeFile(++sequence, QStringLiteral("good.txt"), QStringLiteral("good"));
        bytes += frame(++sequence, SessionEvent {});
        request.socket->write(bytes);
    });
    QTemporaryDir dir;
    const Watched watched = runWatch(
        server,
        {QStringLiteral("--output"), dir.path(), QStringLiteral("--timeout"), QStringLiteral("30")},
        40000);
    QVERIFY2(watched.exitCode == 0, watched.err.right(2000).constData());
    QCOMPARE(watched.summary.value(QStringLiteral("status")).toString(),
             QStringLiteral("complete"));

    // On disk: the first of each colliding pair, intact, and the good file.
    QCOMPARE(filesBelow(dir.path()),
             (QStringList {QStringLiteral("README.md"), QStringLiteral("good.txt"),
                           QStringLiteral("s\ufffd")}));
    QCOMPARE(readAll(dir.filePath(QStringLiteral("s\ufffd"))), QByteArrayLiteral("first"));
    QCOMPARE(readAll(dir.filePath(QStringLiteral("README.md"))), QByteArrayLiteral("upper"));

    // The summary lists exactly those three.
    const QJsonArray files = watched.summary.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), 3);
    QStringList listed;
    for (const QJsonValue &file : files) {
        listed.append(file.toObject().value(QStringLiteral("name")).toString());
        QCOMPARE(file.toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("complete"));
    }
    QCOMPARE(listed.at(1), QStringLiteral("README.md"));
    QCOMPARE(listed.at(2), QStringLiteral("good.txt"));
    QCOMPARE(files.at(0).toObject().value(QStringLiteral("sha256")).toString(), sha256Hex("first"));

    // Every refusal is reported in the summary and on stderr, naming the file(s), escaped.
    const QStringList errors = errorsOf(watched.summary);
    const QString err = QString::fromUtf8(watched.err);
    const auto reported = [&](const QStringList &needles) {
        for (const QString &error : errors) {
            bool all = true;
            for (const QString &needle : needles)
                all = all && error.contains(needle);
            if (all)
                return true;
        }
        return false;
    };
    QVERIFY2(reported({QStringLiteral("\"s\\ud800\""), QStringLiteral("\"s\\udc00\"")}),
             qPrintable(errors.join(u'\n')));
    QVERIFY2(reported({QStringLiteral("\"README.md\""), QStringLiteral("\"readme.md\"")}),
             qPrintable(errors.join(u'\n')));
    QVERIFY2(err.contains(QStringLiteral("\"s\\udc00\"")), qPrintable(err));
    for (QString name : unportable) {
        name.replace(QStringLiteral("\u202e"), QStringLiteral("\\u202e"))
            .replace(QStringLiteral("\u2066"), QStringLiteral("\\u2066"));
        QVERIFY2(reported({QStringLiteral("refused file name \"%1\"").arg(name)}),
                 qPrintable(name + u'\n' + errors.join(u'\n')));
        QVERIFY2(err.contains(QStringLiteral("refused file name \"%1\"").arg(name)),
                 qPrintable(name + u'\n' + err));
    }
    // No bidi control reaches the terminal.
    QVERIFY(!err.contains(QChar(0x202e)));
    QVERIFY(!err.contains(QChar(0x2066)));
    QCOMPARE(errors.size(), 2 + unportable.size());
}

QTEST_GUILESS_MAIN(TestHostileStream)
#include "tst_hostilestream.moc"
