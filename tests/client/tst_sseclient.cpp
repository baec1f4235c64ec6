#include "core/client/sseclient.h"
#include "tests/support/fastpolicy.h"
#include "tests/support/rawhttpserver.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using inkstream::core::ConnectionState;
using inkstream::core::ReconnectPolicy;
using inkstream::core::SseClient;
using inkstream::test::fastPolicy;
using namespace std::chrono_literals;

class TestSseClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void events_arriveBeforeResponseEnds();
    void drop_reconnectsWithLastEventId();
    void status_data();
    void status();
    void networkFailure_backsOffThenGivesUp();
    void silentServer_tripsHeartbeat();
    void close_stopsStreamAndRetries();
    void oversizedEvent_isDropped_streamGoesOn();
    void idOnlyBlock_movesLastEventId();
    void nonHttpUrl_isAnError();
    void proxyFromEnvironment_isUsed_loopbackGoesDirect();
};

void TestSseClient::initTestCase()
{
    qRegisterMetaType<ConnectionState>();
}

void TestSseClient::events_arriveBeforeResponseEnds()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        request.socket->write(RawHttpServer::streamHead()
                              + "retry: 1500\n\nid: 1\nevent: greeting\ndata: hello\n\n");
    });

    SseClient client;
    QSignalSpy events(&client, &SseClient::eventReceived);
    QSignalSpy states(&client, &SseClient::stateChanged);
    client.open(server.url(QStringLiteral("/stream")));
    QCOMPARE(client.state(), ConnectionState::Connecting);

    QTRY_COMPARE(events.count(), 1);
    QCOMPARE(events.at(0).at(0).toByteArray(), QByteArrayLiteral("greeting"));
    QCOMPARE(events.at(0).at(1).toByteArray(), QByteArrayLiteral("hello"));
    QCOMPARE(events.at(0).at(2).toByteArray(), QByteArrayLiteral("1"));
    QCOMPARE(client.state(), ConnectionState::Streaming);
    QCOMPARE(client.serverRetry(), std::optional(1500ms));
    QCOMPARE(client.httpStatus(), 200);
    QCOMPARE(states.count(), 3); // connecting, connected, streaming
    QCOMPARE(states.at(1).at(0).value<ConnectionState>(), ConnectionState::Connected);

    const RawHttpServer::Request &request = server.requests().at(0);
    QCOMPARE(request.method, QByteArrayLiteral("GET"));
    QCOMPARE(request.target, QByteArrayLiteral("/stream"));
    QCOMPARE(request.headers.value("accept"), QByteArrayLiteral("text/event-stream"));
    QCOMPARE(request.headers.value("cache-control"), QByteArrayLiteral("no-cache"));
    QVERIFY(!request.headers.contains("last-event-id"));

    // Half an event stays in the parser; the rest completes it, all on the open response.
    request.socket->write("data: multi-byte \xc3");
    QTRY_VERIFY(client.bytesReceived() > 60);
    QCOMPARE(events.count(), 1);
    request.socket->write("\xa9t\xc3\xa9\ndata: line two\n\n");
    QTRY_COMPARE(events.count(), 2);
    QCOMPARE(events.at(1).at(0).toByteArray(), QByteArrayLiteral("message"));
    QCOMPARE(QString::fromUtf8(events.at(1).at(1).toByteArray()),
             QStringLiteral("multi-byte \u00e9t\u00e9\nline two"));
    QCOMPARE(events.at(1).at(2).toByteArray(), QByteArrayLiteral("1")); // the id persists
    QCOMPARE(server.requestCount(), 1);
}

void TestSseClient::drop_reconnectsWithLastEventId()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int index) {
        if (index == 0) {
            // The connection drops in the middle of the second event, which is never dispatched.
            RawHttpServer::respondAndClose(
                request.socket,
                RawHttpServer::streamHead() + "retry: 20\n\nid: 7\ndata: one\n\nid: 8\ndata: tw");
        } else {
            request.socket->write(RawHttpServer::streamHead() + "id: 8\ndata: two\n\n");
        }
    });

    SseClient client;
    client.setReconnectPolicy(fastPolicy(10ms, 200ms));
    QSignalSpy events(&client, &SseClient::eventReceived);
    QSignalSpy retries(&client, &SseClient::retryScheduled);
    client.open(server.url(QStringLiteral("/api/sessions/s/stream")));

    QTRY_COMPARE(events.count(), 2);
    QCOMPARE(events.at(0).at(1).toByteArray(), QByteArrayLiteral("one"));
    QCOMPARE(events.at(1).at(1).toByteArray(), QByteArrayLiteral("two"));
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests().at(1).headers.value("last-event-id"), QByteArrayLiteral("7"));
    QCOMPARE(retries.count(), 1);
    QCOMPARE(retries.at(0).at(0).toInt(), 1);
    // The server's `retry: 20`, raised to the floor.
    QCOMPARE(retries.at(0).at(1).value<std::chrono::milliseconds>(), 250ms);
    QCOMPARE(client.reconnects(), 1);
    QCOMPARE(client.attempt(), 0); // reset by the successful connection
    QCOMPARE(client.state(), ConnectionState::Streaming);
    QCOMPARE(client.lastEventId(), QByteArrayLiteral("8"));
}

void TestSseClient::status_data()
{
    QTest::addColumn<QByteArray>("firstResponse");
    QTest::addColumn<ConnectionState>("expectedState");
    QTest::addColumn<QString>("expectedError");
    QTest::addColumn<bool>("retried");
    QTest::addColumn<bool>("keepOpen"); // the first response stays open

    const QByteArray json = "application/json";
    QTest::newRow("204 stops reconnecting")
        << RawHttpServer::response(204, "No Content") << ConnectionState::Disconnected
        << QStringLiteral("HTTP 204") << false << false;
    QTest::newRow("401 is an auth error")
        << RawHttpServer::response(401, "Unauthorized", json, R"({"error":"unauthorized"})")
        << ConnectionState::Error << QStringLiteral("authentication required (HTTP 401") << false
        << false;
    QTest::newRow("403 is an auth error")
        << RawHttpServer::response(403, "Forbidden") << ConnectionState::Error
        << QStringLiteral("access denied (HTTP 403") << false << false;
    QTest::newRow("404 is no such session")
        << RawHttpServer::response(
               404, "Not Found", json,
               R"({"error":"unknown session","detail":"there is no session with id \"s\""})")
        << ConnectionState::Error
        << QStringLiteral("no such session (HTTP 404 at %1): unknown session, there is no "
                          "session with id \"s\"")
        << false << false;
    QTest::newRow("400 is fatal") << RawHttpServer::response(400, "Bad Request")
                                  << ConnectionState::Error
                                  << QStringLiteral("the server refused the stream (HTTP 400")
                                  << false << false;
    QTest::newRow("wrong content type is an error, not a hang")
        << (RawHttpServer::streamHead("text/html; charset=utf-8") + "<html>")
        << ConnectionState::Error
        << QStringLiteral("%1 is not an event stream: the server answered text/html (expected "
                          "text/event-stream)")
        << false << false;
    QTest::newRow("missing content type is an error")
        << RawHttpServer::response(200, "OK", {}, "data: x\n\n") << ConnectionState::Error
        << QStringLiteral("is not an event stream: the server answered no Content-Type") << false
        << false;
    QTest::newRow("500 retries") << RawHttpServer::response(500, "Internal Server Error")
                                 << ConnectionState::Streaming << QString() << true << false;
    QTest::newRow("503 retries") << RawHttpServer::response(503, "Service Unavailable")
                                 << ConnectionState::Streaming << QString() << true << false;
    QTest::newRow("content type parameters are fine")
        << (RawHttpServer::streamHead("Text/Event-Stream; charset=utf-8") + "data: ok\n\n")
        << ConnectionState::Streaming << QString() << false << true;
}

void TestSseClient::status()
{
    QFETCH(QByteArray, firstResponse);
    QFETCH(ConnectionState, expectedState);
    QFETCH(QString, expectedError);
    QFETCH(bool, retried);
    QFETCH(bool, keepOpen);

    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([firstResponse, keepOpen](const RawHttpServer::Request &request, int index) {
        if (index == 0 && keepOpen)
            request.socket->write(firstResponse);
        else if (index == 0)
            RawHttpServer::respondAndClose(request.socket, firstResponse);
        else
            request.socket->write(RawHttpServer::streamHead() + "data: ok\n\n");
    });

    SseClient client;
    client.setReconnectPolicy(fastPolicy(10ms, 200ms));
    QSignalSpy retries(&client, &SseClient::retryScheduled);
    QSignalSpy errors(&client, &SseClient::errorOccurred);
    const QUrl url = server.url(QStringLiteral("/api/sessions/s/stream"));
    client.open(url);
    QTRY_COMPARE(client.state(), expectedState);

    QCOMPARE(retries.count(), retried ? 1 : 0);
    QCOMPARE(server.requestCount(), retried ? 2 : 1);
    if (expectedState == ConnectionState::Error) {
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.at(0).at(0).toString(), client.errorString());
    }
    const QString error = expectedError.contains(QStringLiteral("%1"))
        ? expectedError.arg(url.toString())
        : expectedError;
    QVERIFY2(client.errorString().contains(error),
             qPrintable(client.errorString() + QStringLiteral(" lacks ") + error));
    QVERIFY(error.isEmpty() == client.errorString().isEmpty());
}

void TestSseClient::networkFailure_backsOffThenGivesUp()
{
    // Every connection is closed before any response: a network error each time.
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) { request.socket->abort(); });

    SseClient client;
    client.setReconnectPolicy(fastPolicy(10ms, 200ms, 3));
    QSignalSpy retries(&client, &SseClient::retryScheduled);
    client.open(server.url(QStringLiteral("/stream")));
    QTRY_COMPARE(client.state(), ConnectionState::Error);

    QCOMPARE(retries.count(), 3);
    QList<qint64> delays;
    for (const QList<QVariant> &retry : std::as_const(retries))
        delays.append(retry.at(1).value<std::chrono::milliseconds>().count());
    QCOMPARE(delays, (QList<qint64> {250, 250, 250})); // the floor; the cap is below it
    // QNetworkAccessManager itself may resend a request whose connection closed early.
    QVERIFY(server.requestCount() >= 4);
    QVERIFY2(client.errorString().startsWith(QStringLiteral("gave up after 3 attempts")),
             qPrintable(client.errorString()));
    QCOMPARE(client.reconnects(), 0);

    // A manual reconnect starts over.
    server.setHandler([](const RawHttpServer::Request &request, int) {
        request.socket->write(RawHttpServer::streamHead() + "data: back\n\n");
    });
    client.reconnectNow();
    QTRY_COMPARE(client.state(), ConnectionState::Streaming);
    QVERIFY(client.errorString().isEmpty());
}

void TestSseClient::silentServer_tripsHeartbeat()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int index) {
        // First a stream that goes quiet without closing, then one that keeps talking.
        if (index == 0)
            request.socket->write(RawHttpServer::streamHead() + "id: 3\ndata: x\n\n");
        else
            request.socket->write(RawHttpServer::streamHead() + "data: alive\n\n");
    });

    SseClient client;
    client.setReconnectPolicy(fastPolicy(10ms, 200ms));
    client.setHeartbeatTimeout(300ms);
    QSignalSpy retries(&client, &SseClient::retryScheduled);
    client.open(server.url(QStringLiteral("/stream")));
    QTRY_COMPARE(server.requestCount(), 2);
    QCOMPARE(retries.count(), 1);
    QVERIFY(retries.at(0).at(2).toString().contains(QStringLiteral("no data for 300 ms")));
    QCOMPARE(server.requests().at(1).headers.value("last-event-id"), QByteArrayLiteral("3"));
    QTRY_COMPARE(client.state(), ConnectionState::Streaming);
}

void TestSseClient::close_stopsStreamAndRetries()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        request.socket->write(RawHttpServer::streamHead() + "data: x\n\n");
    });

    SseClient client;
    client.setReconnectPolicy(fastPolicy(10ms, 200ms));
    client.open(server.url(QStringLiteral("/stream")));
    QTRY_COMPARE(client.state(), ConnectionState::Streaming);
    QPointer<QTcpSocket> serverSide = server.requests().at(0).socket;
    client.close();
    QCOMPARE(client.state(), ConnectionState::Disconnected);
    QTRY_VERIFY(!serverSide || serverSide->state() != QAbstractSocket::ConnectedState);
    QCOMPARE(server.requestCount(), 1);
}

void TestSseClient::oversizedEvent_isDropped_streamGoesOn()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        request.socket->write(RawHttpServer::streamHead() + "data: " + QByteArray(5000, 'x')
                              + "\n\ndata: small\n\n");
    });
    SseClient client;
    client.setMaxEventSize(1000);
    QCOMPARE(client.maxEventSize(), qsizetype(1000));
    QSignalSpy events(&client, &SseClient::eventReceived);
    QSignalSpy dropped(&client, &SseClient::eventDropped);
    client.open(server.url(QStringLiteral("/stream")));
    QTRY_COMPARE(events.count(), 1);
    QCOMPARE(events.at(0).at(1).toByteArray(), QByteArrayLiteral("small"));
    QCOMPARE(dropped.count(), 1);
    QCOMPARE(client.state(), ConnectionState::Streaming);
}

void TestSseClient::idOnlyBlock_movesLastEventId()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int index) {
        if (index == 0)
            RawHttpServer::respondAndClose(request.socket,
                                           RawHttpServer::streamHead()
                                               + "retry: 10\n\nid: 1\ndata: a\n\nid: 42\n\n");
        else
            request.socket->write(RawHttpServer::streamHead() + "data: b\n\n");
    });
    SseClient client;
    client.setReconnectPolicy(fastPolicy(10ms, 200ms));
    QSignalSpy events(&client, &SseClient::eventReceived);
    client.open(server.url(QStringLiteral("/stream")));
    QTRY_COMPARE(events.count(), 2);
    QCOMPARE(server.requests().at(1).headers.value("last-event-id"), QByteArrayLiteral("42"));
}

void TestSseClient::nonHttpUrl_isAnError()
{
    SseClient client;
    client.open(QUrl(QStringLiteral("ftp://127.0.0.1/stream")));
    QCOMPARE(client.state(), ConnectionState::Error);
    QVERIFY(client.errorString().contains(QStringLiteral("not an http(s) URL")));
}

void TestSseClient::proxyFromEnvironment_isUsed_loopbackGoesDirect()
{
    // The "proxy" answers whatever it is asked for with a stream; the target host does not
    // exist, so only a request through the proxy can succeed.
    RawHttpServer proxy;
    QVERIFY(proxy.listen());
    proxy.setHandler([](const RawHttpServer::Request &request, int) {
        request.socket->write(RawHttpServer::streamHead() + "data: via proxy\n\n");
    });
    RawHttpServer direct;
    QVERIFY(direct.listen());
    direct.setHandler([](const RawHttpServer::Request &request, int) {
        request.socket->write(RawHttpServer::streamHead() + "data: direct\n\n");
    });
    const QByteArray saved = qgetenv("http_proxy");
    const QByteArray savedNoProxy = qgetenv("no_proxy");
    const auto restore = qScopeGuard([&] {
        if (saved.isNull())
            qunsetenv("http_proxy");
        else
            qputenv("http_proxy", saved);
        if (savedNoProxy.isNull())
            qunsetenv("no_proxy");
        else
            qputenv("no_proxy", savedNoProxy);
    });
    qputenv("http_proxy", proxy.url(QString()).toString().toUtf8());
    qunsetenv("no_proxy");

    SseClient viaProxy;
    QSignalSpy proxied(&viaProxy, &SseClient::eventReceived);
    viaProxy.open(QUrl(QStringLiteral("http://stream.inkstream.invalid/api/sessions/s/stream")));
    QTRY_COMPARE(proxied.count(), 1);
    QCOMPARE(proxied.at(0).at(1).toByteArray(), QByteArrayLiteral("via proxy"));
    QCOMPARE(proxy.requests().at(0).target,
             QByteArrayLiteral("http://stream.inkstream.invalid/api/sessions/s/stream"));

    SseClient local;
    QSignalSpy directEvents(&local, &SseClient::eventReceived);
    local.open(direct.url(QStringLiteral("/stream")));
    QTRY_COMPARE(directEvents.count(), 1);
    QCOMPARE(directEvents.at(0).at(1).toByteArray(), QByteArrayLiteral("direct"));
    QCOMPARE(proxy.requestCount(), 1);
}

QTEST_GUILESS_MAIN(TestSseClient)
#include "tst_sseclient.moc"
