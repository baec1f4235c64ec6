#include "core/client/sessionclient.h"
#include "core/client/websockettransport.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"
#include "tests/support/eventbuilders.h"
#include "tests/support/fastpolicy.h"
#include "tests/support/rawhttpserver.h"
#include "tests/support/statusrows.h"

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace inkstream::core;
using namespace inkstream::test;
using namespace std::chrono_literals;

namespace {

const QString kSession = QStringLiteral("w1");

QString message(quint64 sequence, const EventPayload &payload)
{
    return QString::fromUtf8(EventCodec::encodeJson(Event {sequence, kSession, payload}));
}

// A WebSocket server on 127.0.0.1 that hands every accepted socket to a handler.
class TestWsServer
{
public:
    using Handler = std::function<void(QWebSocket *socket, int index)>;
    TestWsServer()
        : m_server(QStringLiteral("test"), QWebSocketServer::NonSecureMode)
    {
        QObject::connect(&m_server, &QWebSocketServer::newConnection, &m_server, [this] {
            while (QWebSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(&m_server);
                m_urls.append(socket->requestUrl());
                if (m_handler)
                    m_handler(socket, int(m_urls.size() - 1));
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // http://127.0.0.1:PORT/api/sessions/w1: what a user gives; the client derives ws://.../ws.
    QUrl sessionUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/api/sessions/%2")
                        .arg(m_server.serverPort())
                        .arg(kSession));
    }
    const QList<QUrl> &urls() const { return m_urls; }

private:
    QWebSocketServer m_server;
    QList<QUrl> m_urls;
    Handler m_handler;
};

} // namespace

class TestWebSocketTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void endpointFor_data();
    void endpointFor();
    void events_areApplied_dropResumesWithLastEventId();
    void oversizedMessage_isDropped_streamGoesOn();
    void handshakeStatus_data();
    void handshakeStatus();
    void policyClose_data();
    void policyClose();
    void nonWsUrl_isAnError();
    void silentServer_tripsHeartbeat();
};

void TestWebSocketTransport::initTestCase()
{
    qRegisterMetaType<ConnectionState>();
    qRegisterMetaType<Event>();
}

void TestWebSocketTransport::endpointFor_data()
{
    QTest::addColumn<QString>("sessionUrl");
    QTest::addColumn<QString>("endpoint");
    QTest::newRow("session URL") << QStringLiteral("http://h:1/api/sessions/abc")
                                 << QStringLiteral("ws://h:1/api/sessions/abc/ws");
    QTest::newRow("stream URL") << QStringLiteral("http://h:1/api/sessions/abc/stream")
                                << QStringLiteral("ws://h:1/api/sessions/abc/ws");
    QTest::newRow("https with token") << QStringLiteral("https://h/api/sessions/abc/?token=t")
                                      << QStringLiteral("wss://h/api/sessions/abc/ws?token=t");
    QTest::newRow("ws URL kept") << QStringLiteral("ws://h:2/api/sessions/abc/ws")
                                 << QStringLiteral("ws://h:2/api/sessions/abc/ws");
    QTest::newRow("relay subscriber URL kept")
        << QStringLiteral("http://h:8090/sub/abc?x=1") << QStringLiteral("ws://h:8090/sub/abc?x=1");
}

void TestWebSocketTransport::endpointFor()
{
    QFETCH(QString, sessionUrl);
    QFETCH(QString, endpoint);
    QCOMPARE(WebSocketTransport::endpointFor(QUrl(sessionUrl)), QUrl(endpoint));
}

void TestWebSocketTransport::events_areApplied_dropResumesWithLastEventId()
{
    const QString name = QStringLiteral("ws.py");
    TestWsServer server;
    QVERIFY(server.listen());
    server.setHandler([&](QWebSocket *socket, int index) {
        socket->sendTextMessage(message(0, ConnectedEvent {QStringLiteral("c")}));
        if (index == 0) {
            socket->sendTextMessage(message(1, code(CodeEvent::Type::Start, name)));
            socket->sendTextMessage(
                message(2, codeDelta(name, QStringLiteral("caf\u00e9"), {0, 0})));
            socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("restart"));
        } else {
            socket->sendTextMessage(
                message(3, codeDelta(name, QStringLiteral(" \U0001F600"), {0, 4})));
            socket->sendTextMessage(message(4, code(CodeEvent::Type::Complete, name)));
            socket->sendTextMessage(message(5, SessionEvent {}));
        }
    });

    SessionModel model;
    SessionClient client(&model);
    client.setTransportMode(SessionClient::TransportMode::WebSocket);
    client.setReconnectPolicy(fastPolicy());
    client.connectTo(server.sessionUrl());
    QCOMPARE(client.activeTransport(), Transport::Kind::WebSocket);
    QTRY_COMPARE(model.state(), SessionState::Complete);

    QCOMPARE(model.files().at(0).content, QStringLiteral("caf\u00e9 \U0001F600"));
    QCOMPARE(model.files().at(0).state, FileState::Complete);
    QCOMPARE(client.reconnects(), 1);
    QCOMPARE(client.errors(), QStringList());
    QCOMPARE(server.urls().size(), 2);
    QCOMPARE(server.urls().at(0).path(), QStringLiteral("/api/sessions/w1/ws"));
    QVERIFY(!QUrlQuery(server.urls().at(0)).hasQueryItem(QStringLiteral("lastEventId")));
    QCOMPARE(QUrlQuery(server.urls().at(1)).queryItemValue(QStringLiteral("lastEventId")),
             QStringLiteral("2"));
    QCOMPARE(client.state(), ConnectionState::Streaming);
}

void TestWebSocketTransport::oversizedMessage_isDropped_streamGoesOn()
{
    const QString name = QStringLiteral("big.txt");
    TestWsServer server;
    QVERIFY(server.listen());
    server.setHandler([&](QWebSocket *socket, int) {
        socket->sendTextMessage(message(1, code(CodeEvent::Type::Start, name)));
        socket->sendTextMessage(message(2, codeDelta(name, QString(5000, u'x'), {0, 0})));
        socket->sendTextMessage(message(2, codeDelta(name, QStringLiteral("ok"), {0, 0})));
    });
    SessionModel model;
    SessionClient client(&model);
    client.setTransportMode(SessionClient::TransportMode::WebSocket);
    client.setMaxEventSize(1000);
    QSignalSpy errors(&client, &SessionClient::errorOccurred);
    client.connectTo(server.sessionUrl());
    QTRY_COMPARE(model.lastSequence(), quint64(2));
    QCOMPARE(model.files().at(0).content, QStringLiteral("ok"));
    // A dropped message starts a re-sync at once (issue 16: what it carried is lost, and no gap
    // may ever show it). This server has no snapshot endpoint, so the re-sync fails (the second
    // error) and the event held meanwhile is applied, as after any failed re-sync.
    QCOMPARE(errors.count(), 2);
    QVERIFY2(errors.at(0).at(0).toString().contains(QStringLiteral("dropped (larger than 1000)")),
             qPrintable(errors.at(0).at(0).toString()));
    QVERIFY2(errors.at(1).at(0).toString().startsWith(QStringLiteral("re-sync from")),
             qPrintable(errors.at(1).at(0).toString()));
    QCOMPARE(client.resyncs(), 1);
    QCOMPARE(client.state(), ConnectionState::Streaming);
}

void TestWebSocketTransport::handshakeStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<ConnectionState>("expectedState");
    QTest::addColumn<QString>("expectedError");
    addRefusedSessionRows();
    QTest::newRow("503 retries") << 503 << ConnectionState::Retrying << QString();
}

void TestWebSocketTransport::handshakeStatus()
{
    QFETCH(int, status);
    QFETCH(ConnectionState, expectedState);
    QFETCH(QString, expectedError);

    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([status](const RawHttpServer::Request &request, int) {
        RawHttpServer::respondAndClose(request.socket, RawHttpServer::response(status, "Refused"));
    });
    WebSocketTransport transport;
    ReconnectPolicy policy = fastPolicy();
    policy.baseDelay = 5000ms; // stays Retrying while the test looks
    policy.maxDelay = 5000ms;
    transport.setReconnectPolicy(policy);
    QSignalSpy retries(&transport, &Transport::retryScheduled);
    QUrl url = server.url(QStringLiteral("/api/sessions/w1/ws"));
    url.setScheme(QStringLiteral("ws"));
    transport.open(url);
    QTRY_COMPARE(transport.state(), expectedState);
    QCOMPARE(transport.handshakeStatus(), status);
    QCOMPARE(server.requests().at(0).headers.value("upgrade").toLower(),
             QByteArrayLiteral("websocket"));
    if (expectedState == ConnectionState::Error) {
        QVERIFY2(transport.errorString().startsWith(expectedError),
                 qPrintable(transport.errorString()));
        QVERIFY(transport.wasRefused());
        QCOMPARE(retries.count(), 0);
    } else {
        QCOMPARE(retries.count(), 1);
    }
}

void TestWebSocketTransport::policyClose_data()
{
    // The publisher upgrades first and refuses afterwards: close 1008, "STATUS reason".
    QTest::addColumn<QString>("reason");
    QTest::addColumn<ConnectionState>("expectedState");
    QTest::addColumn<QString>("expectedError");
    QTest::addColumn<bool>("refused");
    QTest::newRow("404 is no such session")
        << QStringLiteral("404 there is no session with id \"w1\"") << ConnectionState::Error
        << QStringLiteral("no such session (HTTP 404") << true;
    QTest::newRow("401 is an auth error")
        << QStringLiteral("401 authentication required") << ConnectionState::Error
        << QStringLiteral("authentication required (HTTP 401") << true;
    QTest::newRow("403 is an auth error")
        << QStringLiteral("403 the token is not valid") << ConnectionState::Error
        << QStringLiteral("access denied (HTTP 403") << true;
    QTest::newRow("429 retries") << QStringLiteral("429 too many connections from 127.0.0.1")
                                 << ConnectionState::Retrying << QString() << false;
    QTest::newRow("no status is fatal")
        << QStringLiteral("go away") << ConnectionState::Error
        << QStringLiteral("the server refused the WebSocket (policy violation") << false;
}

void TestWebSocketTransport::policyClose()
{
    QFETCH(QString, reason);
    QFETCH(ConnectionState, expectedState);
    QFETCH(QString, expectedError);
    QFETCH(bool, refused);

    TestWsServer server;
    QVERIFY(server.listen());
    server.setHandler([reason](QWebSocket *socket, int) {
        QTimer::singleShot(0, socket, [socket, reason] {
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
        });
    });
    WebSocketTransport transport;
    ReconnectPolicy policy;
    policy.baseDelay = 5000ms; // stays Retrying while the test looks
    policy.maxDelay = 5000ms;
    transport.setReconnectPolicy(policy);
    QSignalSpy retries(&transport, &Transport::retryScheduled);
    transport.open(WebSocketTransport::endpointFor(server.sessionUrl()));
    QTRY_COMPARE(transport.state(), expectedState);
    QCOMPARE(transport.wasRefused(), refused);
    if (expectedState == ConnectionState::Error) {
        QVERIFY2(transport.errorString().startsWith(expectedError),
                 qPrintable(transport.errorString()));
        QVERIFY2(transport.errorString().contains(reason.section(u' ', 1)),
                 qPrintable(transport.errorString()));
        QCOMPARE(retries.count(), 0);
    } else {
        QCOMPARE(retries.count(), 1);
        QVERIFY(retries.at(0).at(2).toString().contains(QStringLiteral("HTTP 429")));
    }
}

void TestWebSocketTransport::nonWsUrl_isAnError()
{
    WebSocketTransport transport;
    transport.open(QUrl(QStringLiteral("http://127.0.0.1:1/x")));
    QCOMPARE(transport.state(), ConnectionState::Error);
    QVERIFY(transport.errorString().contains(QStringLiteral("not a ws(s) URL")));
}

void TestWebSocketTransport::silentServer_tripsHeartbeat()
{
    // Completes the handshake, then neither sends nor answers pings, nor closes.
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        const QByteArray key = request.headers.value("sec-websocket-key")
            + QByteArrayLiteral("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
        const QByteArray accept
            = QCryptographicHash::hash(key, QCryptographicHash::Sha1).toBase64();
        request.socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                              + accept + "\r\n\r\n");
    });
    WebSocketTransport transport;
    ReconnectPolicy policy = fastPolicy();
    transport.setReconnectPolicy(policy);
    transport.setHeartbeatTimeout(300ms);
    QSignalSpy retries(&transport, &Transport::retryScheduled);
    QUrl url = server.url(QStringLiteral("/api/sessions/w1/ws"));
    url.setScheme(QStringLiteral("ws"));
    transport.open(url);
    QTRY_COMPARE(transport.state(), ConnectionState::Connected);
    QVERIFY(retries.wait(5000));
    QVERIFY2(retries.at(0).at(2).toString().contains(QStringLiteral("no data for 300 ms")),
             qPrintable(retries.at(0).at(2).toString()));
    QTRY_COMPARE(server.requestCount(), 2);
    transport.close();
}

QTEST_GUILESS_MAIN(TestWebSocketTransport)
#include "tst_websockettransport.moc"
