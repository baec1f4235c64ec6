#include "core/client/pollingtransport.h"
#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "tests/support/eventbuilders.h"
#include "tests/support/fastpolicy.h"
#include "tests/support/rawhttpserver.h"
#include "tests/support/statusrows.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace inkstream::core;
using namespace inkstream::test;
using namespace std::chrono_literals;

namespace {

const QString kSession = QStringLiteral("p1");

QByteArray json(const SessionModel &model)
{
    return QJsonDocument(model.toSnapshot()).toJson(QJsonDocument::Compact);
}

} // namespace

class TestPollingTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void snapshots_areFollowed_untilComplete();
    void status_data();
    void status();
    void notJson_isAnError();
};

void TestPollingTransport::initTestCase()
{
    qRegisterMetaType<ConnectionState>();
    qRegisterMetaType<Event>();
}

void TestPollingTransport::snapshots_areFollowed_untilComplete()
{
    // The publisher's model moves on between polls; the viewer ends identical.
    const QString name = QStringLiteral("poll.rs");
    SessionModel publisher;
    publisher.apply(Event {1, kSession, code(CodeEvent::Type::Start, name)});
    publisher.apply(Event {2, kSession, codeDelta(name, QStringLiteral("fn \u00e9"), {0, 0})});

    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int) {
        RawHttpServer::respondAndClose(
            request.socket,
            RawHttpServer::response(200, "OK", "application/json", json(publisher)));
    });

    SessionModel model;
    SessionClient client(&model);
    client.setTransportMode(SessionClient::TransportMode::Polling);
    client.setPollInterval(10ms);
    client.connectTo(server.url(QStringLiteral("/api/sessions/p1")));
    QCOMPARE(client.activeTransport(), Transport::Kind::Polling);
    QCOMPARE(client.streamUrl(), server.url(QStringLiteral("/api/sessions/p1/snapshot")));
    QTRY_COMPARE(model.lastSequence(), quint64(2));
    QCOMPARE(model.files().at(0).content, QStringLiteral("fn \u00e9"));
    QCOMPARE(client.state(), ConnectionState::Streaming);

    // Unchanged snapshots are not passed on again.
    const int requests = server.requestCount();
    QTRY_VERIFY(server.requestCount() >= requests + 3);
    QCOMPARE(client.eventsReceived(), quint64(1));

    publisher.apply(Event {3, kSession, codeDelta(name, QStringLiteral("() {}"), {0, 4})});
    publisher.apply(Event {4, kSession, code(CodeEvent::Type::Complete, name)});
    publisher.apply(Event {5, kSession, SessionEvent {}});
    QTRY_COMPARE(model.state(), SessionState::Complete);
    QCOMPARE(model.toSnapshot(), publisher.toSnapshot());
    QCOMPARE(client.eventsReceived(), quint64(2));
    QCOMPARE(client.errors(), QStringList());
    QCOMPARE(client.reconnects(), 0);
}

void TestPollingTransport::status_data()
{
    QTest::addColumn<int>("firstStatus");
    QTest::addColumn<ConnectionState>("expectedState");
    QTest::addColumn<QString>("expectedError");
    addRefusedSessionRows();
    QTest::newRow("204 stops") << 204 << ConnectionState::Disconnected
                               << QStringLiteral("the server ended the session for good");
    QTest::newRow("400 is fatal") << 400 << ConnectionState::Error
                                  << QStringLiteral("the server refused the snapshot (HTTP 400");
    QTest::newRow("503 retries, then polls") << 503 << ConnectionState::Streaming << QString();
}

void TestPollingTransport::status()
{
    QFETCH(int, firstStatus);
    QFETCH(ConnectionState, expectedState);
    QFETCH(QString, expectedError);

    SessionModel publisher;
    publisher.apply(Event {1, kSession, ProgressEvent {50, QStringLiteral("half")}});
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([&](const RawHttpServer::Request &request, int index) {
        RawHttpServer::respondAndClose(
            request.socket,
            index == 0 ? RawHttpServer::response(firstStatus, "Status")
                       : RawHttpServer::response(200, "OK", "application/json", json(publisher)));
    });
    PollingTransport transport;
    transport.setReconnectPolicy(fastPolicy(10ms, 50ms));
    transport.setPollInterval(10ms);
    QSignalSpy events(&transport, &Transport::eventReceived);
    QSignalSpy retries(&transport, &Transport::retryScheduled);
    transport.open(server.url(QStringLiteral("/api/sessions/p1/snapshot")));
    QTRY_COMPARE(transport.state(), expectedState);
    QVERIFY2(transport.errorString().startsWith(expectedError),
             qPrintable(transport.errorString()));
    QCOMPARE(transport.wasRefused(),
             firstStatus == 401 || firstStatus == 403 || firstStatus == 404);
    if (expectedState == ConnectionState::Streaming) {
        QCOMPARE(retries.count(), 1);
        QCOMPARE(events.count(), 1);
        QVERIFY(events.at(0).at(0).toByteArray().isEmpty()); // self-describing JSON
    } else {
        QCOMPARE(server.requestCount(), 1);
    }
}

void TestPollingTransport::notJson_isAnError()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        RawHttpServer::respondAndClose(request.socket,
                                       RawHttpServer::response(200, "OK", "text/html", "<html>"));
    });
    PollingTransport transport;
    transport.open(server.url(QStringLiteral("/api/sessions/p1/snapshot")));
    QTRY_COMPARE(transport.state(), ConnectionState::Error);
    QVERIFY2(transport.errorString().startsWith(QStringLiteral("not a snapshot from")),
             qPrintable(transport.errorString()));
}

QTEST_GUILESS_MAIN(TestPollingTransport)
#include "tst_pollingtransport.moc"
