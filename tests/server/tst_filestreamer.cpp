#include "core/model/sessionmodel.h"
#include "core/server/filestreamer.h"
#include "core/server/session.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace inkstream::core;

namespace {

// Records every event a session publishes.
class EventLog
{
public:
    explicit EventLog(Session *session)
    {
        QObject::connect(session, &Session::eventPublished, session,
                         [this](const Event &event, const QByteArray &) { events.append(event); });
    }
    QList<CodeEvent> code() const
    {
        QList<CodeEvent> result;
        for (const Event &event : events) {
            if (const auto *c = std::get_if<CodeEvent>(&event.payload))
                result.append(*c);
        }
        return result;
    }
    QList<Event> events;
};

} // namespace

class TestFileStreamer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void enqueue_typesStartDeltasComplete_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<int>("chunkSize");
        QTest::addColumn<int>("delayMs");
        QTest::addColumn<bool>("instant");

        const QString python = QStringLiteral("def greet(name):\n    return f\"héllo {name} 🎉\"\n");
        QTest::newRow("chunk 5, no delay") << python << 5 << 0 << false;
        QTest::newRow("chunk 1, no delay") << python << 1 << 0 << false;
        QTest::newRow("chunk 7, 1 ms delay") << python << 7 << 1 << false;
        QTest::newRow("instant") << python << 5 << 0 << true;
        QTest::newRow("empty file") << QString() << 5 << 0 << false;
        QTest::newRow("CRLF lines") << QStringLiteral("a\r\nbc\r\n\r\nd") << 2 << 0 << false;
    }

    void enqueue_typesStartDeltasComplete()
    {
        QFETCH(QString, content);
        QFETCH(int, chunkSize);
        QFETCH(int, delayMs);
        QFETCH(bool, instant);

        Session session(QStringLiteral("s1"));
        EventLog log(&session);
        FileStreamer *streamer = session.fileStreamer();
        QSignalSpy idle(streamer, &FileStreamer::idle);
        QVERIFY(streamer->enqueue(QStringLiteral("pkg/greet.py"), content,
                                  ChunkOptions {chunkSize, delayMs, instant}));
        QVERIFY(!streamer->isIdle());
        QVERIFY(idle.wait(10000));
        QVERIFY(streamer->isIdle());

        const QList<CodeEvent> code = log.code();
        QVERIFY(code.size() >= 2);
        QCOMPARE(code.first().type, CodeEvent::Type::Start);
        QCOMPARE(code.first().language, QStringLiteral("Python"));
        QCOMPARE(code.last().type, CodeEvent::Type::Complete);
        QVERIFY(code.last().hasFullContent);
        QCOMPARE(code.last().fullContent, content);

        QString joined;
        TextPosition position;
        for (qsizetype i = 1; i + 1 < code.size(); ++i) {
            const CodeEvent &delta = code.at(i);
            QCOMPARE(delta.type, CodeEvent::Type::Delta);
            QVERIFY(delta.hasPosition);
            QCOMPARE(delta.position, position);
            QVERIFY(delta.delta.toUcs4().size() <= chunkSize);
            position = advancePosition(position, delta.delta);
            joined += delta.delta;
        }
        QCOMPARE(joined, instant ? QString() : content);
        if (instant)
            QCOMPARE(code.size(), 2);

        for (qsizetype i = 0; i < log.events.size(); ++i)
            QCOMPARE(log.events.at(i).sequence, quint64(i + 1));
        QCOMPARE(session.model()->files().size(), 1);
        QCOMPARE(session.model()->files().first().content, content);
        QCOMPARE(session.model()->files().first().state, FileState::Complete);
    }

    void enqueue_twoFiles_typesThemOneAfterAnother()
    {
        Session session(QStringLiteral("s1"));
        EventLog log(&session);
        FileStreamer *streamer = session.fileStreamer();
        QSignalSpy idle(streamer, &FileStreamer::idle);
        QSignalSpy completed(streamer, &FileStreamer::fileCompleted);
        streamer->enqueue(QStringLiteral("a.ts"), QStringLiteral("const a = 1;\n"), {3, 0, false});
        streamer->enqueue(QStringLiteral("b.rs"), QStringLiteral("fn b() {}\n"), {3, 1, false});
        QCOMPARE(streamer->pendingFiles(), 2);
        QVERIFY(idle.wait(10000));
        QCOMPARE(idle.count(), 1);
        QCOMPARE(completed.count(), 2);

        QString order;
        for (const CodeEvent &code : log.code()) {
            if (code.type != CodeEvent::Type::Delta)
                order += code.fileName.left(1);
        }
        QCOMPARE(order, QStringLiteral("aabb")); // a start, a complete, b start, b complete
    }

    void enqueue_largeFileWithoutDelay_neverStallsTheEventLoop()
    {
        Session session(QStringLiteral("s1"));
        FileStreamer *streamer = session.fileStreamer();
        QSignalSpy idle(streamer, &FileStreamer::idle);
        const QString content
            = QStringLiteral("std::cout << \"ünïcödé ✓\" << '\\n';\n").repeated(8000);

        // A zero-interval timer runs whenever the event loop gets a turn. Recording how far the
        // file had got at each turn shows whether typing yielded mid-file, independent of how
        // fast this machine is.
        qsizetype written = 0;
        connect(streamer, &FileStreamer::fileProgressed, this,
                [&written](const QString &, qsizetype progress, qsizetype) { written = progress; });
        QSet<qsizetype> progressSeenBetweenBatches;
        QTimer ticker;
        ticker.setInterval(0);
        connect(&ticker, &QTimer::timeout, this, [&] {
            if (written > 0 && written < content.size())
                progressSeenBetweenBatches.insert(written);
        });
        ticker.start();
        streamer->enqueue(QStringLiteral("big.cpp"), content, ChunkOptions {5, 0, false});
        QVERIFY(idle.wait(60000));
        ticker.stop();

        QCOMPARE(session.model()->files().first().content, content);
        QVERIFY2(progressSeenBetweenBatches.size() >= 2,
                 "the event loop did not run while the file was typed");
    }

    void validateFileName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << QStringLiteral("main.py") << true;
        QTest::newRow("nested") << QStringLiteral("src/app/main.cpp") << true;
        QTest::newRow("hidden file") << QStringLiteral("config/.env.example") << true;
        QTest::newRow("dots inside a name") << QStringLiteral("..foo/bar..") << true;
        QTest::newRow("unicode") << QStringLiteral("docs/naïve-日本.md") << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("climbs out") << QStringLiteral("../../etc/passwd") << false;
        QTest::newRow("climbs out in the middle") << QStringLiteral("a/../../b") << false;
        QTest::newRow("only dot-dot") << QStringLiteral("..") << false;
        QTest::newRow("absolute") << QStringLiteral("/etc/passwd") << false;
        QTest::newRow("drive letter") << QStringLiteral("C:/Windows/win.ini") << false;
        QTest::newRow("backslash") << QStringLiteral("a\\b.txt") << false;
        QTest::newRow("NUL") << QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b"))
                             << false;
        QTest::newRow("newline") << QStringLiteral("a\nb") << false;
        QTest::newRow("empty segment") << QStringLiteral("a//b") << false;
        QTest::newRow("trailing slash") << QStringLiteral("dir/") << false;
        QTest::newRow("dot segment") << QStringLiteral("./a") << false;
        QTest::newRow("too long") << QString(2000, u'a') << false;
    }

    void validateFileName()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QString reason;
        QCOMPARE(FileStreamer::validateFileName(name, &reason), valid);
        QCOMPARE(reason.isEmpty(), valid);
    }

    void enqueue_invalidName_isRefused()
    {
        Session session(QStringLiteral("s1"));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refusing file")));
        QVERIFY(!session.fileStreamer()->enqueue(QStringLiteral("../x"), QStringLiteral("x")));
        QVERIFY(session.fileStreamer()->isIdle());
        QCOMPARE(session.lastSequence(), quint64(0));
    }
};

QTEST_GUILESS_MAIN(TestFileStreamer)
#include "tst_filestreamer.moc"
