#include "core/client/sessionclient.h"
#include "core/client/sseclient.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"
#include "rawhttpserver.h"

#include <QSignalSpy>
#include <QTest>

using namespace inkstream::core;
using namespace std::chrono_literals;

namespace {

const QString kSession = QStringLiteral("s1");

QByteArray frame(quint64 sequence, const EventPayload &payload)
{
    return EventCodec::encodeSse(Event {sequence, kSession, payload});
}

CodeEvent codeStart(const QString &name)
{
    CodeEvent code;
    code.type = CodeEvent::Type::Start;
    code.fileName = name;
    return code;
}

CodeEvent codeDelta(const QString &name, const QString &delta, TextPosition position)
{
    CodeEvent code;
    code.type = CodeEvent::Type::Delta;
    code.fileName = name;
    code.delta = delta;
    code.position = position;
    code.hasPosition = true;
    return code;
}

CodeEvent codeComplete(const QString &name)
{
    CodeEvent code;
    code.type = CodeEvent::Type::Complete;
    code.fileName = name;
    return code;
}

QByteArray preamble()
{
    return RawHttpServer::streamHead() + "retry: 10\n\n"
        + frame(0, ConnectedEvent {QStringLiteral("client_1")});
}

ReconnectPolicy fastPolicy()
{
    ReconnectPolicy policy;
    policy.baseDelay = 10ms;
    policy.maxDelay = 100ms;
    return policy;
}

} // namespace

class TestSessionClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void streamUrlFor_data();
    void streamUrlFor();
    void events_areApplied_duplicatesDropped();
    void malformedEvents_areReported_streamGoesOn();
    void snapshot_replacesState();
    void drop_resumesAfterLastAppliedSequence();
    void connectTo_clearsModelAndCounters();
    void fatalError_isInErrors();
};

void TestSessionClient::initTestCase()
{
    qRegisterMetaType<ConnectionState>();
    qRegisterMetaType<Event>();
}

void TestSessionClient::streamUrlFor_data()
{
    QTest::addColumn<QString>("sessionUrl");
    QTest::addColumn<QString>("streamUrl");
    QTest::newRow("session URL") << QStringLiteral("http://h:1/api/sessions/abc")
                                 << QStringLiteral("http://h:1/api/sessions/abc/stream");
    QTest::newRow("trailing slash") << QStringLiteral("http://h:1/api/sessions/abc/")
                                    << QStringLiteral("http://h:1/api/sessions/abc/stream");
    QTest::newRow("stream URL kept") << QStringLiteral("http://h:1/api/sessions/abc/stream")
                                     << QStringLiteral("http://h:1/api/sessions/abc/stream");
    QTest::newRow("query kept") << QStringLiteral("https://h/api/sessions/abc?token=t")
                                << QStringLiteral("https://h/api/sessions/abc/stream?token=t");
}

void TestSessionClient::streamUrlFor()
{
    QFETCH(QString, sessionUrl);
    QFETCH(QString, streamUrl);
    QCOMPARE(SessionClient::streamUrlFor(QUrl(sessionUrl)), QUrl(streamUrl));
}

void TestSessionClient::events_areApplied_duplicatesDropped()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    const QString name = QStringLiteral("src/caf\u00e9.py");
    server.setHandler([&](const RawHttpServer::Request &request, int) {
        request.socket->write(preamble() + frame(1, codeStart(name))
                              + frame(2, codeDelta(name, QStringLiteral("print('\u6f22"), {0, 0}))
                              + frame(2, codeDelta(name, QStringLiteral("print('\u6f22"), {0, 0}))
                              + frame(1, codeStart(name))
                              + frame(3, codeDelta(name, QStringLiteral("\U0001F600')\n"), {0, 8}))
                              + frame(4, codeComplete(name)));
    });

    SessionModel model;
    SessionClient client(&model);
    QSignalSpy received(&client, &SessionClient::eventReceived);
    client.connectTo(server.url(QStringLiteral("/api/sessions/s1")));
    QTRY_COMPARE(model.lastSequence(), quint64(4));

    QCOMPARE(server.requests().at(0).target, QByteArrayLiteral("/api/sessions/s1/stream"));
    QCOMPARE(model.files().size(), 1);
    QCOMPARE(model.files().at(0).content, QStringLiteral("print('\u6f22\U0001F600')\n"));
    QCOMPARE(model.files().at(0).state, FileState::Complete);
    QCOMPARE(client.eventsReceived(), quint64(7)); // connected included
    QCOMPARE(client.duplicatesDropped(), quint64(2));
    QCOMPARE(client.lastSequence(), quint64(4));
    QCOMPARE(client.errors(), QStringList());
    QCOMPARE(received.count(), 7);
    const Event first = received.at(0).at(0).value<Event>();
    QVERIFY(std::holds_alternative<ConnectedEvent>(first.payload));
    QCOMPARE(received.at(0).at(1).value<qsizetype>(),
             frame(0, ConnectedEvent {QStringLiteral("client_1")}).size());
    QCOMPARE(client.state(), ConnectionState::Streaming);
}

void TestSessionClient::malformedEvents_areReported_streamGoesOn()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int) {
        request.socket->write(
            preamble() + "id: 1\nevent: code\ndata: {not json\n\n"
            + "id: 2\nevent: bogus\ndata: {\"seq\":2}\n\n"
            + frame(3, codeStart(QStringLiteral("ok.txt")))
            + "id: 4\nevent: code\ndata: {\"seq\":4,\"type\":\"delta\"}\n\n"
            + frame(5, codeDelta(QStringLiteral("ok.txt"), QStringLiteral("fine"), {0, 0})));
    });

    SessionModel model;
    SessionClient client(&model);
    QSignalSpy errors(&client, &SessionClient::errorOccurred);
    client.connectTo(server.url(QStringLiteral("/api/sessions/s1")));
    QTRY_COMPARE(model.lastSequence(), quint64(5));

    QCOMPARE(errors.count(), 3);
    QCOMPARE(client.errors().size(), 3);
    QVERIFY2(client.errors().at(0).startsWith(QStringLiteral("rejected code event (id 1)")),
             qPrintable(client.errors().at(0)));
    QVERIFY2(client.errors().at(1).startsWith(QStringLiteral("rejected bogus event (id 2)")),
             qPrintable(client.errors().at(1)));
    QCOMPARE(model.files().size(), 1);
    QCOMPARE(model.files().at(0).content, QStringLiteral("fine"));
    QCOMPARE(client.state(), ConnectionState::Streaming);
}

void TestSessionClient::snapshot_replacesState()
{
    // The publisher's state at sequence 3, sent as a snapshot, then the live events after it.
    SessionModel publisher;
    const QString name = QStringLiteral("lib.rs");
    publisher.apply(Event {1, kSession, codeStart(name)});
    publisher.apply(Event {2, kSession, codeDelta(name, QStringLiteral("fn main() {"), {0, 0})});
    publisher.apply(Event {3, kSession, ProgressEvent {40, QStringLiteral("typing")}});

    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int) {
        request.socket->write(preamble() + frame(3, SnapshotEvent {publisher.toSnapshot()})
                              + frame(3, ProgressEvent {40, QStringLiteral("typing")})
                              + frame(4, codeDelta(name, QStringLiteral("}"), {0, 11}))
                              + frame(5, codeComplete(name)));
    });

    SessionModel model;
    model.apply(Event {9, QStringLiteral("stale"), codeStart(QStringLiteral("stale.txt"))});
    SessionClient client(&model);
    client.connectTo(server.url(QStringLiteral("/api/sessions/s1")));
    QTRY_COMPARE(model.lastSequence(), quint64(5));

    QCOMPARE(client.duplicatesDropped(), quint64(1));
    QCOMPARE(model.files().size(), 1);
    QCOMPARE(model.files().at(0).name, name);
    QCOMPARE(model.files().at(0).content, QStringLiteral("fn main() {}"));
    QCOMPARE(model.files().at(0).state, FileState::Complete);
    QCOMPARE(model.progress(), 40);
    QCOMPARE(client.errors(), QStringList());
}

void TestSessionClient::drop_resumesAfterLastAppliedSequence()
{
    const QString name = QStringLiteral("a.txt");
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int index) {
        if (index == 0) {
            // Cut in the middle of event 3's frame.
            const QByteArray third = frame(3, codeDelta(name, QStringLiteral("bc"), {0, 1}));
            RawHttpServer::respondAndClose(
                request.socket,
                preamble() + frame(1, codeStart(name))
                    + frame(2, codeDelta(name, QStringLiteral("a"), {0, 0}))
                    + third.left(third.size() / 2));
        } else {
            // The resumed stream repeats event 2 (a server that resends from before).
            request.socket->write(preamble()
                                  + frame(2, codeDelta(name, QStringLiteral("a"), {0, 0}))
                                  + frame(3, codeDelta(name, QStringLiteral("bc"), {0, 1}))
                                  + frame(4, codeComplete(name)) + frame(5, SessionEvent {}));
        }
    });

    SessionModel model;
    SessionClient client(&model);
    client.setReconnectPolicy(fastPolicy());
    client.connectTo(server.url(QStringLiteral("/api/sessions/s1")));
    QTRY_COMPARE(model.state(), SessionState::Complete);

    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests().at(1).headers.value("last-event-id"), QByteArrayLiteral("2"));
    QCOMPARE(model.files().at(0).content, QStringLiteral("abc"));
    QCOMPARE(client.reconnects(), 1);
    QCOMPARE(client.duplicatesDropped(), quint64(1));
    QCOMPARE(client.errors(), QStringList());
}

void TestSessionClient::connectTo_clearsModelAndCounters()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int) {
        request.socket->write(preamble() + frame(1, codeStart(QStringLiteral("x")))
                              + frame(1, codeStart(QStringLiteral("x"))));
    });
    SessionModel model;
    SessionClient client(&model);
    client.connectTo(server.url(QStringLiteral("/api/sessions/s1")));
    QTRY_COMPARE(client.duplicatesDropped(), quint64(1));

    client.disconnectFromSession();
    QCOMPARE(client.state(), ConnectionState::Disconnected);
    QCOMPARE(model.files().size(), 1); // what arrived stays

    client.connectTo(server.url(QStringLiteral("/api/sessions/s1")));
    QCOMPARE(model.files().size(), 0);
    QCOMPARE(client.eventsReceived(), quint64(0));
    QCOMPARE(client.duplicatesDropped(), quint64(0));
    QTRY_COMPARE(client.duplicatesDropped(), quint64(1));
    QVERIFY(!server.requests().at(1).headers.contains("last-event-id"));
}

void TestSessionClient::fatalError_isInErrors()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        RawHttpServer::respondAndClose(request.socket, RawHttpServer::response(404, "Not Found"));
    });
    SessionModel model;
    SessionClient client(&model);
    QSignalSpy states(&client, &SessionClient::stateChanged);
    client.connectTo(server.url(QStringLiteral("/api/sessions/nope")));
    QTRY_COMPARE(client.state(), ConnectionState::Error);
    QCOMPARE(states.constLast().at(0).value<ConnectionState>(), ConnectionState::Error);
    QCOMPARE(client.errors().size(), 1);
    QVERIFY(client.errors().at(0).startsWith(QStringLiteral("no such session")));
    QCOMPARE(client.errorString(), client.errors().at(0));
}

QTEST_GUILESS_MAIN(TestSessionClient)
#include "tst_sessionclient.moc"
