#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "core/server/demoscript.h"
#include "core/server/filestreamer.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"

#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace inkstream::core;

namespace {

// Text with every UTF-8 length: ASCII, accents (2 bytes), CJK (3 bytes), emoji (4 bytes).
QString multiByteSource(int lines)
{
    QString text;
    for (int i = 0; i < lines; ++i) {
        text += QStringLiteral("def f%1(caf\u00e9, na\u00efve):  # \u6f22\u5b57 \u3053\u3093\u306b"
                               "\u3061\u306f \U0001F600\U0001F680 \u00e0\u00e9\u00ee\u00f5\u00fc\n")
                    .arg(i);
        text += QStringLiteral("    return \"\u03bb\u2192\u221e \U0001F9EA\"\r\n\n\t\n");
    }
    return text;
}

// The parts of two models a viewer must agree on (chat timestamps are local to each side).
void compareModels(const SessionModel &viewer, const SessionModel &publisher)
{
    QCOMPARE(viewer.files().size(), publisher.files().size());
    for (qsizetype i = 0; i < publisher.files().size(); ++i) {
        const SessionFile &want = publisher.files().at(i);
        const SessionFile &got = viewer.files().at(i);
        QCOMPARE(got.name, want.name);
        QCOMPARE(got.language, want.language);
        QCOMPARE(got.state, want.state);
        QVERIFY2(got.content.toUtf8() == want.content.toUtf8(), qPrintable(want.name));
        QCOMPARE(got.end, want.end);
    }
    QCOMPARE(viewer.chat().size(), publisher.chat().size());
    for (qsizetype i = 0; i < publisher.chat().size(); ++i) {
        QCOMPARE(viewer.chat().at(i).id, publisher.chat().at(i).id);
        QCOMPARE(viewer.chat().at(i).role, publisher.chat().at(i).role);
        QCOMPARE(viewer.chat().at(i).text, publisher.chat().at(i).text);
        QCOMPARE(viewer.chat().at(i).state, publisher.chat().at(i).state);
    }
    for (int i = 0; i < StepCount; ++i) {
        QCOMPARE(viewer.steps().at(i).state, publisher.steps().at(i).state);
        QCOMPARE(viewer.steps().at(i).detail, publisher.steps().at(i).detail);
    }
    QCOMPARE(viewer.progress(), publisher.progress());
    QCOMPARE(viewer.progressDetail(), publisher.progressDetail());
    QCOMPARE(viewer.state(), publisher.state());
    QCOMPARE(viewer.lastSequence(), publisher.lastSequence());
}

} // namespace

class TestEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void filesStream_viewerEqualsPublisher_data();
    void filesStream_viewerEqualsPublisher();
    void demoScript_atHighSpeed();
    void twoViewers_seeTheSame();
    void publisherRestart_viewerResumes();
};

void TestEndToEnd::initTestCase()
{
    qRegisterMetaType<ConnectionState>();
}

void TestEndToEnd::filesStream_viewerEqualsPublisher_data()
{
    QTest::addColumn<int>("chunkSize");
    QTest::addColumn<int>("delayMs");
    QTest::addColumn<bool>("lateJoin"); // the viewer connects after half of the events

    QTest::newRow("one code point per delta") << 1 << 0 << false;
    QTest::newRow("default chunks, paced") << 5 << 1 << false;
    QTest::newRow("large chunks") << 97 << 0 << false;
    QTest::newRow("late joiner gets a snapshot") << 5 << 0 << true;
}

void TestEndToEnd::filesStream_viewerEqualsPublisher()
{
    QFETCH(int, chunkSize);
    QFETCH(int, delayMs);
    QFETCH(bool, lateJoin);

    SessionHub hub;
    Publisher publisher(&hub);
    QVERIFY2(publisher.listen(QHostAddress::LocalHost, 0), qPrintable(publisher.errorString()));
    Session *session = hub.createSession();
    QVERIFY(session);

    SessionModel viewer;
    SessionClient client(&viewer);
    QSignalSpy errors(&client, &SessionClient::errorOccurred);

    const ChunkOptions options {chunkSize, delayMs, false};
    const QStringList names = {QStringLiteral("src/\u00e9t\u00e9.py"), QStringLiteral("README.md"),
                               QStringLiteral("\u6587\u4ef6/emoji_\U0001F600.rs")};
    const QList<int> sizes = {40, 3, 25};
    FileStreamer *streamer = session->fileStreamer();
    if (lateJoin) {
        QVERIFY(streamer->enqueue(names.at(0), multiByteSource(sizes.at(0)), options));
        QSignalSpy completed(streamer, &FileStreamer::fileCompleted);
        QVERIFY(completed.wait(20000));
    }
    client.connectTo(publisher.sessionUrl(session->id()));
    QTRY_COMPARE(client.state(), ConnectionState::Streaming);
    for (qsizetype i = lateJoin ? 1 : 0; i < names.size(); ++i)
        QVERIFY(streamer->enqueue(names.at(i), multiByteSource(sizes.at(i)), options));
    QSignalSpy idle(streamer, &FileStreamer::idle);
    QVERIFY(streamer->isIdle() || idle.wait(60000));
    session->publish(SessionEvent {});

    QTRY_COMPARE_WITH_TIMEOUT(viewer.state(), SessionState::Complete, 30000);
    compareModels(viewer, *session->model());
    for (qsizetype i = 0; i < names.size(); ++i)
        QCOMPARE(viewer.files().at(i).content, multiByteSource(sizes.at(i)));
    QCOMPARE(errors.count(), 0);
    QCOMPARE(client.duplicatesDropped(), quint64(0));
    QCOMPARE(client.lastSequence(), session->lastSequence());
    QVERIFY(client.eventsReceived() > quint64(lateJoin ? 2 : 10));
}

void TestEndToEnd::demoScript_atHighSpeed()
{
    SessionHub hub;
    Publisher publisher(&hub);
    QVERIFY(publisher.listen(QHostAddress::LocalHost, 0));
    Session *session = hub.createSession();

    SessionModel viewer;
    SessionClient client(&viewer);
    client.connectTo(publisher.sessionUrl(session->id()));
    QTRY_COMPARE(client.state(), ConnectionState::Streaming);

    DemoScript demo(session);
    demo.setSpeed(200);
    QSignalSpy finished(&demo, &DemoScript::finished);
    QVERIFY(demo.start());
    QVERIFY(finished.wait(60000));

    QTRY_COMPARE_WITH_TIMEOUT(viewer.state(), SessionState::Complete, 30000);
    compareModels(viewer, *session->model());
    QVERIFY(viewer.files().size() >= 3);
    QVERIFY(!viewer.chat().isEmpty());
    for (int i = 0; i < StepCount; ++i)
        QCOMPARE(viewer.steps().at(i).state, StepState::Complete);
    QCOMPARE(viewer.progress(), 100);
    QCOMPARE(client.errors(), QStringList());
}

void TestEndToEnd::twoViewers_seeTheSame()
{
    SessionHub hub;
    Publisher publisher(&hub);
    QVERIFY(publisher.listen(QHostAddress::LocalHost, 0));
    Session *session = hub.createSession();

    SessionModel first;
    SessionModel second;
    SessionClient firstClient(&first);
    SessionClient secondClient(&second);
    firstClient.connectTo(publisher.sessionUrl(session->id()));
    secondClient.connectTo(SessionClient::streamUrlFor(publisher.sessionUrl(session->id())));
    QTRY_COMPARE(publisher.subscriberCount(session->id()), 2);

    QVERIFY(session->fileStreamer()->enqueue(QStringLiteral("x.py"), multiByteSource(10),
                                             ChunkOptions {3, 0, false}));
    QSignalSpy idle(session->fileStreamer(), &FileStreamer::idle);
    QVERIFY(idle.wait(30000));
    session->publish(SessionEvent {});
    QTRY_COMPARE(first.state(), SessionState::Complete);
    QTRY_COMPARE(second.state(), SessionState::Complete);
    compareModels(first, *session->model());
    compareModels(second, *session->model());
}

void TestEndToEnd::publisherRestart_viewerResumes()
{
    // The hub (and its sessions) outlive the HTTP server, which goes away mid-stream and comes
    // back on the same port: the viewer reconnects with Last-Event-ID and catches up.
    SessionHub hub;
    Session *session = hub.createSession();
    auto publisher = std::make_unique<Publisher>(&hub);
    publisher->setRetryInterval(std::chrono::milliseconds(20));
    QVERIFY(publisher->listen(QHostAddress::LocalHost, 0));
    const quint16 port = publisher->port();
    const QUrl url = publisher->sessionUrl(session->id());

    SessionModel viewer;
    SessionClient client(&viewer);
    client.connectTo(url);
    QTRY_COMPARE(client.state(), ConnectionState::Streaming);

    FileStreamer *streamer = session->fileStreamer();
    QVERIFY(streamer->enqueue(QStringLiteral("first.py"), multiByteSource(20), {4, 0, false}));
    QTRY_VERIFY(viewer.lastSequence() > 20);
    publisher.reset(); // every stream drops
    QTRY_COMPARE(client.state(), ConnectionState::Retrying);
    // Meanwhile the session goes on without viewers.
    QVERIFY(streamer->enqueue(QStringLiteral("second.rs"), multiByteSource(5), {4, 0, false}));
    QSignalSpy idle(streamer, &FileStreamer::idle);
    QVERIFY(streamer->isIdle() || idle.wait(30000));
    session->publish(SessionEvent {});

    publisher = std::make_unique<Publisher>(&hub);
    publisher->setRetryInterval(std::chrono::milliseconds(20));
    QVERIFY2(publisher->listen(QHostAddress::LocalHost, port),
             qPrintable(publisher->errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(viewer.state(), SessionState::Complete, 30000);
    compareModels(viewer, *session->model());
    QCOMPARE(client.reconnects(), 1);
    QCOMPARE(client.errors(), QStringList());
}

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "tst_endtoend.moc"
