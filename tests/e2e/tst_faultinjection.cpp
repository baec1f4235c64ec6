#include "core/protocol/eventcodec.h"
#include "core/server/filestreamer.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "tests/support/childprocess.h"
#include "tests/support/faultproxy.h"
#include "tests/support/rawhttpserver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace inkstream::core;
using namespace std::chrono_literals;

namespace { } // namespace

class TestFaultInjection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void proxyCuts_filesByteIdentical();
    void publisherSigkill_viewerResyncs();
    void silentServer_watchHeartbeatReconnects();
};

void TestFaultInjection::initTestCase()
{
    QVERIFY2(QFileInfo(binary()).isExecutable(), "INKSTREAM_BINARY must name the built inkstream");
}

void TestFaultInjection::proxyCuts_filesByteIdentical()
{
    const int targetCuts = envInt("INKSTREAM_FAULT_CUTS", 200);
    const qsizetype totalBytes = qsizetype(envInt("INKSTREAM_FAULT_KB", 5 * 1024)) * 1024;
    QLoggingCategory::setFilterRules(QStringLiteral("inkstream.server.info=false"));
    const auto restoreLogging = qScopeGuard([] { QLoggingCategory::setFilterRules(QString()); });
    QElapsedTimer elapsed;
    elapsed.start();

    // Many small files: a `complete` event carries the whole file, and an event larger than the
    // distance between cuts would never get through.
    QList<std::pair<QString, QString>> files;
    qsizetype sourceBytes = 0;
    for (int i = 0; sourceBytes < totalBytes; ++i) {
        const QString name = QStringLiteral("dir%1/file_%2.%3")
                                 .arg(i % 7)
                                 .arg(i)
                                 .arg(i % 3 == 0       ? QStringLiteral("rs")
                                          : i % 3 == 1 ? QStringLiteral("py")
                                                       : QStringLiteral("ts"));
        const QString content = sourceText(i, 3 * 1024 + (i * 7919) % (6 * 1024));
        sourceBytes += content.toUtf8().size();
        files.append({name, content});
    }

    SessionHub hub;
    // Sessions without a data directory keep their whole log in memory.
    Session *session = hub.createSession();
    Publisher publisher(&hub);
    publisher.setRetryInterval(5ms);
    publisher.setMaxPendingBytes(qint64(1) << 30); // only the proxy cuts connections
    QVERIFY(publisher.listen(QHostAddress::LocalHost, 0));

    // Cut every connection at a random body offset. The wire carries 1.5 to 2 times the source
    // (event framing and JSON around each live delta, `complete` with the full content; catch-ups
    // after a cut merge deltas and leave that out): the mean distance makes about 1.5 cuts per
    // target.
    const qint64 spacing = std::max<qint64>(1, sourceBytes * 3 / 2 / (targetCuts * 3 / 2));
    FaultProxy proxy(publisher.port());
    QRandomGenerator random(20260601);
    proxy.setCutPolicy([&](int) { return 1 + qint64(random.bounded(quint64(2 * spacing))); });
    QVERIFY(proxy.listen());
    const QString url = proxy.url(QStringLiteral("/api/sessions/") + session->id()).toString();

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString outputDir = dir.filePath(QStringLiteral("out"));
    ChildProcess watch;
    QSignalSpy subscribed(&publisher, &Publisher::subscriberConnected);
    watch.process.start(binary(),
                        {QStringLiteral("watch"), url, QStringLiteral("--output"), outputDir,
                         QStringLiteral("--summary"), QStringLiteral("-"),
                         QStringLiteral("--timeout"), QStringLiteral("300"),
                         QStringLiteral("--backoff-base"), QStringLiteral("0.002"),
                         QStringLiteral("--backoff-cap"), QStringLiteral("0.05"),
                         QStringLiteral("--max-attempts"), QStringLiteral("50")});
    QVERIFY(watch.process.waitForStarted());
    QVERIFY(subscribed.wait(30000));

    ChunkOptions options;
    options.chunkSize = 211; // code points: chunks end anywhere in a line
    options.delayMs = 0;
    // The publisher stays at most a window of source text ahead of what went through the proxy,
    // as a live session would, so that both live events and catch-ups cross the cuts.
    qint64 publishedBytes = 0;
    constexpr qint64 kWindow = 256 * 1024;
    qsizetype next = 0;
    QTimer pacer;
    connect(&pacer, &QTimer::timeout, this, [&] {
        while (next < files.size() && session->fileStreamer()->isIdle()
               && publishedBytes - proxy.stats().bytesDown < kWindow) {
            QVERIFY(session->fileStreamer()->enqueue(files.at(next).first, files.at(next).second,
                                                     options));
            publishedBytes += files.at(next).second.toUtf8().size();
            ++next;
        }
        if (next == files.size() && session->fileStreamer()->isIdle()) {
            pacer.stop();
            session->publish(SessionEvent {});
        }
    });
    pacer.start(1);

    QTRY_VERIFY_WITH_TIMEOUT(watch.process.state() == QProcess::NotRunning, 240000);
    const QByteArray out = watch.process.readAllStandardOutput();
    const QByteArray err = watch.process.readAllStandardError();
    QCOMPARE(watch.process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(watch.process.exitCode() == 0, err.right(2000).constData());
    QJsonParseError parseError;
    const QJsonObject summary = QJsonDocument::fromJson(out, &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, out.left(500).constData());

    const FaultProxy::Stats &stats = proxy.stats();
    qInfo("%d files, %.2f MB source, %.2f MB through the proxy, %d connections, %d cuts "
          "(mid-line %d, mid-event %d, mid-UTF-8 %d), %lld duplicates dropped, %.1f s",
          int(files.size()), double(sourceBytes) / 1e6, double(stats.bytesDown) / 1e6,
          stats.connections, stats.cuts, stats.midLine, stats.midEvent, stats.midUtf8,
          summary.value(QStringLiteral("duplicatesDropped")).toInteger(),
          double(elapsed.elapsed()) / 1000);

    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    QCOMPARE(summary.value(QStringLiteral("errors")).toArray(), QJsonArray());
    QVERIFY2(stats.cuts >= targetCuts, qPrintable(QString::number(stats.cuts)));
    QVERIFY(stats.midLine > 0);
    QVERIFY(stats.midEvent > 0);
    QVERIFY(stats.midUtf8 > 0);
    // Every cut connection was accepted before it was cut, so each cut is one reconnection.
    QCOMPARE(summary.value(QStringLiteral("reconnects")).toInt(), stats.cuts);
    QCOMPARE(summary.value(QStringLiteral("resyncs")).toInt(), 0);
    QCOMPARE(summary.value(QStringLiteral("corrections")).toInteger(), 0); // deltas were exact
    QVERIFY(stats.connections > stats.cuts);

    const QJsonArray summaryFiles = summary.value(QStringLiteral("files")).toArray();
    QCOMPARE(summaryFiles.size(), files.size());
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QByteArray source = files.at(i).second.toUtf8();
        const QJsonObject entry = summaryFiles.at(i).toObject();
        QCOMPARE(entry.value(QStringLiteral("name")).toString(), files.at(i).first);
        QCOMPARE(entry.value(QStringLiteral("sha256")).toString(), sha256Hex(source));
        QFile written(QDir(outputDir).filePath(files.at(i).first));
        QVERIFY2(written.open(QIODevice::ReadOnly), qPrintable(written.fileName()));
        QCOMPARE(sha256Hex(written.readAll()), sha256Hex(source));
    }
}

void TestFaultInjection::publisherSigkill_viewerResyncs()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QStringList sources;
    QList<QByteArray> contents;
    for (int i = 0; i < 3; ++i) {
        const QString path = dir.filePath(QStringLiteral("kill_%1.txt").arg(i));
        const QByteArray bytes = sourceText(100 + i, 24 * 1024).toUtf8();
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(bytes), bytes.size());
        sources.append(path);
        contents.append(bytes);
    }
    const QString sessionId = QStringLiteral("kill-test");
    const auto startServe = [&](ChildProcess &serve, quint16 port) {
        serve.process.start(binary(),
                            {QStringLiteral("serve"), QStringLiteral("--port"),
                             QString::number(port), QStringLiteral("--ephemeral"),
                             QStringLiteral("--session-id"), sessionId});
        return serve.readLine();
    };
    const auto publish = [&](ChildProcess &publisher, const QString &url) {
        QStringList arguments {QStringLiteral("publish"), url};
        arguments += sources;
        arguments
            += {QStringLiteral("--chunk-size"), QStringLiteral("40"), QStringLiteral("--delay-ms"),
                QStringLiteral("1"), QStringLiteral("--complete")};
        publisher.process.start(binary(), arguments);
    };

    auto serve = std::make_unique<ChildProcess>();
    const QString url = startServe(*serve, 0);
    QVERIFY2(url.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(url));
    QVERIFY(url.endsWith(QStringLiteral("/api/sessions/") + sessionId));
    const quint16 port = quint16(QUrl(url).port());

    const QString outputDir = dir.filePath(QStringLiteral("out"));
    ChildProcess watch;
    watch.process.start(binary(),
                        {QStringLiteral("watch"), url, QStringLiteral("--output"), outputDir,
                         QStringLiteral("--summary"), QStringLiteral("-"),
                         QStringLiteral("--timeout"), QStringLiteral("100"),
                         QStringLiteral("--backoff-base"), QStringLiteral("0.05"),
                         QStringLiteral("--backoff-cap"), QStringLiteral("0.5"),
                         QStringLiteral("--max-attempts"), QStringLiteral("0")});
    QVERIFY(watch.process.waitForStarted());
    ChildProcess firstPublish;
    publish(firstPublish, url);

    // Mid-session: the first file is written, the others are still being typed.
    const QString firstOutput = QDir(outputDir).filePath(QStringLiteral("kill_0.txt"));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(firstOutput), 60000);
    QVERIFY(!QFileInfo::exists(QDir(outputDir).filePath(QStringLiteral("kill_2.txt"))));
    serve->process.kill(); // SIGKILL
    QVERIFY(serve->process.waitForFinished(10000));
    QCOMPARE(serve->process.exitStatus(), QProcess::CrashExit);
    firstPublish.stop();

    // The same port and session id, the same content published again.
    serve = std::make_unique<ChildProcess>();
    QCOMPARE(startServe(*serve, port), url);
    ChildProcess secondPublish;
    publish(secondPublish, url);

    QTRY_VERIFY_WITH_TIMEOUT(watch.process.state() == QProcess::NotRunning, 90000);
    const QByteArray out = watch.process.readAllStandardOutput();
    QVERIFY2(watch.process.exitCode() == 0,
             watch.process.readAllStandardError().right(2000).constData());
    const QJsonObject summary = QJsonDocument::fromJson(out).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    QCOMPARE(summary.value(QStringLiteral("errors")).toArray(), QJsonArray());
    QVERIFY(summary.value(QStringLiteral("reconnects")).toInt() >= 1);
    QCOMPARE(summary.value(QStringLiteral("corrections")).toInteger(), 0);
    const QJsonArray files = summary.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), contents.size());
    for (qsizetype i = 0; i < contents.size(); ++i) {
        QCOMPARE(files.at(i).toObject().value(QStringLiteral("sha256")).toString(),
                 sha256Hex(contents.at(i)));
        QFile written(QDir(outputDir).filePath(QStringLiteral("kill_%1.txt").arg(i)));
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(sha256Hex(written.readAll()), sha256Hex(contents.at(i)));
    }
    qInfo("after SIGKILL and restart: %d reconnects, %d re-syncs, %lld duplicates dropped",
          summary.value(QStringLiteral("reconnects")).toInt(),
          summary.value(QStringLiteral("resyncs")).toInt(),
          summary.value(QStringLiteral("duplicatesDropped")).toInteger());
}

void TestFaultInjection::silentServer_watchHeartbeatReconnects()
{
    // The first stream sends one event and then nothing, without closing; `watch` with a short
    // heartbeat timeout gives up on it and resumes on a new connection.
    const QString name = QStringLiteral("quiet.txt");
    const auto frame = [](quint64 sequence, const EventPayload &payload) {
        return EventCodec::encodeSse(Event {sequence, QStringLiteral("q"), payload});
    };
    CodeEvent start;
    start.type = CodeEvent::Type::Start;
    start.fileName = name;
    CodeEvent delta;
    delta.fileName = name;
    delta.delta = QStringLiteral("still here\n");
    delta.hasPosition = true;
    CodeEvent complete;
    complete.type = CodeEvent::Type::Complete;
    complete.fileName = name;
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int index) {
        QByteArray bytes = RawHttpServer::streamHead() + "retry: 10\n\n";
        if (index == 0)
            bytes += frame(1, start);
        else
            bytes += frame(2, delta) + frame(3, complete) + frame(4, SessionEvent {});
        request.socket->write(bytes);
    });

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ChildProcess watch;
    watch.process.start(binary(),
                        {QStringLiteral("watch"),
                         server.url(QStringLiteral("/api/sessions/q")).toString(),
                         QStringLiteral("--heartbeat-timeout"), QStringLiteral("0.3"),
                         QStringLiteral("--transport"), QStringLiteral("sse"),
                         QStringLiteral("--output"), dir.path(), QStringLiteral("--summary"),
                         QStringLiteral("-"), QStringLiteral("--timeout"), QStringLiteral("30")});
    QTRY_VERIFY_WITH_TIMEOUT(watch.process.state() == QProcess::NotRunning, 40000);
    QCOMPARE(watch.process.exitCode(), 0);
    const QJsonObject summary
        = QJsonDocument::fromJson(watch.process.readAllStandardOutput()).object();
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    QCOMPARE(summary.value(QStringLiteral("reconnects")).toInt(), 1);
    QCOMPARE(summary.value(QStringLiteral("transport")).toString(), QStringLiteral("sse"));
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests().at(1).headers.value("last-event-id"), QByteArrayLiteral("1"));
    QFile written(dir.filePath(name));
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), QByteArrayLiteral("still here\n"));
}

QTEST_GUILESS_MAIN(TestFaultInjection)
#include "tst_faultinjection.moc"
