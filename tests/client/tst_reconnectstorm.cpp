#include "core/client/pollingtransport.h"
#include "core/client/socketiotransport.h"
#include "core/client/sseclient.h"
#include "core/client/websockettransport.h"
#include "tests/support/rawhttpserver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>
#include <memory>

using namespace inkstream::core;
using namespace std::chrono_literals;

namespace {

// A server that lets every connection through and then gives nothing of the stream, each
// transport's way: SSE answers 200 text/event-stream with `retry: 0` and closes; a WebSocket
// (and a Socket.IO namespace) opens and closes; the snapshot endpoint answers 503. It records
// when each connection arrived.
class HostileServer
{
public:
    explicit HostileServer(Transport::Kind kind)
        : m_kind(kind)
        , m_ws(QStringLiteral("hostile"), QWebSocketServer::NonSecureMode)
    {
        m_clock.start();
        m_http.setHandler([this](const RawHttpServer::Request &request, int) {
            m_arrivals.append(m_clock.elapsed());
            RawHttpServer::respondAndClose(request.socket,
                                           m_kind == Transport::Kind::Polling
                                               ? RawHttpServer::response(503, "Service Unavailable")
                                               : RawHttpServer::streamHead() + "retry: 0\n\n");
        });
        QObject::connect(&m_ws, &QWebSocketServer::newConnection, &m_ws, [this] {
            while (QWebSocket *socket = m_ws.nextPendingConnection()) {
                socket->setParent(&m_ws);
                m_arrivals.append(m_clock.elapsed());
                if (m_kind == Transport::Kind::SocketIo) {
                    // Engine.IO open, then the namespace is joined, then nothing.
                    QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                                     [socket](const QString &message) {
                                         if (message.startsWith(u"40")) {
                                             socket->sendTextMessage(
                                                 QStringLiteral("40{\"sid\":\"n\"}"));
                                             socket->close();
                                         }
                                     });
                    socket->sendTextMessage(
                        QStringLiteral("0{\"sid\":\"e\",\"upgrades\":[],\"pingInterval\":25000,"
                                       "\"pingTimeout\":20000,\"maxPayload\":1000000}"));
                } else {
                    socket->close();
                }
            }
        });
    }

    bool listen()
    {
        return m_kind == Transport::Kind::WebSocket || m_kind == Transport::Kind::SocketIo
            ? m_ws.listen(QHostAddress::LocalHost, 0)
            : m_http.listen();
    }
    QUrl url() const
    {
        switch (m_kind) {
        case Transport::Kind::Sse:
            return m_http.url(QStringLiteral("/api/sessions/h/stream"));
        case Transport::Kind::Polling:
            return m_http.url(QStringLiteral("/api/sessions/h/snapshot"));
        case Transport::Kind::WebSocket:
            return QUrl(
                QStringLiteral("ws://127.0.0.1:%1/api/sessions/h/ws").arg(m_ws.serverPort()));
        case Transport::Kind::SocketIo:
            return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_ws.serverPort()));
        }
        return {};
    }
    // Milliseconds since the server started, one per connection.
    const QList<qint64> &arrivals() const { return m_arrivals; }

private:
    Transport::Kind m_kind;
    RawHttpServer m_http;
    QWebSocketServer m_ws;
    QElapsedTimer m_clock;
    QList<qint64> m_arrivals;
};

std::unique_ptr<Transport> makeTransport(Transport::Kind kind)
{
    switch (kind) {
    case Transport::Kind::Sse:
        return std::make_unique<SseClient>();
    case Transport::Kind::WebSocket:
        return std::make_unique<WebSocketTransport>();
    case Transport::Kind::Polling:
        return std::make_unique<PollingTransport>();
    case Transport::Kind::SocketIo:
        return std::make_unique<SocketIoTransport>();
    }
    return nullptr;
}

} // namespace

// Every transport that reconnects shares the ReconnectPolicy through Transport: a connection
// that delivers no event is a failed attempt, --max-attempts is honoured, and no reconnection
// comes sooner than the policy's floor, whatever the server's `retry:` or the base delay say.
class TestReconnectStorm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void initTestCase_data();
    void emptyConnections_exhaustMaxAttempts_atTheFloor();
    void unlimitedAttempts_backOffFromTheFloor();
};

void TestReconnectStorm::initTestCase()
{
    qRegisterMetaType<ConnectionState>();
}

void TestReconnectStorm::initTestCase_data()
{
    QTest::addColumn<Transport::Kind>("kind");
    QTest::newRow("sse") << Transport::Kind::Sse;
    QTest::newRow("ws") << Transport::Kind::WebSocket;
    QTest::newRow("poll") << Transport::Kind::Polling;
    QTest::newRow("socketio") << Transport::Kind::SocketIo;
}

void TestReconnectStorm::emptyConnections_exhaustMaxAttempts_atTheFloor()
{
    QFETCH_GLOBAL(Transport::Kind, kind);
    HostileServer server(kind);
    QVERIFY(server.listen());
    const std::unique_ptr<Transport> transport = makeTransport(kind);
    ReconnectPolicy policy;
    policy.baseDelay = 0ms; // asks for no wait at all: the floor still holds
    policy.maxAttempts = 3;
    transport->setReconnectPolicy(policy);
    QSignalSpy retries(transport.get(), &Transport::retryScheduled);
    transport->open(server.url());

    QTRY_COMPARE_WITH_TIMEOUT(transport->state(), ConnectionState::Error, 10000);
    // The first connection and three attempts, then it gave up.
    QCOMPARE(server.arrivals().size(), 4);
    QVERIFY2(transport->errorString().startsWith(QStringLiteral("gave up after 3 attempts")),
             qPrintable(transport->errorString()));
    QCOMPARE(retries.size(), 3);
    const QList<qint64> expected {250, 500, 1000}; // from the floor, doubled
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(retries.at(i).at(0).toInt(), i + 1);
        QCOMPARE(retries.at(i).at(1).value<std::chrono::milliseconds>().count(), expected.at(i));
        const qint64 gap = server.arrivals().at(i + 1) - server.arrivals().at(i);
        QVERIFY2(gap >= expected.at(i) - 2,
                 qPrintable(QStringLiteral("attempt %1 came after %2 ms").arg(i + 1).arg(gap)));
    }
    // Nothing more follows.
    QTest::qWait(300);
    QCOMPARE(server.arrivals().size(), 4);
}

void TestReconnectStorm::unlimitedAttempts_backOffFromTheFloor()
{
    // Never giving up still backs off: full jitter keeps every wait at or above the floor, and
    // the doubling (from the floor, not from `retry: 0`) makes the connections thin out.
    QFETCH_GLOBAL(Transport::Kind, kind);
    HostileServer server(kind);
    QVERIFY(server.listen());
    const std::unique_ptr<Transport> transport = makeTransport(kind);
    ReconnectPolicy policy;
    policy.baseDelay = 0ms;
    policy.maxAttempts = 0;
    policy.jitter = ReconnectPolicy::Jitter::Full;
    transport->setReconnectPolicy(policy);
    transport->open(server.url());
    QElapsedTimer elapsed;
    elapsed.start();
    QTest::qWait(3000);
    const QList<qint64> arrivals = server.arrivals();
    transport->close();
    // Every wait is at least 250 ms, and the top of its range doubles (375, 500, 1000, 2000 ms
    // ...): a handful of connections in 3 s, never the thousands of a `retry: 0` storm.
    QVERIFY2(arrivals.size() >= 2 && arrivals.size() <= 8,
             qPrintable(QString::number(arrivals.size())));
    for (qsizetype i = 1; i < arrivals.size(); ++i)
        QVERIFY2(arrivals.at(i) - arrivals.at(i - 1) >= 248,
                 qPrintable(QString::number(arrivals.at(i) - arrivals.at(i - 1))));
}

QTEST_GUILESS_MAIN(TestReconnectStorm)
#include "tst_reconnectstorm.moc"
