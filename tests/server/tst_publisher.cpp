#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"
#include "core/protocol/sseparser.h"
#include "core/server/filestreamer.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "tests/server/publishertesting.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace inkstream::core;
using namespace inkstream::core::testing;

namespace {

QString mixedContent()
{
    return QStringLiteral("# -*- coding: utf-8 -*-\n"
                          "GREETING = \"héllo wörld 🎉 — 漢字かな\"\n"
                          "def shout(text: str) -> str:\n"
                          "    return text.upper() + \" 👩‍💻\"\n");
}

// Numbered copies of mixedContent() up to 12 MiB.
QString twelveMiBOfContent()
{
    QString content;
    for (int i = 0; content.size() < 12 * 1024 * 1024; ++i)
        content += mixedContent() + QString::number(i) + u'\n';
    return content;
}

// Opens a reader of session s1's stream that never reads: a small receive window, one byte of
// Qt buffer. False when it could not connect.
bool openStalledReader(QTcpSocket &socket, quint16 port)
{
    socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    socket.setReadBufferSize(1);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return false;
    socket.write("GET /api/sessions/s1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    return true;
}

// Splits what a connection received into whole answers (status line and headers with a
// Content-Length body); what is left is incomplete.
QList<QByteArray> wholeAnswers(QByteArray *received)
{
    QList<QByteArray> answers;
    static const QRegularExpression length(QStringLiteral("(?i)\r\ncontent-length: (\\d+)"));
    for (;;) {
        const qsizetype end = received->indexOf("\r\n\r\n");
        if (end < 0)
            break;
        const auto match = length.match(QString::fromLatin1(received->left(end)));
        const qsizetype size = end + 4 + (match.hasMatch() ? match.captured(1).toInt() : 0);
        if (received->size() < size)
            break;
        answers.append(received->left(size));
        received->remove(0, size);
    }
    return answers;
}

QByteArray postOneEvent(int index, const QByteArray &connection = {})
{
    const QByteArray body
        = "{\"event\":\"progress\",\"percent\":" + QByteArray::number(index % 100) + "}";
    return "POST /api/sessions/s1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Content-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n"
        + (connection.isEmpty() ? QByteArray() : "Connection: " + connection + "\r\n") + "\r\n"
        + body;
}

} // namespace

class TestPublisher final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void healthz_answersOk()
    {
        Fixture f;
        QVERIFY(f.listening);
        const HttpResult result = sendRequest(f.manager, "GET", f.url(QStringLiteral("/healthz")));
        QCOMPARE(result.status, 200);
        QCOMPARE(result.contentType, QByteArray("application/json"));
        QCOMPARE(result.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    }

    void sessionUrl_hasHostPortAndId()
    {
        Fixture f;
        QVERIFY(f.listening);
        QVERIFY(f.publisher.port() > 0);
        QCOMPARE(f.publisher.sessionUrl(QStringLiteral("s1")).toString(),
                 QStringLiteral("http://127.0.0.1:%1/api/sessions/s1").arg(f.publisher.port()));
    }

    void listen_onTakenPort_failsWithReason()
    {
        Fixture f;
        QVERIFY(f.listening);
        SessionHub hub;
        Publisher second(&hub);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot listen")));
        QVERIFY(!second.listen(QHostAddress::LocalHost, f.publisher.port()));
        QVERIFY(!second.isListening());
        QVERIFY(!second.errorString().isEmpty());
    }

    void stream_sendsHeadersRetryConnectedAndSequencedEvents()
    {
        Fixture f;
        QVERIFY(f.listening);
        QSignalSpy subscribed(&f.publisher, &Publisher::subscriberConnected);
        RawSseClient client(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_VERIFY_WITH_TIMEOUT(subscribed.count() == 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(client.events("connected").size() == 1, 10000);

        QCOMPARE(client.statusLine, QByteArray("HTTP/1.1 200 OK"));
        QCOMPARE(client.headers.value("content-type"), QByteArray("text/event-stream"));
        QCOMPARE(client.headers.value("cache-control"), QByteArray("no-cache"));
        QCOMPARE(client.headers.value("x-accel-buffering"), QByteArray("no"));
        QCOMPARE(client.headers.value("connection"), QByteArray("keep-alive"));
        QCOMPARE(client.frames.first().retry, QByteArray("3000"));

        const SseFrame connected = client.events("connected").first();
        QVERIFY2(!connected.hasId, "connected is not part of the session's sequence");
        QCOMPARE(connected.data.size(), 1);
        QVERIFY(!connected.json().value(QStringLiteral("clientId")).toString().isEmpty());
        QVERIFY(client.events("snapshot").isEmpty()); // nothing happened yet

        f.session->publish(ProgressEvent {42, QStringLiteral("Halfway")});
        f.session->publish(StepEvent {StepName::Planning, StepEvent::Status::Start,
                                      QStringLiteral("Planning...")});
        QTRY_VERIFY_WITH_TIMEOUT(client.events("step").size() == 1, 10000);
        const SseFrame progress = client.events("progress").first();
        QCOMPARE(progress.id, QByteArray("1"));
        QCOMPARE(progress.data.size(), 1);
        QCOMPARE(progress.json().value(QStringLiteral("percent")).toInt(), 42);
        QCOMPARE(client.events("step").first().id, QByteArray("2"));
        QCOMPARE(f.publisher.subscriberCount(QStringLiteral("s1")), 1);
    }

    void stream_readByNetworkAccessManager_arrivesIncrementally()
    {
        Fixture f;
        QVERIFY(f.listening);
        QNetworkRequest request(f.url(QStringLiteral("/api/sessions/s1/stream")));
        request.setRawHeader("Accept", "text/event-stream");
        std::unique_ptr<QNetworkReply> reply(f.manager.get(request));
        QByteArray received;
        connect(reply.get(), &QNetworkReply::readyRead, this,
                [&] { received += reply->readAll(); });
        QTRY_VERIFY_WITH_TIMEOUT(received.contains("event: connected"), 10000);
        QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(),
                 QByteArray("text/event-stream"));
        f.session->publish(ProgressEvent {7, QStringLiteral("x")});
        QTRY_VERIFY_WITH_TIMEOUT(received.contains("id: 1\nevent: progress\ndata: {"), 10000);
        QVERIFY(!reply->isFinished());
        reply->abort();
    }

    void postFiles_streamCarriesTheSourceExactly_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<int>("chunkSize");
        QTest::addColumn<bool>("instant");
        QTest::newRow("multi-byte, chunk 5") << mixedContent() << 5 << false;
        QTest::newRow("multi-byte, chunk 1") << mixedContent() << 1 << false;
        QTest::newRow("20 KB, chunk 64") << mixedContent().repeated(100) << 64 << false;
        QTest::newRow("instant") << mixedContent() << 5 << true;
    }

    void postFiles_streamCarriesTheSourceExactly()
    {
        QFETCH(QString, content);
        QFETCH(int, chunkSize);
        QFETCH(bool, instant);
        Fixture f;
        QVERIFY(f.listening);
        RawSseClient client(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_VERIFY_WITH_TIMEOUT(client.events("connected").size() == 1, 10000);

        QJsonObject body {{QStringLiteral("fileName"), QStringLiteral("src/shout.py")},
                          {QStringLiteral("content"), content},
                          {QStringLiteral("chunkSize"), chunkSize},
                          {QStringLiteral("delayMs"), 0}};
        if (instant)
            body.insert(QStringLiteral("instant"), true);
        const HttpResult posted = sendRequest(
            f.manager, "POST", f.url(QStringLiteral("/api/sessions/s1/files")), json(body));
        QCOMPARE(posted.status, 202);
        QCOMPARE(posted.json.value(QStringLiteral("accepted")).toBool(), true);

        const auto complete = [&] {
            for (const SseFrame &frame : client.events("code")) {
                if (frame.json().value(QStringLiteral("type")).toString() == u"complete")
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(complete(), 30000);

        QString joined;
        quint64 expectedId = 1;
        for (const SseFrame &frame : client.dispatched()) {
            if (frame.event == "connected")
                continue;
            QCOMPARE(frame.id, QByteArray::number(expectedId++));
            QCOMPARE(frame.data.size(), 1);
            const QJsonObject data = frame.json();
            QCOMPARE(data.value(QStringLiteral("fileName")).toString(),
                     QStringLiteral("src/shout.py"));
            const QString type = data.value(QStringLiteral("type")).toString();
            if (type == u"delta")
                joined += data.value(QStringLiteral("delta")).toString();
            if (type == u"complete")
                QCOMPARE(data.value(QStringLiteral("fullContent")).toString(), content);
        }
        QCOMPARE(joined, instant ? QString() : content);
        QCOMPARE(f.session->model()->files().first().content, content);
    }

    void snapshot_returnsTheSessionState()
    {
        Fixture f;
        QVERIFY(f.listening);
        QSignalSpy idle(f.session->fileStreamer(), &FileStreamer::idle);
        const HttpResult posted
            = sendRequest(f.manager, "POST", f.url(QStringLiteral("/api/sessions/s1/files")),
                          fileBody(QStringLiteral("a.py"), mixedContent(), 50));
        QCOMPARE(posted.status, 202);
        QVERIFY(idle.count() > 0 || idle.wait(10000)); // typing may finish during the POST

        const HttpResult snapshot
            = sendRequest(f.manager, "GET", f.url(QStringLiteral("/api/sessions/s1/snapshot")));
        QCOMPARE(snapshot.status, 200);
        QCOMPARE(snapshot.json.value(QStringLiteral("sessionId")).toString(), QStringLiteral("s1"));
        QCOMPARE(snapshot.json.value(QStringLiteral("lastSequence")).toInteger(),
                 qint64(f.session->lastSequence()));
        const QJsonObject file
            = snapshot.json.value(QStringLiteral("files")).toArray().first().toObject();
        QCOMPARE(file.value(QStringLiteral("name")).toString(), QStringLiteral("a.py"));
        QCOMPARE(file.value(QStringLiteral("content")).toString(), mixedContent());
        QCOMPARE(file.value(QStringLiteral("state")).toString(), QStringLiteral("complete"));
    }

    // A late joiner gets the session as ordinary bounded events (no `snapshot`): the file's
    // start, its text merged into one delta, its completion, then the live events.
    void lateJoiner_getsBoundedCatchUpThenLiveEvents()
    {
        Fixture f;
        QVERIFY(f.listening);
        QVERIFY(f.session->fileStreamer()->enqueue(QStringLiteral("early.ts"),
                                                   QStringLiteral("let x = 1;\n"),
                                                   ChunkOptions {5, 0, false}));
        QSignalSpy idle(f.session->fileStreamer(), &FileStreamer::idle);
        QVERIFY(idle.wait(10000));
        const quint64 last = f.session->lastSequence();
        QCOMPARE(last, quint64(5)); // start, 3 deltas, complete

        RawSseClient client(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_VERIFY_WITH_TIMEOUT(client.events("code").size() == 3, 10000);
        const QList<SseFrame> dispatched = client.dispatched();
        QCOMPARE(dispatched.at(0).event, QByteArray("connected"));
        const QJsonObject connected = dispatched.at(0).json();
        QCOMPARE(connected.value(QStringLiteral("epoch")).toString(), f.session->epoch());
        QCOMPARE(connected.value(QStringLiteral("lastSequence")).toInteger(), qint64(last));
        QCOMPARE(connected.value(QStringLiteral("resumeAfter")).toInteger(), 0);
        QCOMPARE(client.events("snapshot").size(), 0);
        const QList<SseFrame> code = client.events("code");
        QCOMPARE(code.at(0).json().value(QStringLiteral("type")).toString(),
                 QStringLiteral("start"));
        QCOMPARE(code.at(0).id, QByteArray("1"));
        const QJsonObject delta = code.at(1).json();
        QCOMPARE(delta.value(QStringLiteral("delta")).toString(), QStringLiteral("let x = 1;\n"));
        QCOMPARE(delta.value(QStringLiteral("offset")).toInteger(), 0);
        QCOMPARE(delta.value(QStringLiteral("from")).toInteger(), 2);
        QCOMPARE(code.at(1).id, QByteArray("4"));
        QCOMPARE(code.at(2).json().value(QStringLiteral("type")).toString(),
                 QStringLiteral("complete"));
        QCOMPARE(code.at(2).id, QByteArray::number(last));
        // The deltas built the file: the catch-up does not send it a second time.
        QVERIFY(!code.at(2).json().contains(QStringLiteral("fullContent")));

        f.session->publish(ProgressEvent {50, QStringLiteral("later")});
        QTRY_VERIFY_WITH_TIMEOUT(client.events("progress").size() == 1, 10000);
        QCOMPARE(client.events("progress").first().id, QByteArray::number(last + 1));
    }

    void resume_data()
    {
        QTest::addColumn<int>("bufferSize");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<int>("resumeAfter");
        QTest::addColumn<QByteArrayList>("catchUp"); // "from-seq", or "seq" alone
        const QByteArray stream("/api/sessions/s1/stream");
        QTest::newRow("Last-Event-ID is current")
            << 16 << stream << QByteArray("Last-Event-ID: 3\r\n") << 3 << QByteArrayList {};
        QTest::newRow("lastEventId query is current") << 16 << QByteArray(stream + "?lastEventId=3")
                                                      << QByteArray() << 3 << QByteArrayList {};
        QTest::newRow("Last-Event-ID behind")
            << 16 << stream << QByteArray("Last-Event-ID: 1\r\n") << 1 << QByteArrayList {"2-3"};
        QTest::newRow("lastEventId query from the start")
            << 16 << QByteArray(stream + "?lastEventId=0") << QByteArray() << 0
            << QByteArrayList {"1-3"};
        QTest::newRow("header wins over query")
            << 16 << QByteArray(stream + "?lastEventId=0") << QByteArray("Last-Event-ID: 2\r\n")
            << 2 << QByteArrayList {"3"};
        // The log is the source: how much is cached in memory changes nothing.
        QTest::newRow("Last-Event-ID older than the cache")
            << 2 << stream << QByteArray("Last-Event-ID: 0\r\n") << 0 << QByteArrayList {"1-3"};
        QTest::newRow("no cache to speak of")
            << 0 << stream << QByteArray("Last-Event-ID: 2\r\n") << 2 << QByteArrayList {"3"};
        QTest::newRow("Last-Event-ID ahead of the session: from the start")
            << 16 << stream << QByteArray("Last-Event-ID: 99\r\n") << 0 << QByteArrayList {"1-3"};
        QTest::newRow("Last-Event-ID is unreadable")
            << 16 << stream << QByteArray("Last-Event-ID: x\r\n") << 0 << QByteArrayList {"1-3"};
        QTest::newRow("no Last-Event-ID (late joiner)")
            << 16 << stream << QByteArray() << 0 << QByteArrayList {"1-3"};
    }

    void resume()
    {
        QFETCH(int, bufferSize);
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, headers);
        QFETCH(int, resumeAfter);
        QFETCH(QByteArrayList, catchUp);
        Fixture f;
        QVERIFY(f.listening);
        f.hub.setBufferSize(bufferSize);
        for (int i = 1; i <= 3; ++i)
            f.session->publish(ProgressEvent {i, QString()});

        RawSseClient client(f.publisher.port(), target, headers);
        QTRY_VERIFY_WITH_TIMEOUT(client.events("connected").size() == 1, 10000);
        f.session->publish(ProgressEvent {4, QString()});
        QTRY_VERIFY_WITH_TIMEOUT(!client.events("progress").isEmpty()
                                     && client.events("progress").constLast().id == "4",
                                 10000);
        QCOMPARE(client.events("connected").first().json().value(QStringLiteral("resumeAfter")),
                 QJsonValue(resumeAfter));
        QCOMPARE(client.events("snapshot").size(), 0);
        QByteArrayList got;
        for (const SseFrame &frame : client.events("progress")) {
            const qint64 from = frame.json().value(QStringLiteral("from")).toInteger();
            got.append(from ? QByteArray::number(from) + '-' + frame.id : frame.id);
        }
        QCOMPARE(got, catchUp + QByteArrayList {"4"});
        // Progress merged to the latest value: the viewer ends where the session is.
        QCOMPARE(client.events("progress").constLast().json().value(QStringLiteral("percent")), 4);
    }

    // A viewer loses its connection in the middle of a file and resumes with the last id it
    // saw: the two streams together carry every event once, in order, and the exact source.
    void resume_midFile_nothingLostNothingDoubled()
    {
        Fixture f;
        QVERIFY(f.listening);
        const QString content = mixedContent().repeated(20);
        auto first = std::make_unique<RawSseClient>(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_VERIFY_WITH_TIMEOUT(first->events("connected").size() == 1, 10000);
        QVERIFY(f.session->fileStreamer()->enqueue(QStringLiteral("a.py"), content,
                                                   ChunkOptions {3, 1, false}));
        QTRY_VERIFY_WITH_TIMEOUT(first->events("code").size() > 20, 10000);
        QList<SseFrame> seen = first->events("code");
        first.reset(); // gone mid-file
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 0, 10000);
        const QByteArray lastId = seen.constLast().id;
        QVERIFY(f.session->lastSequence() > lastId.toULongLong()
                || !f.session->fileStreamer()->isIdle());

        RawSseClient second(f.publisher.port(), "/api/sessions/s1/stream",
                            "Last-Event-ID: " + lastId + "\r\n");
        QSignalSpy idle(f.session->fileStreamer(), &FileStreamer::idle);
        if (!f.session->fileStreamer()->isIdle())
            QVERIFY(idle.wait(30000));
        const quint64 last = f.session->lastSequence();
        QTRY_VERIFY_WITH_TIMEOUT(!second.events("code").isEmpty()
                                     && second.events("code").constLast().id.toULongLong() == last,
                                 20000);
        QCOMPARE(second.events("snapshot").size(), 0);
        seen += second.events("code");
        // The sequences are covered once each, in order: a catch-up may merge the deltas it
        // resends into one event carrying `from` (docs/protocol.md, "Catch-up"), covering
        // from..seq; how many it merges depends on how far the session moved on meanwhile.
        QString typed;
        quint64 covered = 0;
        for (const SseFrame &frame : std::as_const(seen)) {
            const QJsonObject code = frame.json();
            const quint64 sequence = frame.id.toULongLong();
            const quint64 from = quint64(code.value(QStringLiteral("from")).toInteger());
            QCOMPARE(from ? from : sequence, covered + 1);
            QVERIFY(sequence >= covered + 1);
            covered = sequence;
            if (code.value(QStringLiteral("type")) == QStringLiteral("delta"))
                typed += code.value(QStringLiteral("delta")).toString();
        }
        QCOMPARE(covered, last);
        QCOMPARE(typed, content);
    }

    void keepAlive_sendsPingComments()
    {
        Fixture f;
        QVERIFY(f.listening);
        f.publisher.setKeepAliveInterval(std::chrono::milliseconds(50));
        RawSseClient client(f.publisher.port(), "/api/sessions/s1/stream");
        const auto pings = [&] {
            int count = 0;
            for (const SseFrame &frame : client.frames)
                count += int(frame.comments.count("ping"));
            return count;
        };
        QTRY_VERIFY_WITH_TIMEOUT(pings() >= 2, 10000);
    }

    void errors_answerJson_data()
    {
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");

        const QString files = QStringLiteral("/api/sessions/s1/files");
        QTest::newRow("unknown session stream")
            << QByteArray("GET") << QStringLiteral("/api/sessions/nope/stream") << QByteArray()
            << 404 << QStringLiteral("unknown session");
        QTest::newRow("unknown session files")
            << QByteArray("POST") << QStringLiteral("/api/sessions/nope/files")
            << fileBody(QStringLiteral("a.py"), QStringLiteral("x")) << 404
            << QStringLiteral("unknown session");
        QTest::newRow("unknown session snapshot")
            << QByteArray("GET") << QStringLiteral("/api/sessions/nope/snapshot") << QByteArray()
            << 404 << QStringLiteral("unknown session");
        QTest::newRow("unknown route") << QByteArray("GET") << QStringLiteral("/nothing/here")
                                       << QByteArray() << 404 << QStringLiteral("not found");
        QTest::newRow("GET on files") << QByteArray("GET") << files << QByteArray() << 405
                                      << QStringLiteral("method not allowed");
        QTest::newRow("malformed JSON")
            << QByteArray("POST") << files << QByteArray("{\"fileName\": ") << 400
            << QStringLiteral("malformed JSON");
        QTest::newRow("JSON array") << QByteArray("POST") << files << QByteArray("[1, 2]") << 400
                                    << QStringLiteral("malformed JSON");
        QTest::newRow("missing fileName")
            << QByteArray("POST") << files
            << json({{QStringLiteral("content"), QStringLiteral("x")}}) << 400
            << QStringLiteral("missing field");
        QTest::newRow("missing content")
            << QByteArray("POST") << files
            << json({{QStringLiteral("fileName"), QStringLiteral("a.py")}}) << 400
            << QStringLiteral("missing field");
        QTest::newRow("content not a string")
            << QByteArray("POST") << files
            << json({{QStringLiteral("fileName"), QStringLiteral("a.py")},
                     {QStringLiteral("content"), 12}})
            << 400 << QStringLiteral("missing field");
        QTest::newRow("chunkSize 0") << QByteArray("POST") << files
                                     << fileBody(QStringLiteral("a.py"), QStringLiteral("x"), 0)
                                     << 400 << QStringLiteral("invalid field");
        QTest::newRow("chunkSize fractional")
            << QByteArray("POST") << files
            << QByteArray("{\"fileName\":\"a.py\",\"content\":\"x\",\"chunkSize\":2.5}") << 400
            << QStringLiteral("invalid field");
        QTest::newRow("delayMs negative")
            << QByteArray("POST") << files
            << fileBody(QStringLiteral("a.py"), QStringLiteral("x"), 5, -1) << 400
            << QStringLiteral("invalid field");
        QTest::newRow("instant not a bool")
            << QByteArray("POST") << files
            << QByteArray("{\"fileName\":\"a.py\",\"content\":\"x\",\"instant\":\"yes\"}") << 400
            << QStringLiteral("invalid field");
        const QStringList badNames = {QStringLiteral("../../etc/passwd"),
                                      QStringLiteral("/etc/passwd"),
                                      QStringLiteral("a\\b.py"),
                                      QStringLiteral("a") + QChar(0) + QStringLiteral("b"),
                                      QString(),
                                      QStringLiteral("src/../../x.py")};
        for (const QString &name : badNames) {
            QTest::addRow("file name \"%s\"",
                          qPrintable(QString(name).replace(QChar(0), QStringLiteral("\\0"))))
                << QByteArray("POST") << files << fileBody(name, QStringLiteral("x")) << 400
                << QStringLiteral("invalid file name");
        }
        QTest::newRow("session id not URL-safe")
            << QByteArray("POST") << QStringLiteral("/api/sessions")
            << json({{QStringLiteral("id"), QStringLiteral("a b")}}) << 400
            << QStringLiteral("invalid session id");
        QTest::newRow("session id taken") << QByteArray("POST") << QStringLiteral("/api/sessions")
                                          << json({{QStringLiteral("id"), QStringLiteral("s1")}})
                                          << 409 << QStringLiteral("session exists");

        const QString events = QStringLiteral("/api/sessions/s1/events");
        const QByteArray progress("{\"event\":\"progress\",\"percent\":10}");
        QTest::newRow("events: empty body") << QByteArray("POST") << events << QByteArray(" ")
                                            << 400 << QStringLiteral("missing body");
        QTest::newRow("events: malformed JSON")
            << QByteArray("POST") << events << QByteArray("{\"event\":") << 400
            << QStringLiteral("malformed JSON");
        QTest::newRow("events: malformed NDJSON line")
            << QByteArray("POST") << events << QByteArray(progress + "\n{oops}\n") << 400
            << QStringLiteral("malformed JSON");
        QTest::newRow("events: array of numbers")
            << QByteArray("POST") << events << QByteArray("[1]") << 400
            << QStringLiteral("malformed JSON");
        QTest::newRow("events: no event name")
            << QByteArray("POST") << events << QByteArray("{\"percent\":10}") << 400
            << QStringLiteral("missing field");
        QTest::newRow("events: unknown event type")
            << QByteArray("POST") << events << QByteArray("{\"event\":\"telepathy\"}") << 400
            << QStringLiteral("unknown event type");
        QTest::newRow("events: snapshot is not publishable")
            << QByteArray("POST") << events << QByteArray("{\"event\":\"snapshot\",\"state\":{}}")
            << 400 << QStringLiteral("unknown event type");
        QTest::newRow("events: missing field in the second of an array (none published)")
            << QByteArray("POST") << events
            << QByteArray("[" + progress + ",{\"event\":\"chat\",\"type\":\"delta\"}]") << 400
            << QStringLiteral("invalid event");
        QTest::newRow("events: code with absolute file name")
            << QByteArray("POST") << events
            << QByteArray("{\"event\":\"code\",\"fileName\":\"/etc/passwd\",\"type\":\"start\"}")
            << 400 << QStringLiteral("invalid file name");
        QTest::newRow("events: code with .. file name")
            << QByteArray("POST") << events
            << QByteArray("{\"event\":\"code\",\"fileName\":\"a/../../b\",\"type\":\"start\"}")
            << 400 << QStringLiteral("invalid file name");
        QTest::newRow("events: other session")
            << QByteArray("POST") << events
            << QByteArray("{\"event\":\"progress\",\"sessionId\":\"s2\",\"percent\":1}") << 400
            << QStringLiteral("session mismatch");
        QTest::newRow("events: single event over 256 KiB")
            << QByteArray("POST") << events
            << QByteArray("{\"event\":\"progress\",\"percent\":1,\"detail\":\""
                          + QByteArray(256 * 1024, 'x') + "\"}")
            << 413 << QStringLiteral("event too large");
        QTest::newRow("events: NDJSON line over 256 KiB")
            << QByteArray("POST") << events
            << QByteArray(progress + "\n{\"event\":\"progress\",\"percent\":1,\"detail\":\""
                          + QByteArray(256 * 1024, 'x') + "\"}\n")
            << 413 << QStringLiteral("event too large");
        const QString chat = QStringLiteral("/api/sessions/s1/chat");
        QTest::newRow("chat: no text") << QByteArray("POST") << chat << QByteArray("{}") << 400
                                       << QStringLiteral("missing field");
        QTest::newRow("chat: bad role")
            << QByteArray("POST") << chat << QByteArray("{\"text\":\"hi\",\"role\":\"oracle\"}")
            << 400 << QStringLiteral("invalid field");
        QTest::newRow("chat: malformed JSON") << QByteArray("POST") << chat << QByteArray("{")
                                              << 400 << QStringLiteral("malformed JSON");
        QTest::newRow("delete: unknown session")
            << QByteArray("DELETE") << QStringLiteral("/api/sessions/nope") << QByteArray() << 404
            << QStringLiteral("unknown session");
        QTest::newRow("PUT on a session")
            << QByteArray("PUT") << QStringLiteral("/api/sessions/s1") << QByteArray("{}") << 405
            << QStringLiteral("method not allowed");
    }

    void postEvents_publishesInOrder_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("count");
        const QByteArray start("{\"event\":\"code\",\"fileName\":\"src/a.rs\",\"type\":\"start\"}");
        const QByteArray delta(
            "{\"event\":\"code\",\"fileName\":\"src/a.rs\",\"type\":\"delta\",\"delta\":\"fn "
            "main() {}\"}");
        const QByteArray step("{\"event\":\"step\",\"step\":\"generating\",\"status\":\"start\"}");
        QTest::newRow("one object") << step << QByteArray("application/json") << 1;
        QTest::newRow("array") << QByteArray("[" + step + "," + start + "," + delta + "]")
                               << QByteArray("application/json") << 3;
        QTest::newRow("NDJSON with blank lines and CRLF")
            << QByteArray(step + "\r\n\r\n" + start + "\n" + delta + "\n")
            << QByteArray("application/x-ndjson") << 3;
        QTest::newRow("NDJSON with seq and sessionId (seq ignored)")
            << QByteArray("{\"seq\":77,\"sessionId\":\"s1\",\"event\":\"progress\",\"percent\":5}\n"
                          + step)
            << QByteArray("application/x-ndjson") << 2;
    }

    void postEvents_publishesInOrder()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(int, count);
        Fixture f;
        QVERIFY(f.listening);
        f.session->publish(ProgressEvent {1, QString()});
        RawSseClient client(f.publisher.port(), "/api/sessions/s1/stream", "Last-Event-ID: 1\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(client.events("connected").size() == 1, 10000);

        QNetworkRequest request(f.url(QStringLiteral("/api/sessions/s1/events")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QString::fromLatin1(contentType));
        QNetworkReply *reply = f.manager.post(request, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 202);
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        QCOMPARE(answer.value(QStringLiteral("accepted")).toInteger(), count);
        QCOMPARE(answer.value(QStringLiteral("firstSequence")).toInteger(), 2);
        QCOMPARE(answer.value(QStringLiteral("lastSequence")).toInteger(), 1 + count);
        QCOMPARE(f.session->lastSequence(), quint64(1 + count));
        QTRY_COMPARE_WITH_TIMEOUT(client.dispatched().size(), 1 + count, 10000);
        const QList<SseFrame> frames = client.dispatched();
        for (int i = 0; i < count; ++i) {
            const SseFrame &frame = frames.at(1 + i);
            QCOMPARE(frame.id, QByteArray::number(2 + i));
            QCOMPARE(frame.json().value(QStringLiteral("sessionId")).toString(),
                     QStringLiteral("s1"));
        }
    }

    void postChat_streamsAMessage_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("deltas");
        QTest::addColumn<QString>("role");
        QTest::newRow("whole text")
            << QByteArray("{\"text\":\"Let me plan 🎉\"}") << 1 << QStringLiteral("assistant");
        QTest::newRow("chunked by 4 code points, user role")
            << QByteArray("{\"text\":\"Let me plan 🎉\",\"chunkSize\":4,\"role\":\"user\","
                          "\"messageId\":\"m7\"}")
            << 4 << QStringLiteral("user");
    }

    void postChat_streamsAMessage()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, deltas);
        QFETCH(QString, role);
        Fixture f;
        QVERIFY(f.listening);
        const HttpResult result
            = sendRequest(f.manager, "POST", f.url(QStringLiteral("/api/sessions/s1/chat")), body);
        QCOMPARE(result.status, 202);
        QCOMPARE(f.session->lastSequence(), quint64(deltas + 2));
        const auto &chat = f.session->model()->chat();
        QCOMPARE(chat.size(), 1);
        QCOMPARE(chat.first().text, QStringLiteral("Let me plan 🎉"));
        QCOMPARE(chatRoleText(chat.first().role), role);
        QCOMPARE(chat.first().id, result.json.value(QStringLiteral("messageId")).toString());
    }

    void deleteSession_closesItsStreamsOnly()
    {
        Fixture f;
        QVERIFY(f.listening);
        QVERIFY(f.hub.createSession(QStringLiteral("s2")));
        RawSseClient one(f.publisher.port(), "/api/sessions/s1/stream");
        RawSseClient two(f.publisher.port(), "/api/sessions/s2/stream");
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 2, 10000);
        QSignalSpy closed(&one.socket, &QTcpSocket::disconnected);
        const HttpResult result
            = sendRequest(f.manager, "DELETE", f.url(QStringLiteral("/api/sessions/s1")));
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json.value(QStringLiteral("subscribersClosed")).toInt(), 1);
        QVERIFY(!f.hub.session(QStringLiteral("s1")));
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 1, 10000);
        QCOMPARE(two.socket.state(), QAbstractSocket::ConnectedState);
        const HttpResult gone
            = sendRequest(f.manager, "GET", f.url(QStringLiteral("/api/sessions/s1/snapshot")));
        QCOMPARE(gone.status, 404);
    }

    void streamingDisabled_publishesFilesWhole()
    {
        Fixture f;
        QVERIFY(f.listening);
        f.hub.setStreamingEnabled(false);
        const HttpResult result
            = sendRequest(f.manager, "POST", f.url(QStringLiteral("/api/sessions/s1/files")),
                          fileBody(QStringLiteral("a.py"), mixedContent(), 1, 0));
        QCOMPARE(result.status, 202);
        QTRY_VERIFY_WITH_TIMEOUT(f.session->fileStreamer()->isIdle(), 10000);
        QCOMPARE(f.session->lastSequence(), quint64(2)); // start + complete, no delta
        QCOMPARE(f.session->model()->files().first().content, mixedContent());
    }

    void errors_answerJson()
    {
        QFETCH(QByteArray, verb);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, error);
        Fixture f;
        QVERIFY(f.listening);
        const HttpResult result = sendRequest(f.manager, verb, f.url(path), body);
        QCOMPARE(result.status, status);
        QCOMPARE(result.contentType, QByteArray("application/json"));
        QCOMPARE(result.json.value(QStringLiteral("error")).toString(), error);
        QVERIFY(!result.json.value(QStringLiteral("detail")).toString().isEmpty());
        QCOMPARE(f.session->lastSequence(), quint64(0)); // nothing was published
    }

    void oversizedBody_isRefusedWith413_data()
    {
        QTest::addColumn<qint64>("limit");
        QTest::newRow("default 8 MiB") << qint64(0);
        QTest::newRow("configured 64 KiB") << qint64(64 * 1024);
    }

    void oversizedBody_isRefusedWith413()
    {
        QFETCH(qint64, limit);
        Fixture f;
        QVERIFY(f.listening);
        if (limit > 0)
            f.publisher.setMaxBodySize(limit);
        QCOMPARE(f.publisher.maxBodySize(), limit > 0 ? limit : qint64(8 * 1024 * 1024));
        const QString content(int(f.publisher.maxBodySize()) + 1, u'x');
        const HttpResult result
            = sendRequest(f.manager, "POST", f.url(QStringLiteral("/api/sessions/s1/files")),
                          fileBody(QStringLiteral("big.txt"), content));
        QCOMPARE(result.status, 413);
        QCOMPARE(result.json.value(QStringLiteral("error")).toString(),
                 QStringLiteral("request body too large"));
        QCOMPARE(f.session->lastSequence(), quint64(0));

        // The publisher carries on.
        const HttpResult health = sendRequest(f.manager, "GET", f.url(QStringLiteral("/healthz")));
        QCOMPARE(health.status, 200);
    }

    // RFC 9112 §9.6: "Connection: close" from the client makes the server close after the
    // response; without it the connection is kept for the next request.
    void connectionClose_closesAfterTheResponse_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("connection");
        QTest::addColumn<bool>("closes");
        QTest::addColumn<int>("status");
        QTest::newRow("close") << QByteArray("/healthz") << QByteArray("close") << true << 200;
        QTest::newRow("among options")
            << QByteArray("/metrics") << QByteArray("TE, Close") << true << 200;
        QTest::newRow("error response")
            << QByteArray("/nowhere") << QByteArray("close") << true << 404;
        QTest::newRow("keep-alive")
            << QByteArray("/healthz") << QByteArray("keep-alive") << false << 200;
        QTest::newRow("no header") << QByteArray("/healthz") << QByteArray() << false << 200;
    }

    void connectionClose_closesAfterTheResponse()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, connection);
        QFETCH(bool, closes);
        QFETCH(int, status);
        Fixture f;
        QVERIFY(f.listening);
        QTcpSocket socket;
        QSignalSpy closed(&socket, &QTcpSocket::disconnected);
        socket.connectToHost(QHostAddress::LocalHost, f.publisher.port());
        QVERIFY(socket.waitForConnected(5000));
        const QByteArray request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + (connection.isEmpty() ? QByteArray() : "Connection: " + connection + "\r\n") + "\r\n";
        socket.write(request);
        QByteArray response;
        const auto complete = [&response] {
            const qsizetype end = response.indexOf("\r\n\r\n");
            if (end < 0)
                return false;
            static const QRegularExpression length(QStringLiteral("(?i)content-length: (\\d+)"));
            const auto match = length.match(QString::fromLatin1(response.left(end)));
            return match.hasMatch() && response.size() >= end + 4 + match.captured(1).toInt();
        };
        QTRY_VERIFY_WITH_TIMEOUT((response += socket.readAll(), complete()), 5000);
        QVERIFY2(response.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status))),
                 response.left(40).constData());
        const bool saysClose = response.left(response.indexOf("\r\n\r\n"))
                                   .toLower()
                                   .contains("\r\nconnection: close");
        QCOMPARE(saysClose, closes);
        if (closes) {
            QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 5000);
        } else {
            // Kept open: the same connection answers a second request.
            response.clear();
            socket.write(request);
            QTRY_VERIFY_WITH_TIMEOUT((response += socket.readAll(), complete()), 5000);
            QVERIFY(response.startsWith("HTTP/1.1 200"));
            QCOMPARE(closed.size(), 0);
        }
    }

    void clientsVanishingMidStream_doNotDisturbTheOthers()
    {
        Fixture f;
        QVERIFY(f.listening);
        QSignalSpy left(&f.publisher, &Publisher::subscriberDisconnected);
        RawSseClient steady(f.publisher.port(), "/api/sessions/s1/stream");
        auto aborting
            = std::make_unique<RawSseClient>(f.publisher.port(), "/api/sessions/s1/stream");
        auto deleted
            = std::make_unique<RawSseClient>(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(QStringLiteral("s1")), 3, 10000);

        const QString content = mixedContent().repeated(400);
        QSignalSpy idle(f.session->fileStreamer(), &FileStreamer::idle);
        f.session->fileStreamer()->enqueue(QStringLiteral("big.py"), content,
                                           ChunkOptions {3, 0, false});
        QTRY_VERIFY_WITH_TIMEOUT(aborting->events("code").size() > 20, 10000);
        aborting->socket.abort();
        QTRY_VERIFY_WITH_TIMEOUT(deleted->events("code").size() > 40, 10000);
        deleted.reset();

        // Churn: subscribers that connect and vanish while events keep flowing.
        for (int i = 0; i < 20; ++i) {
            auto transient
                = std::make_unique<RawSseClient>(f.publisher.port(), "/api/sessions/s1/stream");
            QTRY_VERIFY_WITH_TIMEOUT(!transient->events("connected").isEmpty(), 10000);
            if (i % 2)
                transient->socket.abort();
        }

        QVERIFY(idle.count() > 0 || idle.wait(60000));
        QTRY_VERIFY_WITH_TIMEOUT(left.count() == 22, 10000);
        QCOMPARE(f.publisher.subscriberCount(QStringLiteral("s1")), 1);

        QTRY_VERIFY_WITH_TIMEOUT(steady.codeComplete(), 30000);
        QCOMPARE(steady.joinedDeltas(), content);
    }

    // Back-pressure: a subscriber whose unsent bytes make no progress for the stall timeout is
    // dropped; a reader that keeps up gets every character meanwhile. (Until the session log,
    // a reader more than the pending bound behind was dropped too; now it is switched to
    // catch-up once 1 MiB waits for it, so nothing more is queued for it:
    // slowReader_isSwitchedToCatchUp below.)
    void slowReader_isDroppedPastTheBound_data()
    {
        QTest::addColumn<qint64>("maxPendingBytes");
        QTest::addColumn<int>("stallTimeoutMs");
        QTest::newRow("stall timeout") << (qint64(1) << 30) << 1500;
    }

    void slowReader_isDroppedPastTheBound()
    {
        QFETCH(qint64, maxPendingBytes);
        QFETCH(int, stallTimeoutMs);
        Fixture f;
        QVERIFY(f.listening);
        f.publisher.setMaxPendingBytes(maxPendingBytes);
        f.publisher.setStallTimeout(std::chrono::milliseconds(stallTimeoutMs)); // 0: never
        QSignalSpy left(&f.publisher, &Publisher::subscriberDisconnected);
        RawSseClient steady(f.publisher.port(), "/api/sessions/s1/stream");
        QTcpSocket stalled;
        QVERIFY(openStalledReader(stalled, f.publisher.port()));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(QStringLiteral("s1")), 2, 10000);

        // Far more than the kernel's socket buffers (up to 4 MiB here) and the bound hold for
        // the staller. Paced at one delta per event-loop turn: the steady reader is served by
        // this same thread, and an unpaced producer outruns a reader that only reads between
        // its batches (with small kernel buffers, as on CI, that reader fell 2 MiB behind and
        // was dropped, correctly). The waits run a real event loop: QTRY's polling sleeps 10 ms
        // between turns.
        const QString content = twelveMiBOfContent();
        QSignalSpy idle(f.session->fileStreamer(), &FileStreamer::idle);
        f.session->fileStreamer()->enqueue(QStringLiteral("big.py"), content,
                                           ChunkOptions {8192, 1, false});
        QVERIFY(left.count() == 1 || left.wait(30000));
        QCOMPARE(f.publisher.subscriberCount(QStringLiteral("s1")), 1);
        QVERIFY(idle.count() > 0 || idle.wait(60000));
        const HttpResult metrics = sendRequest(f.manager, "GET", f.url(QStringLiteral("/metrics")));
        QVERIFY2(metrics.body.contains("\ninkstream_subscribers_dropped_total 1\n"),
                 metrics.body.constData());

        QTRY_VERIFY_WITH_TIMEOUT(steady.codeComplete(), 30000);
        QVERIFY(steady.joinedDeltas() == content); // 12 MiB: no diff printed
    }

    // A reader that stops reading is not buffered without limit: once 1 MiB waits for it, the
    // live events stop going into its socket, and when it reads again it gets the rest as a
    // catch-up that brings it exactly to the file, with nothing lost or doubled.
    void slowReader_isSwitchedToCatchUp()
    {
        Fixture f;
        QVERIFY(f.listening);
        f.publisher.setStallTimeout(std::chrono::milliseconds(0));
        QTcpSocket stalled;
        QVERIFY(openStalledReader(stalled, f.publisher.port()));
        QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(QStringLiteral("s1")), 1, 10000);
        const QString content = twelveMiBOfContent();
        QSignalSpy idle(f.session->fileStreamer(), &FileStreamer::idle);
        f.session->fileStreamer()->enqueue(QStringLiteral("big.py"), content,
                                           ChunkOptions {8192, 0, false});
        QVERIFY(idle.count() > 0 || idle.wait(60000));
        QCOMPARE(f.publisher.subscriberCount(QStringLiteral("s1")), 1); // not dropped

        // Now it reads: everything it gets, applied in order, is the file.
        stalled.setReadBufferSize(0);
        SessionModel model;
        quint64 last = 0;
        QString problem;
        SseParser parser;
        parser.setEventHandler([&](const SseEvent &frame) {
            const DecodeResult decoded
                = EventCodec::decode(frame.type, frame.data, frame.lastEventId);
            if (!decoded.ok()) {
                problem = decoded.error;
                return;
            }
            const Event &event = *decoded.event;
            if (event.sequence == 0)
                return;
            if (event.coversFrom() > last + 1 || event.sequence <= last)
                problem = QStringLiteral("event %1 after %2").arg(event.sequence).arg(last);
            last = event.sequence;
            model.apply(event);
        });
        QByteArray head;
        bool inBody = false;
        connect(&stalled, &QTcpSocket::readyRead, this, [&] {
            QByteArray bytes = stalled.readAll();
            if (!inBody) {
                head += bytes;
                const qsizetype end = head.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                inBody = true;
                bytes = head.mid(end + 4);
            }
            parser.feed(bytes);
        });
        QTRY_VERIFY_WITH_TIMEOUT(last == f.session->lastSequence() || !problem.isEmpty(), 60000);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(model.files().at(0).content == content);
        QCOMPARE(model.files().at(0).state, FileState::Complete);
    }

    void complete_waitsForQueuedFiles()
    {
        Fixture f;
        QVERIFY(f.listening);
        RawSseClient client(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_VERIFY_WITH_TIMEOUT(client.events("connected").size() == 1, 10000);
        const HttpResult posted = sendRequest(
            f.manager, "POST", f.url(QStringLiteral("/api/sessions/s1/files")),
            fileBody(QStringLiteral("slow.rs"), QStringLiteral("fn main() {}\n"), 1, 2));
        QCOMPARE(posted.status, 202);
        const HttpResult completed
            = sendRequest(f.manager, "POST", f.url(QStringLiteral("/api/sessions/s1/complete")));
        QCOMPARE(completed.status, 202);
        QCOMPARE(completed.json.value(QStringLiteral("pending")).toBool(), true);
        // A second request while pending does not publish twice.
        QCOMPARE(sendRequest(f.manager, "POST", f.url(QStringLiteral("/api/sessions/s1/complete")))
                     .status,
                 202);

        QTRY_VERIFY_WITH_TIMEOUT(client.hasSessionEvent(), 10000);
        const QList<SseFrame> frames = client.dispatched();
        QCOMPARE(frames.last().event, QByteArray("session"));
        QCOMPARE(frames.last().json().value(QStringLiteral("type")).toString(),
                 QStringLiteral("complete"));
        QCOMPARE(frames.at(frames.size() - 2).json().value(QStringLiteral("type")).toString(),
                 QStringLiteral("complete")); // the file's completion came first
        QCOMPARE(f.session->model()->state(), SessionState::Complete);
        // Once the client has everything the session published, and a late joiner the whole
        // history, each holds one completion (no fixed wait: the later events are the proof).
        QTRY_COMPARE_WITH_TIMEOUT(client.dispatched().last().id,
                                  QByteArray::number(f.session->lastSequence()), 10000);
        QCOMPARE(client.events("session").size(), 1);
        RawSseClient lateJoiner(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_VERIFY_WITH_TIMEOUT(!lateJoiner.dispatched().isEmpty()
                                     && lateJoiner.dispatched().last().id
                                         == QByteArray::number(f.session->lastSequence()),
                                 10000);
        QCOMPARE(lateJoiner.events("session").size(), 1);
    }

    void complete_whenIdle_publishesAtOnce()
    {
        Fixture f;
        QVERIFY(f.listening);
        const HttpResult completed
            = sendRequest(f.manager, "POST", f.url(QStringLiteral("/api/sessions/s1/complete")));
        QCOMPARE(completed.status, 202);
        QCOMPARE(completed.json.value(QStringLiteral("pending")).toBool(), false);
        QCOMPARE(f.session->model()->state(), SessionState::Complete);
    }

    void sessions_createAndList()
    {
        Fixture f;
        QVERIFY(f.listening);
        const HttpResult created
            = sendRequest(f.manager, "POST", f.url(QStringLiteral("/api/sessions")));
        QCOMPARE(created.status, 201);
        const QString id = created.json.value(QStringLiteral("id")).toString();
        QVERIFY(SessionHub::isValidSessionId(id));
        QCOMPARE(created.json.value(QStringLiteral("url")).toString(),
                 f.publisher.sessionUrl(id).toString());

        const HttpResult named
            = sendRequest(f.manager, "POST", f.url(QStringLiteral("/api/sessions")),
                          json({{QStringLiteral("id"), QStringLiteral("my-session_2")}}));
        QCOMPARE(named.status, 201);

        const HttpResult list
            = sendRequest(f.manager, "GET", f.url(QStringLiteral("/api/sessions")));
        QCOMPARE(list.status, 200);
        QStringList ids;
        for (const QJsonValue &value : list.json.value(QStringLiteral("sessions")).toArray())
            ids.append(value.toObject().value(QStringLiteral("id")).toString());
        QCOMPARE(ids, (QStringList {QStringLiteral("s1"), id, QStringLiteral("my-session_2")}));

        const HttpResult info
            = sendRequest(f.manager, "GET", f.url(QStringLiteral("/api/sessions/s1")));
        QCOMPARE(info.status, 200);
        QCOMPARE(info.json.value(QStringLiteral("state")).toString(), QStringLiteral("idle"));
    }

    // Pipelined requests on one connection, the session logged with the batch fsync (whose
    // acknowledgments wait for a sync, so later requests are handled ahead of them): every
    // answer comes back in request order, a different request waits its turn, and a
    // "Connection: close" at the end closes after all of them.
    void pipelinedRequests_areAnsweredInOrder()
    {
        QTemporaryDir directory; // outlives the session's log
        Fixture f;
        QVERIFY(f.listening);
        QString error;
        QVERIFY2(f.session->createLog(directory.filePath(QStringLiteral("s1.log")),
                                      SessionLog::Fsync::Batch, {}, &error),
                 qPrintable(error));
        QByteArray requests;
        constexpr int kPosts = 300; // more than the connection handles ahead of its answers
        for (int i = 0; i < kPosts; ++i) {
            requests += postOneEvent(i);
            if (i == 150) // the same handler answers at once: queued behind the others
                requests += "POST /api/sessions/s1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{broken";
            if (i == 200) // another handler: waits, unread, until the answers before it are out
                requests += "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        }
        requests += postOneEvent(kPosts, "close");
        QTcpSocket socket;
        QSignalSpy closed(&socket, &QTcpSocket::disconnected);
        socket.connectToHost(QHostAddress::LocalHost, f.publisher.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(requests);
        QByteArray received;
        QList<QByteArray> answers;
        QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll(), answers += wholeAnswers(&received),
                                  answers.size() >= kPosts + 3),
                                 20000);
        QCOMPARE(answers.size(), kPosts + 3);
        qint64 sequence = 0;
        for (int i = 0; i < answers.size(); ++i) {
            const QByteArray &answer = answers.at(i);
            if (i == 151) {
                QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.constData());
                continue;
            }
            if (i == 202) {
                QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
                continue;
            }
            QVERIFY2(answer.startsWith("HTTP/1.1 202"), answer.constData());
            const QJsonObject json
                = QJsonDocument::fromJson(answer.mid(answer.indexOf("\r\n\r\n") + 4)).object();
            QCOMPARE(json.value(QStringLiteral("firstSequence")).toInteger(), sequence + 1);
            sequence = json.value(QStringLiteral("lastSequence")).toInteger();
        }
        QCOMPARE(sequence, qint64(kPosts + 1));
        QCOMPARE(f.session->lastSequence(), quint64(kPosts + 1));
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 5000);
    }

    // A bad request pipelined behind acknowledgments that wait for the log is refused after
    // them, and the connection ends there.
    void pipelinedBadRequest_isRefusedAfterTheAnswersBeforeIt()
    {
        QTemporaryDir directory; // outlives the session's log
        Fixture f;
        QVERIFY(f.listening);
        QString error;
        QVERIFY2(f.session->createLog(directory.filePath(QStringLiteral("s1.log")),
                                      SessionLog::Fsync::Batch, {}, &error),
                 qPrintable(error));
        QByteArray requests;
        for (int i = 0; i < 5; ++i)
            requests += postOneEvent(i);
        requests += "POST /api/sessions/s1/events HTTP/1.1\r\nContent-Length: nine\r\n\r\n";
        requests += postOneEvent(5);
        QTcpSocket socket;
        QSignalSpy closed(&socket, &QTcpSocket::disconnected);
        socket.connectToHost(QHostAddress::LocalHost, f.publisher.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(requests);
        QByteArray received;
        QTRY_COMPARE_WITH_TIMEOUT((received += socket.readAll(), closed.size()), 1, 10000);
        received += socket.readAll();
        const QList<QByteArray> answers = wholeAnswers(&received);
        QCOMPARE(answers.size(), 6);
        for (int i = 0; i < 5; ++i)
            QVERIFY2(answers.at(i).startsWith("HTTP/1.1 202"), answers.at(i).constData());
        QVERIFY2(answers.at(5).startsWith("HTTP/1.1 400"), answers.at(5).constData());
        QCOMPARE(f.session->lastSequence(), quint64(5)); // nothing after the bad request
    }

    void destroyingThePublisher_withOpenStreams_isClean()
    {
        SessionHub hub;
        Session *session = hub.createSession(QStringLiteral("s1"));
        auto publisher = std::make_unique<Publisher>(&hub);
        QVERIFY(publisher->listen(QHostAddress::LocalHost, 0));
        RawSseClient client(publisher->port(), "/api/sessions/s1/stream");
        QTRY_VERIFY_WITH_TIMEOUT(client.events("connected").size() == 1, 10000);
        publisher.reset();
        session->publish(ProgressEvent {1, QString()}); // no publisher left to write it
        QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::UnconnectedState, 10000);
    }
};

QTEST_GUILESS_MAIN(TestPublisher)
#include "tst_publisher.moc"
