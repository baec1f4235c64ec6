#include "core/protocol/eventcodec.h"
#include "core/server/filestreamer.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "tests/server/publishertesting.h"

#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>

using namespace inkstream::core;
using namespace inkstream::core::testing;

namespace {

// A WebSocket subscriber that keeps every message and how the socket closed.
struct WebSocketClient
{
    explicit WebSocketClient(const QUrl &url)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString &message) { messages << message.toUtf8(); });
        QObject::connect(&socket, &QWebSocket::disconnected, &socket, [this] {
            closed = true;
            closeCode = int(socket.closeCode());
            closeReason = socket.closeReason();
        });
        socket.open(url);
    }
    QList<QJsonObject> events() const
    {
        QList<QJsonObject> result;
        for (const QByteArray &message : messages)
            result << QJsonDocument::fromJson(message).object();
        return result;
    }
    // The publisher counts a viewer once it has answered the handshake; the client may read
    // that answer a moment later, and a socket that is still connecting drops what it sends.
    bool isOpen() const { return socket.state() == QAbstractSocket::ConnectedState; }
    bool hasSessionEvent() const
    {
        for (const QJsonObject &event : events()) {
            if (event.value(QStringLiteral("event")).toString() == u"session")
                return true;
        }
        return false;
    }

    QWebSocket socket;
    QList<QByteArray> messages;
    bool closed = false;
    int closeCode = 0;
    QString closeReason;
};

QUrl webSocketUrl(const Publisher &publisher, const QString &path, const QString &query = {})
{
    QUrl url = publisher.baseUrl();
    url.setScheme(QStringLiteral("ws"));
    url.setPath(path);
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
}

// The sequenced events of a subscriber as (seq, JSON without per-transport noise).
QList<QByteArray> sequenced(const QList<QJsonObject> &events)
{
    QList<QByteArray> result;
    for (const QJsonObject &event : events) {
        if (event.value(QStringLiteral("seq")).toInteger() > 0)
            result << QJsonDocument(event).toJson(QJsonDocument::Compact);
    }
    return result;
}

} // namespace

class TestPublisherWebSocket final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void webSocketAndSse_deliverTheSameSequence()
    {
        Fixture f;
        RawSseClient sse(f.publisher.port(), "/api/sessions/s1/stream");
        WebSocketClient ws(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 2, 10000);
        QCOMPARE(f.publisher.webSocketSubscriberCount(), 1);

        f.session->fileStreamer()->enqueue(QStringLiteral("app.py"),
                                           QStringLiteral("print('héllo 🎉')\n").repeated(40),
                                           ChunkOptions {7, 0, false});
        QObject::connect(f.session->fileStreamer(), &FileStreamer::idle, f.session,
                         [&] { f.session->publish(SessionEvent {}); });
        QTRY_VERIFY_WITH_TIMEOUT(sse.hasSessionEvent() && ws.hasSessionEvent(), 10000);

        QList<QJsonObject> sseEvents;
        for (const SseFrame &frame : sse.dispatched())
            sseEvents << frame.json();
        const QList<QByteArray> fromSse = sequenced(sseEvents);
        const QList<QByteArray> fromWs = sequenced(ws.events());
        QVERIFY(fromSse.size() > 40);
        QCOMPARE(fromWs, fromSse);
        QCOMPARE(ws.events().first().value(QStringLiteral("event")).toString(),
                 QStringLiteral("connected"));
    }

    void resume_byLastEventId_data()
    {
        QTest::addColumn<int>("bufferSize");
        QTest::newRow("cache reaches back") << 100;
        QTest::newRow("cache too short: read from the log") << 2;
    }
    // The same catch-up as SSE: the missed progress merged into one event covering 4..6.
    void resume_byLastEventId()
    {
        QFETCH(int, bufferSize);
        Fixture f;
        f.session->setBufferSize(bufferSize);
        for (int percent = 10; percent <= 60; percent += 10)
            f.session->publish(ProgressEvent {percent, {}});

        WebSocketClient ws(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws"),
                                        QStringLiteral("lastEventId=3")));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(ws.messages.size() >= 2, 10000);
        const QList<QJsonObject> events = ws.events();
        QCOMPARE(events.at(0).value(QStringLiteral("event")).toString(),
                 QStringLiteral("connected"));
        QCOMPARE(events.at(0).value(QStringLiteral("resumeAfter")).toInteger(), 3);
        QCOMPARE(events.at(1).value(QStringLiteral("event")).toString(),
                 QStringLiteral("progress"));
        QCOMPARE(events.at(1).value(QStringLiteral("from")).toInteger(), 4);
        QCOMPARE(events.at(1).value(QStringLiteral("seq")).toInteger(), 6);
        QCOMPARE(events.at(1).value(QStringLiteral("percent")).toInteger(), 60);
        QCOMPARE(events.size(), 2);
    }

    void refusals_closeWithTheHttpStatusInTheReason_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status");
        QTest::newRow("no token") << "/api/sessions/s1/ws" << QString() << 401;
        QTest::newRow("wrong token") << "/api/sessions/s1/ws"
                                     << "token=guess" << 403;
        QTest::newRow("unknown session") << "/api/sessions/nope/ws"
                                         << "token=reader" << 404;
        QTest::newRow("not a WebSocket route") << "/api/sessions/s1/stream"
                                               << "token=reader" << 404;
    }
    void refusals_closeWithTheHttpStatusInTheReason()
    {
        QFETCH(QString, path);
        QFETCH(QString, query);
        QFETCH(int, status);
        Fixture f;
        f.publisher.accessPolicy().setPublishToken("publisher");
        f.publisher.accessPolicy().setReadToken("reader");
        WebSocketClient ws(webSocketUrl(f.publisher, path, query));
        QTRY_VERIFY_WITH_TIMEOUT(ws.closed, 10000);
        QCOMPARE(ws.closeCode, int(QWebSocketProtocol::CloseCodePolicyViolated));
        QVERIFY2(ws.closeReason.startsWith(QString::number(status) + u' '),
                 qPrintable(ws.closeReason));
        QVERIFY(ws.messages.isEmpty()); // nothing of the session leaks before the refusal
        QCOMPARE(f.publisher.subscriberCount(), 0);
    }

    void token_acceptedInHeaderOrQuery()
    {
        Fixture f;
        f.publisher.accessPolicy().setPublishToken("publisher");
        f.publisher.accessPolicy().setReadToken("reader");
        WebSocketClient byQuery(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws"),
                                             QStringLiteral("token=reader")));
        QWebSocket byHeader;
        QNetworkRequest request(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        request.setRawHeader("Authorization", "Bearer publisher");
        byHeader.open(request);
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 2, 10000);
    }

    void limits_refuseWith429InTheReason()
    {
        Fixture f;
        f.publisher.connectionLimiter().setMaxOpenPerAddress(1);
        WebSocketClient first(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 1, 10000);
        WebSocketClient second(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        QTRY_VERIFY_WITH_TIMEOUT(second.closed, 10000);
        QCOMPARE(second.closeCode, int(QWebSocketProtocol::CloseCodePolicyViolated));
        QVERIFY(second.closeReason.startsWith(QStringLiteral("429 ")));
        first.socket.close();
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 0, 10000);
        WebSocketClient third(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 1, 10000);
    }

    void deletingTheSession_closesItsWebSockets()
    {
        Fixture f;
        f.hub.createSession(QStringLiteral("s2"));
        WebSocketClient one(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        WebSocketClient two(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s2/ws")));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 2, 10000);
        QVERIFY(f.hub.removeSession(QStringLiteral("s1")));
        QTRY_VERIFY_WITH_TIMEOUT(one.closed, 10000);
        QCOMPARE(one.closeCode, int(QWebSocketProtocol::CloseCodeGoingAway));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 1, 10000);
        QVERIFY(!two.closed);
    }

    void closeAllStreams_sendsShutdownOverWebSocket()
    {
        Fixture f;
        WebSocketClient ws(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 1, 10000);
        f.publisher.closeAllStreams(QStringLiteral("bye"));
        QTRY_VERIFY_WITH_TIMEOUT(ws.closed, 10000);
        QCOMPARE(ws.events().last().value(QStringLiteral("event")).toString(),
                 QStringLiteral("shutdown"));
        QCOMPARE(ws.closeCode, int(QWebSocketProtocol::CloseCodeGoingAway));
    }

    // The publisher speaks the protocol's control frames itself: a ping gets its pong back,
    // and a viewer's close gets the closing handshake and ends the subscription.
    void pingIsAnswered_andCloseIsHandshaken()
    {
        Fixture f;
        WebSocketClient ws(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        QTRY_VERIFY_WITH_TIMEOUT(ws.isOpen(), 10000);
        QByteArray pongPayload;
        QObject::connect(
            &ws.socket, &QWebSocket::pong, &ws.socket,
            [&pongPayload](quint64, const QByteArray &payload) { pongPayload = payload; });
        ws.socket.ping("are you there");
        QTRY_COMPARE_WITH_TIMEOUT(pongPayload, QByteArray("are you there"), 10000);
        ws.socket.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("done"));
        QTRY_VERIFY_WITH_TIMEOUT(ws.closed, 10000);
        QCOMPARE(ws.closeCode, int(QWebSocketProtocol::CloseCodeNormal));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 0, 10000);
    }

    // A message over the limit closes with 1009 (message too big); the others are unaffected.
    void oversizedMessage_closesWith1009()
    {
        Fixture f;
        WebSocketClient big(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        WebSocketClient other(webSocketUrl(f.publisher, QStringLiteral("/api/sessions/s1/ws")));
        QTRY_VERIFY_WITH_TIMEOUT(big.isOpen() && other.isOpen(), 10000);
        const QByteArray tooBig(Publisher::kMaxIncomingWebSocketMessage + 1, 'x');
        QCOMPARE(big.socket.sendBinaryMessage(tooBig), tooBig.size());
        QTRY_VERIFY_WITH_TIMEOUT(big.closed, 10000);
        QCOMPARE(big.closeCode, int(QWebSocketProtocol::CloseCodeTooMuchData));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 1, 10000);
        f.session->publish(ProgressEvent {10, QString()});
        QTRY_VERIFY_WITH_TIMEOUT(other.events().size() >= 2, 10000);
        QVERIFY(!other.closed);
    }
};

QTEST_GUILESS_MAIN(TestPublisherWebSocket)
#include "tst_publisherwebsocket.moc"
