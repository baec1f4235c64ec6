#include "core/client/sessionclient.h"
#include "core/client/viewerstate.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"
#include "tests/support/eventbuilders.h"
#include "tests/support/rawhttpserver.h"

#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace inkstream::core;
using namespace inkstream::test;
using namespace std::chrono_literals;

namespace {

const QString kSession = QStringLiteral("v1");

QByteArray frame(quint64 sequence, const EventPayload &payload)
{
    return EventCodec::encodeSse(Event {sequence, kSession, payload});
}

QByteArray connectedFrame()
{
    ConnectedEvent connected {QStringLiteral("c1")};
    connected.epoch = QStringLiteral("epoch-7");
    return frame(0, connected);
}

} // namespace

class TestViewerState final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void saveThenLoad_roundTrip();
    void changes_areSavedDebounced();
    void missingOrEmptyFile_holdsNoState();
    void otherUrl_isRefused();
};

void TestViewerState::saveThenLoad_roundTrip()
{
    RawHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const RawHttpServer::Request &request, int) {
        ChatEvent chat;
        chat.type = ChatEvent::Type::Start;
        chat.messageId = QStringLiteral("m1");
        chat.delta = QStringLiteral("na\u00efve \U0001F600");
        request.socket->write(RawHttpServer::streamHead() + connectedFrame()
                              + frame(1, code(CodeEvent::Type::Start, QStringLiteral("x.rs")))
                              + frame(2, codeDelta(QStringLiteral("x.rs"), QStringLiteral("fn"), 0))
                              + frame(3, chat)
                              + frame(4, ProgressEvent {30, QStringLiteral("typing")}));
    });
    const QUrl url = server.url(QStringLiteral("/api/sessions/v1"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("state.json"));

    SessionModel model;
    SessionClient client(&model);
    ViewerState state(path);
    state.track(&client);
    client.connectTo(url);
    QTRY_COMPARE(client.lastSequence(), quint64(4));
    QString error;
    QVERIFY2(state.save(&error), qPrintable(error));

    ViewerState loaded(path);
    QVERIFY2(loaded.load(url, &error), qPrintable(error));
    QVERIFY(loaded.hasState());
    QCOMPARE(loaded.lastSequence(), quint64(4));
    QCOMPARE(loaded.epoch(), QStringLiteral("epoch-7"));
    QCOMPARE(loaded.dialect(), Dialect::Native);
    SessionModel restored;
    QVERIFY2(loaded.restoreInto(&restored, &error), qPrintable(error));
    QCOMPARE(restored.toSnapshot(), model.toSnapshot());
    // The same URL written another way is the same session.
    ViewerState slash(path);
    QVERIFY2(slash.load(QUrl(url.toString() + u'/'), &error), qPrintable(error));
}

void TestViewerState::changes_areSavedDebounced()
{
    // A burst of 300 events makes a few saves (one per interval at most), not 300; the last save
    // holds the end.
    RawHttpServer server;
    QVERIFY(server.listen());
    QPointer<QTcpSocket> stream;
    server.setHandler([&](const RawHttpServer::Request &request, int) {
        stream = request.socket;
        request.socket->write(RawHttpServer::streamHead() + connectedFrame()
                              + frame(1, code(CodeEvent::Type::Start, QStringLiteral("b.txt"))));
    });
    QTemporaryDir dir;
    SessionModel model;
    SessionClient client(&model);
    ViewerState state(dir.filePath(QStringLiteral("state.json")));
    state.setMinimumInterval(200ms);
    state.track(&client);
    client.connectTo(server.url(QStringLiteral("/api/sessions/v1")));
    QTRY_COMPARE(client.lastSequence(), quint64(1));
    QTRY_COMPARE(state.saves(), 1);
    QVERIFY(!state.hasUnsavedChanges());

    QByteArray burst;
    qint64 offset = 0;
    for (quint64 sequence = 2; sequence <= 301; ++sequence) {
        const QString text = QStringLiteral("line %1\n").arg(sequence);
        burst += frame(sequence, codeDelta(QStringLiteral("b.txt"), text, offset));
        offset += text.size();
    }
    QVERIFY(stream);
    stream->write(burst);
    QTRY_COMPARE(client.lastSequence(), quint64(301));
    QTRY_VERIFY(!state.hasUnsavedChanges());
    QVERIFY2(state.saves() <= 10, qPrintable(QString::number(state.saves())));
    QVERIFY(state.saveDelay() >= 200ms);

    ViewerState loaded(state.path());
    QString error;
    QVERIFY2(loaded.load(client.sessionUrl(), &error), qPrintable(error));
    QCOMPARE(loaded.lastSequence(), quint64(301));
}

void TestViewerState::missingOrEmptyFile_holdsNoState()
{
    QTemporaryDir dir;
    const QUrl url(QStringLiteral("http://127.0.0.1:1/api/sessions/v1"));
    QString error;
    ViewerState missing(dir.filePath(QStringLiteral("none.json")));
    QVERIFY(missing.load(url, &error));
    QVERIFY(!missing.hasState());

    const QString emptyPath = dir.filePath(QStringLiteral("empty.json"));
    QFile empty(emptyPath);
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    ViewerState emptyState(emptyPath);
    QVERIFY(emptyState.load(url, &error));
    QVERIFY(!emptyState.hasState());
}

void TestViewerState::otherUrl_isRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("state.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(QJsonObject {{QStringLiteral("format"), ViewerState::formatName()},
                                          {QStringLiteral("version"), ViewerState::kVersion},
                                          {QStringLiteral("url"),
                                           QStringLiteral("http://h:1/api/sessions/a")},
                                          {QStringLiteral("dialect"), QStringLiteral("native")},
                                          {QStringLiteral("lastSequence"), 5},
                                          {QStringLiteral("model"), SessionModel().toSnapshot()}})
                   .toJson());
    file.close();
    ViewerState state(path);
    QString error;
    QVERIFY(state.load(QUrl(QStringLiteral("http://h:1/api/sessions/a")), &error));
    QCOMPARE(state.lastSequence(), quint64(5));
    QVERIFY(!state.load(QUrl(QStringLiteral("http://h:1/api/sessions/b")), &error));
    QVERIFY(!state.hasState());
    QVERIFY2(error.contains(QStringLiteral("it is the state of http://h:1/api/sessions/a, not of "
                                           "http://h:1/api/sessions/b")),
             qPrintable(error));
}

QTEST_GUILESS_MAIN(TestViewerState)
#include "tst_viewerstate.moc"
