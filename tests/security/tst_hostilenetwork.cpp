// The real `inkstream serve` on loopback against a hostile client (issue 17): nothing a
// client sends reaches memory, sockets or disk before it is allowed to, and every limit holds
// with its bound asserted.
#include "hostileclient.h"
#include "tests/support/childprocess.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>
#include <memory>
#include <sys/resource.h>

namespace {

constexpr qint64 kMaxGrowthKiB = 32 * 1024;
constexpr qint64 kOffered = 400LL * 1000 * 1000;

// A WebSocket key and the request that opens a WebSocket on `path`.
QByteArray upgradeRequest(const QByteArray &path, quint16 port, bool withKey = true)
{
    QByteArray request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    if (withKey)
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    return request + "\r\n";
}

// A masked client frame header announcing `length` payload bytes (binary, final).
QByteArray maskedFrameHeader(quint64 length)
{
    QByteArray header;
    header.append(char(0x82));
    header.append(char(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
        header.append(char((length >> shift) & 0xff));
    header.append("\x01\x02\x03\x04", 4);
    return header;
}

// The close code of the first close frame the server sent after its 101, or 0.
int closeCodeIn(const QByteArray &received)
{
    const qsizetype headEnd = received.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return 0;
    QByteArray frames = received.mid(headEnd + 4);
    while (frames.size() >= 2) {
        const int opcode = frames.at(0) & 0x0f;
        int length = frames.at(1) & 0x7f;
        int offset = 2;
        if (length == 126) {
            if (frames.size() < 4)
                return 0;
            length = (quint8(frames.at(2)) << 8) | quint8(frames.at(3));
            offset = 4;
        }
        if (frames.size() < offset + length)
            return 0;
        if (opcode == 0x8 && length >= 2)
            return (quint8(frames.at(offset)) << 8) | quint8(frames.at(offset + 1));
        frames.remove(0, offset + length);
    }
    return 0;
}

void raiseOwnFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

class TestHostileNetwork : public QObject
{
    Q_OBJECT

private:
    struct Server
    {
        ChildProcess child;
        quint16 port = 0;
        QString sessionPath; // /api/sessions/s1
        qint64 pid() const { return child.process.processId(); }
    };

    // `serve --session s1 --ephemeral` on a free loopback port with `extra` options.
    static std::unique_ptr<Server> startServe(const QStringList &extra = {})
    {
        auto server = std::make_unique<Server>();
        server->child.process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        server->child.process.start(binary(),
                                    QStringList {QStringLiteral("serve"), QStringLiteral("--port"),
                                                 QStringLiteral("0"), QStringLiteral("--session"),
                                                 QStringLiteral("s1"),
                                                 QStringLiteral("--ephemeral")}
                                        + extra);
        const QUrl url(server->child.readLine());
        server->port = quint16(url.port());
        server->sessionPath = url.path();
        return server;
    }

    static QByteArray request(const Server &server, const QByteArray &method,
                              const QByteArray &path, const QByteArray &headers,
                              const QByteArray &body = {})
    {
        return method + ' ' + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(server.port) + "\r\n" + headers
            + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!binary().isEmpty(), "INKSTREAM_BINARY is not set");
        raiseOwnFileLimit();
    }

    void unauthenticatedBody_isNeverRead_data()
    {
        QTest::addColumn<bool>("chunked");
        QTest::newRow("content-length") << false;
        QTest::newRow("chunked") << true;
    }
    void unauthenticatedBody_isNeverRead()
    {
        QFETCH(bool, chunked);
        auto server = startServe({QStringLiteral("--token"), QStringLiteral("secret")});
        QVERIFY(server->port != 0);
        const qint64 before = residentKiB(server->pid());
        qint64 peak = before;
        HostileClient client(server->port);
        QVERIFY(client.connected);
        const QByteArray path = server->sessionPath.toLatin1() + "/files";
        client.send("POST " + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + "application/json\r\n"
                    + (chunked ? QByteArray("Transfer-Encoding: chunked\r\n")
                               : "Content-Length: " + QByteArray::number(kOffered) + "\r\n")
                    + "\r\n");
        const QByteArray piece(1 << 20, 'x');
        const QByteArray chunk = "100000\r\n" + piece + "\r\n";
        client.offer(
            kOffered, [&] { return chunked ? chunk : piece; }, 20000,
            [&] { peak = qMax(peak, residentKiB(server->pid())); });
        client.readUntilClosed(5000);
        peak = qMax(peak, residentKiB(server->pid()));
        QCOMPARE(client.status(), 401);
        qInfo("RSS growth %lld KiB", peak - before);
        QVERIFY2(peak - before < kMaxGrowthKiB,
                 qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peak - before)));
    }

    void chunkedBody_isCutAtTheLimit()
    {
        // A 1 MiB limit: what is under test is the cut, not how a sanitizer's allocator holds
        // the freed pieces of a body grown to the default 8 MiB.
        auto server = startServe({QStringLiteral("--token"), QStringLiteral("secret"),
                                  QStringLiteral("--max-body"), QStringLiteral("1048576")});
        const qint64 before = residentKiB(server->pid());
        qint64 peak = before;
        HostileClient client(server->port);
        const QByteArray path = server->sessionPath.toLatin1() + "/events";
        client.send("POST " + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer secret\r\n"
                      "Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n");
        const QByteArray chunk = "100000\r\n" + QByteArray(1 << 20, 'x') + "\r\n";
        const qint64 sent = client.offer(
            kOffered, [&] { return chunk; }, 20000,
            [&] { peak = qMax(peak, residentKiB(server->pid())); });
        client.readUntilClosed(5000);
        QCOMPARE(client.status(), 413);
        QVERIFY2(client.received.contains("1048576"), client.received.constData());
        QVERIFY(sent < kOffered);
        qInfo("RSS growth %lld KiB", peak - before);
        QVERIFY2(peak - before < kMaxGrowthKiB,
                 qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peak - before)));
    }

    void healthz_answersWhileBadUpgradesAndIdleSocketsAreOpen()
    {
        auto server
            = startServe({QStringLiteral("--max-connections-per-ip"), QStringLiteral("16")});
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 2000; ++i) {
            idle.push_back(std::make_unique<QTcpSocket>());
            idle.back()->connectToHost(QHostAddress::LocalHost, server->port);
        }
        std::vector<std::unique_ptr<HostileClient>> upgrades;
        for (int i = 0; i < 150; ++i) {
            upgrades.push_back(std::make_unique<HostileClient>(server->port));
            upgrades.back()->send(
                upgradeRequest(server->sessionPath.toLatin1() + "/ws", server->port, false));
        }
        int idleConnected = 0;
        for (auto &socket : idle)
            idleConnected += socket->waitForConnected(5000) ? 1 : 0;
        QCOMPARE(idleConnected, 2000);

        QElapsedTimer clock;
        clock.start();
        HostileClient health(server->port);
        health.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        health.readUntil([](const QByteArray &bytes) { return bytes.contains("\"ok\""); }, 5000);
        const qint64 elapsed = clock.elapsed();
        qInfo("/healthz answered in %lld ms", elapsed);
        QCOMPARE(health.status(), 200);
        QVERIFY2(elapsed < 1000, qPrintable(QStringLiteral("/healthz took %1 ms").arg(elapsed)));

        // Every malformed upgrade was answered and closed, none held.
        for (auto &upgrade : upgrades) {
            QVERIFY(upgrade->readUntilClosed(5000));
            QCOMPARE(upgrade->status(), 400);
        }
    }

    void incompleteHead_isClosedWithinTheRequestTimeout_data()
    {
        QTest::addColumn<bool>("afterARequest");
        QTest::newRow("first request") << false;
        QTest::newRow("second request") << true;
    }
    void incompleteHead_isClosedWithinTheRequestTimeout()
    {
        QFETCH(bool, afterARequest);
        auto server = startServe({QStringLiteral("--request-timeout"), QStringLiteral("2")});
        HostileClient client(server->port);
        if (afterARequest) {
            client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            client.readUntil([](const QByteArray &bytes) { return bytes.contains("\"ok\""); },
                             5000);
            QCOMPARE(client.status(), 200);
        }
        // The head of a request, one byte a second.
        const QByteArray head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: yes\r\n";
        QElapsedTimer clock;
        clock.start();
        for (qsizetype i = 0; i < head.size()
             && client.socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < 10000;
             ++i) {
            client.send(head.mid(i, 1));
            client.readUntilClosed(1000);
        }
        QVERIFY(client.readUntilClosed(10000 - int(clock.elapsed())));
        qInfo("closed after %lld ms", clock.elapsed());
        QVERIFY2(clock.elapsed() <= 3000,
                 qPrintable(QStringLiteral("closed after %1 ms").arg(clock.elapsed())));
    }

    void crossSiteAndWrongHost_areRefused_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<int>("status");
        const QByteArray files = "/api/sessions/s1/files";
        const QByteArray json = "Content-Type: application/json\r\n";
        QTest::newRow("evil origin, text/plain, evil host")
            << files
            << QByteArray("Origin: http://evil.example\r\nHost: attacker.example\r\n"
                          "Content-Type: text/plain\r\n")
            << 421;
        QTest::newRow("evil origin") << files << "Origin: http://evil.example\r\n" + json << 403;
        QTest::newRow("form content type")
            << files << QByteArray("Content-Type: text/plain\r\n") << 403;
        QTest::newRow("urlencoded") << files
                                    << QByteArray("Content-Type: "
                                                  "application/x-www-form-urlencoded\r\n")
                                    << 403;
        QTest::newRow("rebound host") << files << "Host: attacker.example:8080\r\n" + json << 421;
        QTest::newRow("create session, evil origin")
            << QByteArray("/api/sessions") << "Origin: http://evil.example\r\n" + json << 403;
        QTest::newRow("read, rebound host")
            << QByteArray("/api/sessions/s1") << QByteArray("Host: attacker.example\r\n") << 421;
        QTest::newRow("json, no origin") << files << json << 202;
        QTest::newRow("json, localhost") << files << "Host: localhost\r\n" + json << 202;
        QTest::newRow("json, allowed origin")
            << files << "Origin: http://app.example\r\n" + json << 202;
    }
    void crossSiteAndWrongHost_areRefused()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, headers);
        QFETCH(int, status);
        auto server
            = startServe({QStringLiteral("--cors-origin"), QStringLiteral("http://app.example")});
        HostileClient client(server->port);
        const bool get = path == "/api/sessions/s1";
        const QByteArray body
            = get ? QByteArray() : QByteArray(R"({"fileName":"a.txt","content":"x"})");
        QByteArray head = (get ? "GET " : "POST ") + path + " HTTP/1.1\r\n";
        if (!headers.contains("Host:"))
            head += "Host: 127.0.0.1:" + QByteArray::number(server->port) + "\r\n";
        client.send(head + headers + "Content-Length: " + QByteArray::number(body.size())
                    + "\r\n\r\n" + body);
        client.readUntil([](const QByteArray &bytes) { return bytes.contains("\r\n\r\n"); }, 5000);
        QCOMPARE(client.status(), status);
    }

    void webSocketMessage_overTheLimit_closesWith1009()
    {
        auto server = startServe();
        const qint64 before = residentKiB(server->pid());
        qint64 peak = before;
        HostileClient client(server->port);
        client.send(upgradeRequest(server->sessionPath.toLatin1() + "/ws", server->port));
        client.readUntil([](const QByteArray &bytes) { return bytes.contains("\r\n\r\n"); }, 5000);
        QVERIFY2(client.received.startsWith("HTTP/1.1 101"), client.received.constData());
        client.send(maskedFrameHeader(300ULL * 1000 * 1000));
        const QByteArray piece(1 << 20, 'x');
        client.offer(
            300LL * 1000 * 1000, [&] { return piece; }, 20000,
            [&] { peak = qMax(peak, residentKiB(server->pid())); });
        client.readUntil([](const QByteArray &bytes) { return closeCodeIn(bytes) != 0; }, 5000);
        QCOMPARE(closeCodeIn(client.received), 1009);
        qInfo("RSS growth %lld KiB", peak - before);
        QVERIFY2(peak - before < kMaxGrowthKiB,
                 qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peak - before)));
    }

    void laxFraming_isRefusedAndClosed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        const QByteArray post = "POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\n";
        QTest::newRow("two lengths")
            << post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}}" << 400;
        QTest::newRow("length and chunked")
            << post + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
            << 400;
        QTest::newRow("negative length") << post + "Content-Length: -5\r\n\r\n" << 400;
        QTest::newRow("non-numeric length") << post + "Content-Length: 12abc\r\n\r\n" << 400;
        QTest::newRow("bad chunk size")
            << post + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"
            << 400;
        QTest::newRow("obsolete folding") << post + "X-A: 1\r\n  folded\r\n\r\n" << 400;
        QTest::newRow("space before colon") << post + "Content-Length : 2\r\n\r\n{}" << 400;
        QTest::newRow("gzip then chunked")
            << post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
            << 501;
        QTest::newRow("no host") << QByteArray("GET /healthz HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("10 MB header") << "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                + QByteArray(10 << 20, 'a')
                + "\r\n\r\n" << 431;
        QTest::newRow("HTTP/1.0 without keep-alive")
            << QByteArray("GET /healthz HTTP/1.0\r\n\r\n") << 200;
    }
    void laxFraming_isRefusedAndClosed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        auto server = startServe();
        HostileClient client(server->port);
        client.socket.write(bytes);
        QVERIFY(client.readUntilClosed(5000));
        QCOMPARE(client.status(), status);
    }

    void http10KeepAlive_staysOpen()
    {
        auto server = startServe();
        HostileClient client(server->port);
        client.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        client.readUntil([](const QByteArray &bytes) { return bytes.contains("\"ok\""); }, 5000);
        QCOMPARE(client.status(), 200);
        QVERIFY(!client.readUntilClosed(300));
    }

    void withoutAToken_everySessionIdGetsTheSameAnswer()
    {
        auto server = startServe({QStringLiteral("--token"), QStringLiteral("secret")});
        QByteArray answers[2];
        int index = 0;
        for (const QByteArray &id : {QByteArray("s1"), QByteArray("no-such-session")}) {
            HostileClient client(server->port);
            client.send(upgradeRequest("/api/sessions/" + id + "/ws", server->port));
            client.readUntil([](const QByteArray &bytes) { return closeCodeIn(bytes) != 0; }, 5000);
            const qsizetype headEnd = client.received.indexOf("\r\n\r\n");
            answers[index++] = client.received.mid(headEnd); // the frames, without Accept
            QCOMPARE(closeCodeIn(client.received), 1008);
            QVERIFY2(client.received.contains("401 "), client.received.constData());
        }
        QCOMPARE(answers[0], answers[1]);
        for (const QByteArray &path : {QByteArray("/api/sessions/s1/stream"),
                                       QByteArray("/api/sessions/no-such-session/stream"),
                                       QByteArray("/view/s1"), QByteArray("/view/nope")}) {
            HostileClient client(server->port);
            client.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            client.readUntil([](const QByteArray &bytes) { return bytes.contains("}\n"); }, 5000);
            QCOMPARE(client.status(), 401);
        }
    }

    void scopedReadToken_readsOnlyItsSessions()
    {
        auto server = startServe({QStringLiteral("--token"), QStringLiteral("secret"),
                                  QStringLiteral("--read-token"), QStringLiteral("viewer:s1")});
        {
            HostileClient create(server->port);
            create.send(
                request(*server, "POST", "/api/sessions",
                        "Authorization: Bearer secret\r\nContent-Type: application/json\r\n",
                        R"({"id":"s2"})"));
            create.readUntil([](const QByteArray &bytes) { return bytes.contains("}\n"); }, 5000);
            QCOMPARE(create.status(), 201);
        }
        const QList<std::pair<QByteArray, int>> cases {{"/api/sessions/s1", 200},
                                                       {"/api/sessions/s2", 403},
                                                       {"/api/sessions/nope", 403},
                                                       {"/api/sessions", 403}};
        for (const auto &[path, status] : cases) {
            HostileClient client(server->port);
            client.send(request(*server, "GET", path, "Authorization: Bearer viewer\r\n"));
            client.readUntil([](const QByteArray &bytes) { return bytes.contains("}\n"); }, 5000);
            QVERIFY2(client.status() == status,
                     qPrintable(QStringLiteral("%1: %2").arg(
                         QString::fromLatin1(path), QString::fromLatin1(client.received))));
        }
    }

    void whitespaceToken_isRefusedAtStart()
    {
        for (const QStringList &options :
             {QStringList {QStringLiteral("--token"), QStringLiteral("   ")},
              QStringList {QStringLiteral("--token"), QStringLiteral("p"),
                           QStringLiteral("--read-token"), QStringLiteral(" \t")}}) {
            QProcess serve;
            serve.start(binary(),
                        QStringList {QStringLiteral("serve"), QStringLiteral("--port"),
                                     QStringLiteral("0"), QStringLiteral("--ephemeral")}
                            + options);
            QVERIFY(serve.waitForFinished(15000));
            QVERIFY(serve.exitCode() != 0);
            QVERIFY2(serve.readAllStandardError().contains("whitespace"),
                     qPrintable(options.join(u' ')));
        }
    }

    void ndjsonErrors_nameTheRightLine()
    {
        auto server = startServe();
        HostileClient client(server->port);
        const QByteArray body = "\n\n{\"event\":\"progress\",\"percent\":5}\n\n{broken\n";
        client.send(request(*server, "POST", "/api/sessions/s1/events",
                            "Content-Type: application/x-ndjson\r\n", body));
        client.readUntil([](const QByteArray &bytes) { return bytes.contains("}\n"); }, 5000);
        QCOMPARE(client.status(), 400);
        QVERIFY2(client.received.contains("NDJSON line 5"), client.received.constData());
    }
};

QTEST_GUILESS_MAIN(TestHostileNetwork)
#include "tst_hostilenetwork.moc"
