// NchanRelay against real nginx + nchan (Debian: nginx, libnginx-mod-nchan, redis-server; installed
// by packaging/install-deps.sh): `inkstream serve --demo --relay` publishes into nchan and
// `inkstream watch` follows nchan's subscriber URL, ending with the publisher's files.

#include "core/server/nchanrelay.h"
#include "core/server/session.h"
#include "tests/support/childprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <vector>

using namespace inkstream::core;

namespace {

const QString kInstallHint = QStringLiteral("install them with packaging/install-deps.sh");
const QString kNchanModule = QStringLiteral("/usr/lib/nginx/modules/ngx_nchan_module.so");
const QStringList kSbinPaths {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"),
                              QStringLiteral("/usr/local/sbin")};

QString findTool(const QString &name)
{
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(name, kSbinPaths);
    return path;
}

// `count` distinct free loopback ports (0 for each one that could not be found): all are held
// open while they are chosen, since the kernel may hand a just-closed port out again.
QList<quint16> freePorts(int count)
{
    std::vector<std::unique_ptr<QTcpServer>> servers;
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        servers.push_back(std::make_unique<QTcpServer>());
        ports << (servers.back()->listen(QHostAddress::LocalHost, 0) ? servers.back()->serverPort()
                                                                     : quint16(0));
    }
    return ports;
}

quint16 freePort()
{
    return freePorts(1).constFirst();
}

bool accepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(200);
}

QByteArray sha256(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

const QByteArray kToken = QByteArrayLiteral("relay-test-token");

// The shipped server block (packaging/nchan/, docs/relay.md) with the test's ports and token,
// wrapped in a main config that keeps everything (pid, logs, temp files) under `dir`.
QByteArray nginxConfig(const QString &dir, const QString &serverBlock, quint16 port,
                       quint16 publisherPort, quint16 redisPort)
{
    QFile shipped(QString::fromLocal8Bit(qgetenv("INKSTREAM_SOURCE_DIR"))
                  + QStringLiteral("/packaging/nchan/") + serverBlock);
    if (!shipped.open(QIODevice::ReadOnly))
        return {};
    QByteArray server = shipped.readAll();
    server.replace("127.0.0.1:8090", QByteArray("127.0.0.1:" + QByteArray::number(port)));
    server.replace("127.0.0.1:8080", QByteArray("127.0.0.1:" + QByteArray::number(publisherPort)));
    server.replace("127.0.0.1:6379", QByteArray("127.0.0.1:" + QByteArray::number(redisPort)));
    server.replace("CHANGE-ME", kToken);
    const QByteArray d = dir.toUtf8();
    return "load_module " + kNchanModule.toUtf8() + ";\ndaemon off;\nworker_processes 1;\npid " + d
        + "/nginx.pid;\nerror_log " + d + "/error.log warn;\nevents { worker_connections 1024; }\n"
        + "http {\n    access_log off;\n    client_body_temp_path " + d
        + "/body;\n    proxy_temp_path " + d + "/proxy;\n    fastcgi_temp_path " + d
        + "/fastcgi;\n    uwsgi_temp_path " + d + "/uwsgi;\n    scgi_temp_path " + d
        + "/scgi;\n    variables_hash_max_size 2048;\n    nchan_shared_memory_size 32m;\n" + server
        + "}\n";
}

} // namespace

class TestNchanRelay final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void publishUrlFor_data();
    void publishUrlFor();
    void queueOverflow_dropsNewestAndSaysSo();
    void singleNode_demoReachesLiveAndLateViewers();
    void redisCluster_publishOnOneNodeWatchOnTheOther();
    void readToken_isCheckedByThePublisherForEveryViewer();
    void guiDemo_relaysItsSessionThroughNchan();
    void redisCluster_viewerResumesWithNchanIds_data();
    void redisCluster_viewerResumesWithNchanIds();

private:
    // Starts nginx + nchan in a fresh directory under m_dir; false (with a QTest failure) when it
    // does not come up.
    bool startRedis(ChildProcess *redis, quint16 port);
    bool startNginx(ChildProcess *nginx, const QString &name, const QString &serverBlock,
                    quint16 port, quint16 publisherPort, quint16 redisPort = 0);
    bool startServe(ChildProcess *serve, quint16 port, const QString &relayUrl,
                    const QString &sessionId, const QByteArray &token = kToken, double speed = 20);
    void startWatch(ChildProcess *watch, const QString &url, const QString &outputDir,
                    const QString &transport = QStringLiteral("sse"));
    // Waits for the watch, then compares every file it wrote with the publisher's snapshot
    // (sha256; at least three files, as the demo has three), and checks that nginx answers
    // SUBSCRIBE_URL/snapshot with the same state.
    void verifyFiles(ChildProcess *watch, const QString &outputDir, const QString &sessionUrl,
                     const QString &subscribeUrl, QJsonObject *summaryOut = nullptr);
    QJsonObject fetchSnapshot(const QString &sessionUrl);

    QString m_inkstream;
    QString m_nginx;
    QString m_redis;
    QTemporaryDir m_dir;
};

void TestNchanRelay::initTestCase()
{
    m_inkstream = qEnvironmentVariable("INKSTREAM_BINARY");
    QVERIFY2(QFileInfo(m_inkstream).isExecutable(), "INKSTREAM_BINARY is not set (run via ctest)");
    QVERIFY(m_dir.isValid());
    // Never a silent pass: without the packages the relay is untested, and that is a failure.
    m_nginx = findTool(QStringLiteral("nginx"));
    m_redis = findTool(QStringLiteral("redis-server"));
    QVERIFY2(!m_nginx.isEmpty(), qPrintable(QStringLiteral("nginx not found; ") + kInstallHint));
    QVERIFY2(QFileInfo::exists(kNchanModule),
             qPrintable(kNchanModule + QStringLiteral(" (libnginx-mod-nchan) not found; ")
                        + kInstallHint));
    QVERIFY2(!m_redis.isEmpty(),
             qPrintable(QStringLiteral("redis-server not found; ") + kInstallHint));
}

void TestNchanRelay::publishUrlFor_data()
{
    QTest::addColumn<QString>("urlTemplate");
    QTest::addColumn<QString>("expected"); // empty = invalid
    QTest::newRow("{id}") << QStringLiteral("http://127.0.0.1:8090/pub/{id}")
                          << QStringLiteral("http://127.0.0.1:8090/pub/s-1");
    QTest::newRow("{session}") << QStringLiteral("https://relay.example/p/{session}?x=1")
                               << QStringLiteral("https://relay.example/p/s-1?x=1");
    QTest::newRow("no placeholder")
        << QStringLiteral("http://h/pub") << QStringLiteral("http://h/pub");
    QTest::newRow("not http") << QStringLiteral("ftp://h/pub/{id}") << QString();
    QTest::newRow("no host") << QStringLiteral("/pub/{id}") << QString();
}

void TestNchanRelay::publishUrlFor()
{
    QFETCH(QString, urlTemplate);
    QFETCH(QString, expected);
    const QUrl url = NchanRelay::publishUrlFor(urlTemplate, QStringLiteral("s-1"));
    if (expected.isEmpty())
        QVERIFY(!url.isValid());
    else
        QCOMPARE(url, QUrl(expected));
}

// A relay that cannot reach nchan holds at most maxQueued() events and never blocks the session.
void TestNchanRelay::queueOverflow_dropsNewestAndSaysSo()
{
    Session session(QStringLiteral("overflow"));
    const QUrl nowhere(QStringLiteral("http://127.0.0.1:%1/pub/overflow").arg(freePort()));
    NchanRelay relay(&session, nowhere);
    relay.setMaxQueued(3);
    QSignalSpy errors(&relay, &NchanRelay::errorOccurred);
    for (int percent = 1; percent <= 5; ++percent)
        QCOMPARE(session.publish(ProgressEvent {percent * 10, QString()}).sequence,
                 quint64(percent));
    QCOMPARE(relay.queued(), 3);
    QCOMPARE(relay.droppedCount(), quint64(2));
    QVERIFY(!relay.isIdle());
    QVERIFY(!errors.isEmpty());
    QVERIFY2(errors.constFirst().constFirst().toString().contains(QStringLiteral("sequence 4")),
             qPrintable(errors.constFirst().constFirst().toString()));
    // The first attempt fails (nothing listens) and is retried, not skipped.
    QTRY_VERIFY_WITH_TIMEOUT(relay.retryCount() >= 1, 10000);
    QCOMPARE(relay.refusedCount(), quint64(0));
    QCOMPARE(relay.queued(), 3);
}

bool TestNchanRelay::startNginx(ChildProcess *nginx, const QString &name,
                                const QString &serverBlock, quint16 port, quint16 publisherPort,
                                quint16 redisPort)
{
    const QString dir = m_dir.filePath(name);
    [&] {
        QVERIFY(QDir().mkpath(dir));
    }();
    QFile config(dir + QStringLiteral("/nginx.conf"));
    [&] {
        const QByteArray text = nginxConfig(dir, serverBlock, port, publisherPort, redisPort);
        QVERIFY2(!text.isEmpty(), qPrintable(serverBlock));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(text);
        config.close();
    }();
    nginx->process.setProcessChannelMode(QProcess::ForwardedChannels);
    nginx->process.start(m_nginx,
                         {QStringLiteral("-c"), config.fileName(), QStringLiteral("-e"),
                          dir + QStringLiteral("/error.log")});
    [&] {
        QVERIFY2(nginx->process.waitForStarted(), qPrintable(nginx->process.errorString()));
        QTRY_VERIFY2_WITH_TIMEOUT(accepts(port) || nginx->process.state() == QProcess::NotRunning,
                                  "nginx did not come up", 10000);
    }();
    if (QTest::currentTestFailed())
        return false;
    if (nginx->process.state() == QProcess::NotRunning) {
        QFile log(dir + QStringLiteral("/error.log"));
        log.open(QIODevice::ReadOnly);
        QTest::qFail(
            qPrintable(QStringLiteral("nginx exited: ") + QString::fromUtf8(log.readAll())),
            __FILE__, __LINE__);
        return false;
    }
    return true;
}

bool TestNchanRelay::startServe(ChildProcess *serve, quint16 port, const QString &relayUrl,
                                const QString &sessionId, const QByteArray &token, double speed)
{
    serve->process.setProcessChannelMode(QProcess::SeparateChannels);
    serve->process.setReadChannel(QProcess::StandardOutput);
    serve->process.start(m_inkstream,
                         {QStringLiteral("serve"), QStringLiteral("--port"), QString::number(port),
                          QStringLiteral("--demo"), QStringLiteral("--speed"),
                          QString::number(speed), QStringLiteral("--keep-alive"),
                          QStringLiteral("0"), QStringLiteral("--ephemeral"),
                          QStringLiteral("--session"), sessionId, QStringLiteral("--relay"),
                          relayUrl, QStringLiteral("--relay-token"), QString::fromUtf8(token)});
    return serve->process.waitForStarted();
}

void TestNchanRelay::startWatch(ChildProcess *watch, const QString &url, const QString &outputDir,
                                const QString &transport)
{
    watch->process.start(m_inkstream,
                         {QStringLiteral("watch"), url, QStringLiteral("--transport"), transport,
                          QStringLiteral("--output"), outputDir, QStringLiteral("--until"),
                          QStringLiteral("complete"), QStringLiteral("--timeout"),
                          QStringLiteral("60"), QStringLiteral("--summary"), QStringLiteral("-")});
}

QJsonObject TestNchanRelay::fetchSnapshot(const QString &sessionUrl)
{
    QNetworkAccessManager manager;
    manager.setProxy(QNetworkProxy::NoProxy);
    std::unique_ptr<QNetworkReply> reply(manager.get(
        QNetworkRequest(QUrl(sessionUrl + QStringLiteral("/snapshot"), QUrl::StrictMode))));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000) || reply->error() != QNetworkReply::NoError) {
        qWarning("snapshot %s: %s", qPrintable(sessionUrl), qPrintable(reply->errorString()));
        return {};
    }
    return QJsonDocument::fromJson(reply->readAll()).object();
}

void TestNchanRelay::verifyFiles(ChildProcess *watch, const QString &outputDir,
                                 const QString &sessionUrl, const QString &subscribeUrl,
                                 QJsonObject *summaryOut)
{
    QVERIFY2(watch->process.waitForFinished(70000), "watch did not finish");
    const QByteArray summaryText = watch->process.readAllStandardOutput();
    const QByteArray errors = watch->process.readAllStandardError();
    QVERIFY2(watch->process.exitStatus() == QProcess::NormalExit && watch->process.exitCode() == 0,
             qPrintable(QStringLiteral("watch exit %1: %2 %3")
                            .arg(watch->process.exitCode())
                            .arg(QString::fromUtf8(summaryText), QString::fromUtf8(errors))));
    const QJsonObject summary = QJsonDocument::fromJson(summaryText).object();
    if (summaryOut)
        *summaryOut = summary;
    QCOMPARE(summary.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    QCOMPARE(summary.value(QStringLiteral("errors")).toArray(), QJsonArray());

    // The publisher's state once the viewer is done: the session is complete by then.
    const QJsonArray files = fetchSnapshot(sessionUrl).value(QStringLiteral("files")).toArray();
    QVERIFY2(files.size() >= 3, "the demo publishes at least three files");
    QCOMPARE(summary.value(QStringLiteral("files")).toArray().size(), files.size());
    for (const QJsonValue &value : files) {
        const QJsonObject file = value.toObject();
        const QString name = file.value(QStringLiteral("name")).toString();
        QFile written(QDir(outputDir).filePath(name));
        QVERIFY2(written.open(QIODevice::ReadOnly), qPrintable(name));
        QCOMPARE(sha256(written.readAll()),
                 sha256(file.value(QStringLiteral("content")).toString().toUtf8()));
    }
    // Where a viewer that fell out of nchan's buffer re-syncs: nginx passes it to the publisher.
    QCOMPARE(fetchSnapshot(subscribeUrl).value(QStringLiteral("files")).toArray(), files);
}

void TestNchanRelay::singleNode_demoReachesLiveAndLateViewers()
{
    const QList<quint16> ports = freePorts(2);
    const quint16 port = ports.at(0);
    const quint16 publisherPort = ports.at(1);
    QVERIFY(port && publisherPort);
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(port);
    const QString sessionId = QStringLiteral("single");

    // The publisher comes first and nchan is not there yet: the relay queues and retries.
    ChildProcess serve;
    QVERIFY(startServe(&serve, publisherPort, base + QStringLiteral("/pub/{id}"), sessionId));
    const QString sessionUrl = serve.readLine();
    QVERIFY2(sessionUrl.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(sessionUrl));

    ChildProcess nginx;
    QVERIFY(startNginx(&nginx, QStringLiteral("single"), QStringLiteral("inkstream-nchan.conf"),
                       port, publisherPort));
    const QString subscribeUrl = base + QStringLiteral("/sub/") + sessionId;
    const QString liveDir = m_dir.filePath(QStringLiteral("single-live"));
    ChildProcess live;
    startWatch(&live, subscribeUrl, liveDir);
    verifyFiles(&live, liveDir, sessionUrl, subscribeUrl);
    if (QTest::currentTestFailed())
        return;

    // A viewer that joins after the session completed gets it from nchan's message buffer,
    // over EventSource and over WebSocket.
    for (const QString &transport : {QStringLiteral("sse"), QStringLiteral("ws")}) {
        const QString lateDir = m_dir.filePath(QStringLiteral("single-late-") + transport);
        ChildProcess late;
        startWatch(&late, subscribeUrl, lateDir, transport);
        QJsonObject summary;
        verifyFiles(&late, lateDir, sessionUrl, subscribeUrl, &summary);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(summary.value(QStringLiteral("transport")).toString(), transport);
        QCOMPARE(summary.value(QStringLiteral("duplicatesDropped")).toInt(), 0);
    }

    serve.stop();
    const QString log = QString::fromUtf8(serve.process.readAllStandardError());
    QVERIFY2(log.contains(QStringLiteral("0 still queued, 0 dropped, 0 refused")), qPrintable(log));
    // A clean exit on SIGTERM (under the sanitizers: no leak or error report either).
    QCOMPARE(serve.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.process.exitCode(), 0);

    // A publisher without the right token is refused by nginx, and says so.
    ChildProcess intruder;
    QVERIFY(startServe(&intruder, 0, base + QStringLiteral("/pub/{id}"), QStringLiteral("intruder"),
                       QByteArrayLiteral("wrong")));
    QByteArray intruderLog;
    QTRY_VERIFY_WITH_TIMEOUT(
        (intruderLog += intruder.process.readAllStandardError()).contains("relay refused event 1"),
        15000);
    QVERIFY2(intruderLog.contains("HTTP 403"), intruderLog.constData());
    intruder.stop();
    nginx.stop();
}

// The same from the GUI: `inkstream --demo --relay` plays the demo in its window and publishes
// it into nchan, where a headless viewer follows it to the same files.
void TestNchanRelay::guiDemo_relaysItsSessionThroughNchan()
{
    const QList<quint16> ports = freePorts(2);
    const quint16 port = ports.at(0);
    const quint16 publisherPort = ports.at(1);
    QVERIFY(port && publisherPort);
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(port);
    ChildProcess nginx;
    QVERIFY(startNginx(&nginx, QStringLiteral("gui"), QStringLiteral("inkstream-nchan.conf"), port,
                       publisherPort));

    ChildProcess gui;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"),
                       m_dir.filePath(QStringLiteral("gui-config")));
    gui.process.setProcessEnvironment(environment);
    gui.process.setProcessChannelMode(QProcess::SeparateChannels);
    gui.process.setReadChannel(QProcess::StandardError);
    gui.process.start(m_inkstream,
                      {QStringLiteral("--demo"), QStringLiteral("--speed"), QStringLiteral("20"),
                       QStringLiteral("--port"), QString::number(publisherPort),
                       QStringLiteral("--relay"), base + QStringLiteral("/pub/{id}"),
                       QStringLiteral("--relay-token"), QString::fromUtf8(kToken)});
    QVERIFY2(gui.process.waitForStarted(), qPrintable(gui.process.errorString()));
    const QString prefix
        = QStringLiteral("inkstream: relaying the demo to ") + base + QStringLiteral("/pub/");
    QString announced; // other lines (Qt's own warnings) may come first
    do
        announced = gui.readLine(20000);
    while (!announced.isEmpty() && !announced.startsWith(prefix));
    QVERIFY2(announced.startsWith(prefix),
             qPrintable(announced + QString::fromUtf8(gui.process.readAllStandardError())));
    const QString sessionId = announced.mid(prefix.size());
    QVERIFY2(!sessionId.isEmpty(), qPrintable(announced));

    const QString subscribeUrl = base + QStringLiteral("/sub/") + sessionId;
    const QString dir = m_dir.filePath(QStringLiteral("gui-viewer"));
    ChildProcess viewer;
    startWatch(&viewer, subscribeUrl, dir);
    verifyFiles(
        &viewer, dir,
        QStringLiteral("http://127.0.0.1:%1/api/sessions/%2").arg(publisherPort).arg(sessionId),
        subscribeUrl);
    if (QTest::currentTestFailed())
        return;
    const QByteArray log = gui.process.readAllStandardError();
    QVERIFY2(!log.contains("relay refused") && !log.contains("dropped"), log.constData());
    gui.stop();
    nginx.stop();
}

// nginx asks the publisher (auth_request to GET /api/sessions/ID/access) whether a viewer's
// token may read: the read token and the publish token may, a wrong or missing one may not,
// over EventSource and WebSocket, in the header or the query.
void TestNchanRelay::readToken_isCheckedByThePublisherForEveryViewer()
{
    const QList<quint16> ports = freePorts(2);
    const quint16 port = ports.at(0);
    const quint16 publisherPort = ports.at(1);
    QVERIFY(port && publisherPort);
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(port);
    const QString sessionId = QStringLiteral("private");
    ChildProcess nginx;
    QVERIFY(startNginx(&nginx, QStringLiteral("private"), QStringLiteral("inkstream-nchan.conf"),
                       port, publisherPort));
    ChildProcess serve;
    serve.process.setProcessChannelMode(QProcess::SeparateChannels);
    serve.process.start(m_inkstream,
                        {QStringLiteral("serve"), QStringLiteral("--port"),
                         QString::number(publisherPort), QStringLiteral("--demo"),
                         QStringLiteral("--speed"), QStringLiteral("20"),
                         QStringLiteral("--ephemeral"), QStringLiteral("--session"), sessionId,
                         QStringLiteral("--token"), QStringLiteral("publish-secret"),
                         QStringLiteral("--read-token"), QStringLiteral("viewer-secret"),
                         QStringLiteral("--relay"), base + QStringLiteral("/pub/{id}"),
                         QStringLiteral("--relay-token"), QString::fromUtf8(kToken)});
    QVERIFY(serve.process.waitForStarted());
    QVERIFY2(serve.readLine().startsWith(QStringLiteral("http://127.0.0.1:")),
             "serve did not start");
    const QString subscribeUrl = base + QStringLiteral("/sub/") + sessionId;

    struct Case
    {
        QString transport;
        QString url;
        QStringList extra;
        bool allowed;
    };
    const QList<Case> cases {
        {QStringLiteral("sse"),
         subscribeUrl,
         {QStringLiteral("--token"), QStringLiteral("viewer-secret")},
         true},
        {QStringLiteral("ws"), subscribeUrl + QStringLiteral("?token=viewer-secret"), {}, true},
        {QStringLiteral("sse"),
         subscribeUrl,
         {QStringLiteral("--token"), QStringLiteral("publish-secret")},
         true},
        {QStringLiteral("sse"),
         subscribeUrl,
         {QStringLiteral("--token"), QStringLiteral("guess")},
         false},
        {QStringLiteral("ws"), subscribeUrl, {}, false},
    };
    for (const Case &c : cases) {
        ChildProcess watch;
        const QString dir = m_dir.filePath(
            QStringLiteral("private-%1-%2")
                .arg(c.transport)
                .arg(c.allowed ? QStringLiteral("ok") : QStringLiteral("refused")));
        watch.process.start(
            m_inkstream,
            QStringList {QStringLiteral("watch"), c.url, QStringLiteral("--transport"), c.transport,
                         QStringLiteral("--output"), dir, QStringLiteral("--timeout"),
                         QStringLiteral("60"), QStringLiteral("--summary"), QStringLiteral("-")}
                + c.extra);
        QVERIFY(watch.process.waitForFinished(70000));
        const QByteArray out = watch.process.readAllStandardOutput();
        const QJsonObject summary = QJsonDocument::fromJson(out).object();
        const QString what = c.transport + u' ' + c.url + u' ' + c.extra.join(u' ');
        if (c.allowed) {
            QVERIFY2(summary.value(QStringLiteral("status")).toString() == u"complete",
                     qPrintable(what + QString::fromUtf8(out)));
            QVERIFY2(summary.value(QStringLiteral("files")).toArray().size() >= 3,
                     qPrintable(what));
        } else {
            QVERIFY2(summary.value(QStringLiteral("status")).toString() == u"error",
                     qPrintable(what + QString::fromUtf8(out)));
            const QString error
                = summary.value(QStringLiteral("errors")).toArray().last().toString();
            QVERIFY2(error.contains(QStringLiteral("HTTP 401"))
                         || error.contains(QStringLiteral("HTTP 403")),
                     qPrintable(what + u' ' + error));
            QVERIFY(summary.value(QStringLiteral("files")).toArray().isEmpty());
        }
    }
    serve.stop();
    nginx.stop();
}

bool TestNchanRelay::startRedis(ChildProcess *redis, quint16 port)
{
    redis->process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    redis->process.start(m_redis,
                         {QStringLiteral("--port"), QString::number(port), QStringLiteral("--bind"),
                          QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                          QStringLiteral("--appendonly"), QStringLiteral("no"),
                          QStringLiteral("--dir"), m_dir.path()});
    [&] {
        QVERIFY2(redis->process.waitForStarted(), qPrintable(redis->process.errorString()));
        QTRY_VERIFY2_WITH_TIMEOUT(accepts(port), "redis-server did not come up", 10000);
    }();
    return !QTest::currentTestFailed();
}

void TestNchanRelay::redisCluster_publishOnOneNodeWatchOnTheOther()
{
    const QList<quint16> ports = freePorts(4);
    QVERIFY(!ports.contains(quint16(0)));
    const quint16 redisPort = ports.at(0);
    ChildProcess redis;
    QVERIFY(startRedis(&redis, redisPort));

    const quint16 publishPort = ports.at(1);
    const quint16 subscribePort = ports.at(2);
    const quint16 publisherPort = ports.at(3);
    const QString config = QStringLiteral("inkstream-nchan-redis.conf");
    ChildProcess publishNode;
    QVERIFY(startNginx(&publishNode, QStringLiteral("node-a"), config, publishPort, publisherPort,
                       redisPort));
    ChildProcess subscribeNode;
    QVERIFY(startNginx(&subscribeNode, QStringLiteral("node-b"), config, subscribePort,
                       publisherPort, redisPort));

    const QString sessionId = QStringLiteral("cluster");
    const QString subscribeUrl
        = QStringLiteral("http://127.0.0.1:%1/sub/%2").arg(subscribePort).arg(sessionId);
    // The live viewer subscribes on node B before anything is published on node A.
    const QString liveDir = m_dir.filePath(QStringLiteral("cluster-live"));
    ChildProcess live;
    startWatch(&live, subscribeUrl, liveDir);
    QVERIFY(live.process.waitForStarted());

    ChildProcess serve;
    QVERIFY(startServe(&serve, publisherPort,
                       QStringLiteral("http://127.0.0.1:%1/pub/{id}").arg(publishPort), sessionId));
    const QString sessionUrl = serve.readLine();
    QVERIFY2(sessionUrl.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(sessionUrl));
    verifyFiles(&live, liveDir, sessionUrl, subscribeUrl);
    if (QTest::currentTestFailed())
        return;

    // A late viewer on node B reads the history that node A stored in Redis.
    const QString lateDir = m_dir.filePath(QStringLiteral("cluster-late"));
    ChildProcess late;
    startWatch(&late, subscribeUrl, lateDir);
    verifyFiles(&late, lateDir, sessionUrl, subscribeUrl);

    serve.stop();
    subscribeNode.stop();
    publishNode.stop();
    redis.stop();
}

// The viewer's node dies mid-session and comes back: the viewer reconnects with nchan's own
// Last-Event-ID and nchan (from Redis) sends exactly what followed, so nothing arrives twice.
void TestNchanRelay::redisCluster_viewerResumesWithNchanIds_data()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("EventSource") << QStringLiteral("sse");
    QTest::newRow("WebSocket (ws+meta.nchan ids)") << QStringLiteral("ws");
}

void TestNchanRelay::redisCluster_viewerResumesWithNchanIds()
{
    QFETCH(QString, transport);
    const quint16 redisPort = freePort();
    QVERIFY(redisPort);
    ChildProcess redis;
    QVERIFY(startRedis(&redis, redisPort));
    const quint16 publishPort = freePort();
    const quint16 subscribePort = freePort();
    const quint16 publisherPort = freePort();
    QVERIFY(publishPort && subscribePort && publisherPort && publishPort != subscribePort
            && publisherPort != publishPort && publisherPort != subscribePort);
    const QString config = QStringLiteral("inkstream-nchan-redis.conf");
    ChildProcess publishNode;
    QVERIFY(startNginx(&publishNode, QStringLiteral("resume-a-") + transport, config, publishPort,
                       publisherPort, redisPort));
    ChildProcess subscribeNode;
    QVERIFY(startNginx(&subscribeNode, QStringLiteral("resume-b-") + transport, config,
                       subscribePort, publisherPort, redisPort));

    const QString sessionId = QStringLiteral("resume-") + transport;
    const QString subscribeUrl
        = QStringLiteral("http://127.0.0.1:%1/sub/%2").arg(subscribePort).arg(sessionId);
    const QString liveDir = m_dir.filePath(QStringLiteral("resume-live-") + transport);
    ChildProcess live;
    startWatch(&live, subscribeUrl, liveDir, transport);
    QVERIFY(live.process.waitForStarted());
    // Slow enough (about 10 s) that the outage falls in the middle of the session.
    ChildProcess serve;
    QVERIFY(startServe(&serve, publisherPort,
                       QStringLiteral("http://127.0.0.1:%1/pub/{id}").arg(publishPort), sessionId,
                       kToken, 4));
    const QString sessionUrl = serve.readLine();
    QVERIFY2(sessionUrl.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(sessionUrl));

    // Once the viewer has written its first file, node B goes away and comes back.
    const auto wroteAFile = [&liveDir] {
        QDirIterator it(liveDir, QDir::Files, QDirIterator::Subdirectories);
        return it.hasNext();
    };
    QTRY_VERIFY_WITH_TIMEOUT(wroteAFile(), 30000);
    subscribeNode.stop();
    QVERIFY(startNginx(&subscribeNode, QStringLiteral("resume-b-") + transport, config,
                       subscribePort, publisherPort, redisPort));

    QJsonObject summary;
    verifyFiles(&live, liveDir, sessionUrl, subscribeUrl, &summary);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(summary.value(QStringLiteral("reconnects")).toInt() >= 1,
             QJsonDocument(summary).toJson().constData());
    QCOMPARE(summary.value(QStringLiteral("duplicatesDropped")).toInt(), 0);
    QCOMPARE(summary.value(QStringLiteral("resyncs")).toInt(), 0);

    serve.stop();
    subscribeNode.stop();
    publishNode.stop();
    redis.stop();
}

QTEST_GUILESS_MAIN(TestNchanRelay)
#include "tst_nchanrelay.moc"
