#include "core/protocol/eventcodec.h"
#include "core/server/filestreamer.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "tests/server/publishertesting.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTest>
#include <memory>
#include <QTimer>

using namespace inkstream::core;
using namespace inkstream::core::testing;

namespace {

constexpr QByteArrayView kPublishToken = "publish-secret-1";
constexpr QByteArrayView kReadToken = "viewer-secret-2";

// One request on a fresh TCP connection (so every call is a new connection for the limiter);
// returns the status line's code, or 0 when there was no answer. The publisher lives in this
// thread, so the wait runs the event loop.
int statusOfNewConnection(quint16 port, const QByteArray &requestLine)
{
    QTcpSocket socket;
    QByteArray response;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] {
        socket.write(requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        response += socket.readAll();
        if (response.contains("\r\n"))
            loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress::LocalHost, port);
    loop.exec();
    return response.left(response.indexOf("\r\n")).split(' ').value(1).toInt();
}

} // namespace

class TestPublisherAccess final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokens_guardEveryRouteButHealthz_data()
    {
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<int>("status");

        const QByteArray publish = "Bearer " + kPublishToken.toByteArray();
        const QByteArray read = "Bearer " + kReadToken.toByteArray();
        const QString snapshot = QStringLiteral("/api/sessions/s1/snapshot");
        const QString chat = QStringLiteral("/api/sessions/s1/chat");
        QTest::newRow("healthz needs nothing")
            << QByteArray("GET") << "/healthz" << QByteArray() << 200;
        QTest::newRow("no token: 401") << QByteArray("GET") << snapshot << QByteArray() << 401;
        QTest::newRow("wrong token: 403")
            << QByteArray("GET") << snapshot << QByteArray("Bearer nope") << 403;
        QTest::newRow("prefix of the token: 403")
            << QByteArray("GET") << snapshot << QByteArray("Bearer publish-secret") << 403;
        QTest::newRow("not a bearer: 401")
            << QByteArray("GET") << snapshot << QByteArray("Basic eDp5") << 401;
        QTest::newRow("read token reads") << QByteArray("GET") << snapshot << read << 200;
        QTest::newRow("publish token reads") << QByteArray("GET") << snapshot << publish << 200;
        QTest::newRow("read token cannot publish") << QByteArray("POST") << chat << read << 403;
        QTest::newRow("publish token publishes") << QByteArray("POST") << chat << publish << 202;
        QTest::newRow("metrics need a token")
            << QByteArray("GET") << "/metrics" << QByteArray() << 401;
        QTest::newRow("session list needs a token")
            << QByteArray("GET") << "/api/sessions" << QByteArray() << 401;
        const QString access = QStringLiteral("/api/sessions/s1/access");
        QTest::newRow("access: read token may read") << QByteArray("GET") << access << read << 204;
        QTest::newRow("access: no token") << QByteArray("GET") << access << QByteArray() << 401;
        QTest::newRow("access: wrong token")
            << QByteArray("GET") << access << QByteArray("Bearer nope") << 403;
        QTest::newRow("delete needs the publish token")
            << QByteArray("DELETE") << "/api/sessions/s1" << read << 403;
    }
    void tokens_guardEveryRouteButHealthz()
    {
        QFETCH(QByteArray, verb);
        QFETCH(QString, path);
        QFETCH(QByteArray, authorization);
        QFETCH(int, status);

        Fixture f;
        f.publisher.accessPolicy().setPublishToken(kPublishToken.toByteArray());
        f.publisher.accessPolicy().setReadToken(kReadToken.toByteArray());
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!authorization.isEmpty())
            headers.append({QByteArrayLiteral("Authorization"), authorization});
        const QByteArray body = verb == "POST"
            ? json({{QStringLiteral("text"), QStringLiteral("hello")}})
            : QByteArray();
        const HttpResult result = sendRequest(f.manager, verb, f.url(path), body, headers);
        QCOMPARE(result.status, status);
        if (status == 401) {
            QCOMPARE(result.json.value(QStringLiteral("error")).toString(),
                     QStringLiteral("authentication required"));
            QVERIFY(result.headers.value("www-authenticate").startsWith("Bearer"));
        }
        if (status == 403)
            QVERIFY(!result.json.value(QStringLiteral("detail")).toString().isEmpty());
    }

    void tokens_queryParameterOpensAStream_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("status");
        QTest::newRow("read token in the query")
            << QByteArray("/api/sessions/s1/stream?token=viewer-secret-2") << QByteArray("200");
        QTest::newRow("wrong token in the query")
            << QByteArray("/api/sessions/s1/stream?token=viewer") << QByteArray("403");
        QTest::newRow("no token") << QByteArray("/api/sessions/s1/stream") << QByteArray("401");
    }
    void tokens_queryParameterOpensAStream()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, status);
        Fixture f;
        f.publisher.accessPolicy().setPublishToken(kPublishToken.toByteArray());
        f.publisher.accessPolicy().setReadToken(kReadToken.toByteArray());
        RawSseClient client(f.publisher.port(), target);
        QTRY_VERIFY_WITH_TIMEOUT(client.headersDone, 10000);
        QCOMPARE(client.statusLine.split(' ').value(1), status);
        QCOMPARE(f.publisher.subscriberCount(), status == "200" ? 1 : 0);
    }

    void listen_offLoopbackWithoutToken_isRefused()
    {
        SessionHub hub;
        Publisher publisher(&hub);
        QVERIFY(!publisher.listen(QHostAddress::Any, 0));
        QVERIFY2(publisher.errorString().contains(QStringLiteral("token")),
                 qPrintable(publisher.errorString()));
        QVERIFY(!publisher.isListening());
        // Loopback stays open without one.
        QVERIFY(publisher.listen(QHostAddress::LocalHost, 0));
    }

    void limits_openConnectionsPerAddress_answer429()
    {
        Fixture f;
        f.publisher.connectionLimiter().setMaxOpenPerAddress(2);
        auto first = std::make_unique<RawSseClient>(f.publisher.port(), "/api/sessions/s1/stream");
        RawSseClient second(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 2, 10000);

        RawSseClient third(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_VERIFY_WITH_TIMEOUT(third.headersDone, 10000);
        QCOMPARE(third.statusLine.split(' ').value(1), QByteArray("429"));
        QCOMPARE(third.headers.value("retry-after"), QByteArray("1"));
        QCOMPARE(f.publisher.subscriberCount(), 2);

        // A closed connection frees its place.
        first.reset();
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 1, 10000);
        RawSseClient fourth(f.publisher.port(), "/api/sessions/s1/stream");
        // The server counts the subscriber before its headers reach the client: wait for both.
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(fourth.headersDone, 10000);
        QCOMPARE(fourth.statusLine.split(' ').value(1), QByteArray("200"));
    }

    void limits_newConnectionsPerSecond_answer429()
    {
        Fixture f;
        f.publisher.connectionLimiter().setMaxNewPerSecond(3);
        QList<int> statuses;
        for (int i = 0; i < 6; ++i)
            statuses << statusOfNewConnection(f.publisher.port(), "GET /healthz HTTP/1.1");
        // A burst of one second's worth, then refusals; the bucket refills at 3 per second, so
        // at most one more may slip through while the six requests run.
        QCOMPARE(statuses.mid(0, 3), QList<int>({200, 200, 200}));
        QVERIFY2(statuses.count(429) >= 2, std::unique_ptr<char[]>(QTest::toString(statuses)).get());
        QVERIFY(f.publisher.metrics().responses(QStringLiteral("/healthz"), 429) >= 2);
        // The bucket refills: within a second the address may connect again. (A plain loop:
        // QTRY_* would evaluate the connecting expression once more after it succeeded.)
        QDeadlineTimer deadline(3000);
        int status = 0;
        while ((status = statusOfNewConnection(f.publisher.port(), "GET /healthz HTTP/1.1")) != 200
               && !deadline.hasExpired())
            QTest::qWait(50);
        QCOMPARE(status, 200);
    }

    // Connections that never finish a request are closed after the request timeout; one that
    // asked for a stream in time keeps it for as long as it reads.
    void requestTimeout_closesSilentAndSlowConnections_notStreams()
    {
        SessionHub hub;
        Session *session = hub.createSession(QStringLiteral("s1"));
        Publisher publisher(&hub);
        publisher.setRequestTimeout(std::chrono::milliseconds(400));
        QVERIFY(publisher.listen(QHostAddress::LocalHost, 0));
        QElapsedTimer opened;
        opened.start();
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, publisher.port());
        QTcpSocket slow; // headers never finished: the slow-header attack
        connect(&slow, &QTcpSocket::connected, &slow,
                [&slow] { slow.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: "); });
        slow.connectToHost(QHostAddress::LocalHost, publisher.port());
        RawSseClient viewer(publisher.port(), "/api/sessions/s1/stream");
        QTRY_COMPARE_WITH_TIMEOUT(publisher.subscriberCount(), 1, 10000);

        QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::UnconnectedState, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::UnconnectedState, 10000);
        QVERIFY2(opened.elapsed() >= 350, qPrintable(QString::number(opened.elapsed())));
        QCOMPARE(publisher.metrics().connectionsTimedOut(), quint64(2));

        // Well past the timeout, the stream is still there and delivers.
        QTest::qWait(500);
        QCOMPARE(viewer.socket.state(), QAbstractSocket::ConnectedState);
        session->publish(ProgressEvent {42, QStringLiteral("still here")});
        QTRY_VERIFY_WITH_TIMEOUT(!viewer.events("progress").isEmpty(), 10000);
        QCOMPARE(publisher.subscriberCount(), 1);
    }

    void cors_preflightAndResponses_data()
    {
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("listed origin") << QByteArray("https://viewer.example") << true;
        QTest::newRow("other origin") << QByteArray("https://evil.example") << false;
    }
    void cors_preflightAndResponses()
    {
        QFETCH(QByteArray, origin);
        QFETCH(bool, allowed);
        Fixture f;
        f.publisher.corsPolicy().setAllowedOrigins({QStringLiteral("https://viewer.example")});
        const QList<std::pair<QByteArray, QByteArray>> headers
            = {{"Origin", origin}, {"Access-Control-Request-Method", "GET"}};
        const HttpResult preflight = sendRequest(
            f.manager, "OPTIONS", f.url(QStringLiteral("/api/sessions/s1/stream")), {}, headers);
        QCOMPARE(preflight.status, 204);
        QCOMPARE(preflight.headers.value("access-control-allow-origin"),
                 allowed ? origin : QByteArray());
        QCOMPARE(preflight.headers.value("access-control-allow-headers").contains("Last-Event-ID"),
                 allowed);

        const HttpResult snapshot = sendRequest(
            f.manager, "GET", f.url(QStringLiteral("/api/sessions/s1/snapshot")), {}, headers);
        QCOMPARE(snapshot.status, 200);
        QCOMPARE(snapshot.headers.value("access-control-allow-origin"),
                 allowed ? origin : QByteArray());

        RawSseClient stream(f.publisher.port(), "/api/sessions/s1/stream",
                            "Origin: " + origin + "\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(stream.headersDone, 10000);
        QCOMPARE(stream.headers.value("access-control-allow-origin"),
                 allowed ? origin : QByteArray());
    }

    void sessions_areIsolated()
    {
        Fixture f;
        Session *other = f.hub.createSession(QStringLiteral("s2"));
        RawSseClient a(f.publisher.port(), "/api/sessions/s1/stream");
        RawSseClient b(f.publisher.port(), "/api/sessions/s2/stream");
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 2, 10000);

        f.session->fileStreamer()->enqueue(QStringLiteral("a.txt"), QStringLiteral("only for A"),
                                           ChunkOptions {3, 0, false});
        other->fileStreamer()->enqueue(QStringLiteral("b.txt"), QStringLiteral("only for B"),
                                       ChunkOptions {3, 0, false});
        f.session->publish(SessionEvent {});
        other->publish(SessionEvent {});
        QTRY_VERIFY_WITH_TIMEOUT(a.hasSessionEvent() && b.hasSessionEvent(), 10000);

        for (const auto &[client, id, foreign] :
             {std::tuple {&a, QStringLiteral("s1"), QByteArray("b.txt")},
              std::tuple {&b, QStringLiteral("s2"), QByteArray("a.txt")}}) {
            for (const SseFrame &frame : client->dispatched()) {
                QCOMPARE(frame.json().value(QStringLiteral("sessionId")).toString(), id);
                QVERIFY(!frame.data.value(0).contains(foreign));
            }
        }
    }

    void metrics_countEventsAndResponses()
    {
        Fixture f;
        RawSseClient client(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 1, 10000);
        f.session->publish(ProgressEvent {40, {}});
        f.session->publish(ProgressEvent {80, {}});
        QCOMPARE(sendRequest(f.manager, "GET", f.url(QStringLiteral("/api/sessions/nope"))).status,
                 404);

        const HttpResult metrics = sendRequest(f.manager, "GET", f.url(QStringLiteral("/metrics")));
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.contentType.startsWith("text/plain"));
        const QByteArray text = metrics.body;
        QVERIFY2(text.contains("\ninkstream_events_published_total 2\n"), text.constData());
        QVERIFY(text.contains("inkstream_subscribers{transport=\"sse\"} 1\n"));
        QVERIFY(text.contains("inkstream_sessions 1\n"));
        QVERIFY(text.contains("inkstream_http_responses_total{route=\"/api/sessions/{id}/"
                              "stream\",code=\"200\"} 1\n"));
        QVERIFY(text.contains(
            "inkstream_http_responses_total{route=\"/api/sessions/{id}\",code=\"404\"} 1\n"));
        QVERIFY(text.contains("# TYPE inkstream_bytes_sent_total counter\n"));
    }

    void viewerPage_isServedForKnownSessions()
    {
        Fixture f;
        const HttpResult page = sendRequest(f.manager, "GET", f.url(QStringLiteral("/view/s1")));
        QCOMPARE(page.status, 200);
        QVERIFY(page.contentType.startsWith("text/html"));
        QVERIFY(page.body.contains("new EventSource("));
        QCOMPARE(sendRequest(f.manager, "GET", f.url(QStringLiteral("/view/nope"))).status, 404);
    }

    void closeAllStreams_sendsShutdownThenCloses()
    {
        Fixture f;
        RawSseClient client(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 1, 10000);
        f.publisher.closeAllStreams(QStringLiteral("maintenance"));
        QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::UnconnectedState, 10000);
        const QList<SseFrame> shutdown = client.events("shutdown");
        QCOMPARE(shutdown.size(), 1);
        QCOMPARE(shutdown.first().json().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("maintenance"));
        QVERIFY(!shutdown.first().hasId); // not part of the session: resuming skips nothing
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 0, 10000);
    }
};

QTEST_GUILESS_MAIN(TestPublisherAccess)
#include "tst_publisheraccess.moc"
