#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"
#include "core/server/catchupreader.h"
#include "core/server/session.h"
#include "tests/model/comparablesnapshot.h"
#include "tests/sanitizers.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace inkstream::core;

namespace {

QJsonObject comparable(QJsonObject snapshot)
{
    snapshot = comparableSnapshot(snapshot);
    snapshot.remove(QStringLiteral("lastSequence"));
    snapshot.remove(QStringLiteral("sessionId"));
    return snapshot;
}

QString randomText(QRandomGenerator &random, int maxLength)
{
    static const QList<QString> pieces
        = {QStringLiteral("a"), QStringLiteral("b "), QStringLiteral("\n"), QStringLiteral("é"),
           QStringLiteral("🎉"), QStringLiteral("\""), QStringLiteral("\t")};
    QString text;
    const int length = 1 + int(random.bounded(maxLength));
    for (int i = 0; i < length; ++i)
        text += pieces.at(random.bounded(int(pieces.size())));
    return text;
}

// Publishes a random session: files typed, restarted, completed (some with a correcting full
// content), failed; chat messages streaming at the same time; steps and progress.
void publishRandomSession(Session *session, int events, quint32 seed)
{
    QRandomGenerator random(seed);
    const QStringList files
        = {QStringLiteral("a.py"), QStringLiteral("src/b.ts"), QStringLiteral("c.rs")};
    for (int i = 0; i < events; ++i) {
        const int dice = int(random.bounded(100));
        const QString file = files.at(random.bounded(int(files.size())));
        CodeEvent code;
        code.fileName = file;
        if (dice < 50) {
            code.type = CodeEvent::Type::Delta;
            code.delta = randomText(random, dice < 5 ? 3000 : 6);
            session->publish(code);
        } else if (dice < 54) {
            code.type = CodeEvent::Type::Start;
            session->publish(code);
        } else if (dice < 58) {
            code.type = CodeEvent::Type::Complete;
            const int index = session->model()->fileIndex(file);
            if (dice == 56 && index >= 0) {
                code.fullContent = session->model()->files().at(index).content;
                code.hasFullContent = true;
            } else if (dice == 57) {
                code.fullContent = randomText(random, 20);
                code.hasFullContent = true;
            }
            session->publish(code);
        } else if (dice < 59) {
            code.type = CodeEvent::Type::Error;
            code.error = QStringLiteral("failed");
            session->publish(code);
        } else if (dice < 85) {
            const QString id = QStringLiteral("m%1").arg(random.bounded(3));
            const auto type = dice < 62 ? ChatEvent::Type::Start
                : dice < 83             ? ChatEvent::Type::Delta
                                        : ChatEvent::Type::Complete;
            session->publish(
                ChatEvent {type, id, ChatRole::Assistant,
                           type == ChatEvent::Type::Complete ? QString() : randomText(random, 8)});
        } else if (dice < 95) {
            session->publish(ProgressEvent {int(random.bounded(101)), randomText(random, 4)});
        } else {
            session->publish(StepEvent {StepName(random.bounded(StepCount)),
                                        StepEvent::Status(random.bounded(3)),
                                        randomText(random, 4)});
        }
    }
    session->flushLog();
}

} // namespace

class TestCatchUpReader final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    void fromEverySequence_bringsTheViewerExactlyToTheHead_data()
    {
        QTest::addColumn<bool>("onDisk");
        QTest::addColumn<quint32>("seed");
        QTest::newRow("memory log") << false << 1u;
        QTest::newRow("log on disk, small cache") << true << 2u;
        QTest::newRow("log on disk, other session") << true << 3u;
    }
    // A viewer at any sequence L (its model equals the publisher's at L) receives the catch-up
    // after L: events in order, each starting where the last one ended, each within the limit,
    // the last one at the head, and its model then equals the publisher's.
    void fromEverySequence_bringsTheViewerExactlyToTheHead()
    {
        QFETCH(bool, onDisk);
        QFETCH(quint32, seed);
        Session session(QStringLiteral("s"));
        QList<Event> live;
        connect(&session, &Session::eventPublished, this,
                [&](const Event &event, const QByteArray &) { live.append(event); });
        if (onDisk) {
            QString error;
            QVERIFY2(session.createLog(m_dir->filePath(QStringLiteral("s.log")),
                                       SessionLog::Fsync::Never, {}, &error),
                     qPrintable(error));
            session.setBufferSize(16);
        }
        // Every sequence is a start: quadratic, so the sanitizer build runs fewer
        // (INKSTREAM_CATCHUP_EVENTS; default 500).
        const int events = qEnvironmentVariableIntValue("INKSTREAM_CATCHUP_EVENTS") > 0
            ? qEnvironmentVariableIntValue("INKSTREAM_CATCHUP_EVENTS")
            : 500;
        publishRandomSession(&session, events, seed);
        const quint64 head = session.lastSequence();
        QCOMPARE(quint64(live.size()), head);
        const QJsonObject expected = comparable(session.model()->toSnapshot());

        qsizetype catchUpEvents = 0;
        SessionModel atAfter; // the publisher's model at sequence `after`
        for (quint64 after = 0; after <= head; ++after) {
            if (after > 0)
                atAfter.apply(live.at(qsizetype(after - 1)));
            SessionModel viewer;
            QVERIFY(viewer.loadSnapshot(atAfter.toSnapshot()));
            const std::unique_ptr<CatchUpReader> reader = session.catchUpAfter(after);
            quint64 last = after;
            while (const std::optional<Event> event = reader->next(head)) {
                QCOMPARE(event->coversFrom(), last + 1);
                QVERIFY(event->sequence > last);
                QVERIFY(EventCodec::encodeSse(*event).size() <= Session::kMaxEventBytes);
                viewer.apply(*event);
                last = event->sequence;
                ++catchUpEvents;
            }
            QVERIFY2(reader->error().isEmpty(), qPrintable(reader->error()));
            QCOMPARE(last, head);
            QCOMPARE(reader->position(), head);
            QCOMPARE(comparable(viewer.toSnapshot()), expected);
        }
        // Merging is the point: far fewer events than replaying every one of them.
        const qsizetype replayed = qsizetype(head) * qsizetype(head + 1) / 2;
        qInfo("%lld catch-up events where a replay would send %lld",
              static_cast<long long>(catchUpEvents), static_cast<long long>(replayed));
        QVERIFY(catchUpEvents < replayed / 2);
    }

    // A viewer cut after any number of catch-up events resumes from the last sequence it
    // applied and ends equal to the publisher, with nothing shown twice.
    void cutAnywhere_resumesWhereItGotTo()
    {
        Session session(QStringLiteral("s"));
        QString error;
        QVERIFY2(session.createLog(m_dir->filePath(QStringLiteral("s.log")),
                                   SessionLog::Fsync::Never, {}, &error),
                 qPrintable(error));
        session.setBufferSize(32);
        publishRandomSession(&session, 800, 7);
        const quint64 head = session.lastSequence();
        const QJsonObject expected = comparable(session.model()->toSnapshot());
        QRandomGenerator random(11);
        // Under ASan four runs, both kinds of cut (twelve took 41 s there, 3 s in the build
        // users run).
        const int runs = kAddressSanitizer ? 4 : 12;
        for (int run = 0; run < runs; ++run) {
            SessionModel viewer;
            quint64 last = 0;
            int cuts = 0;
            while (last < head) {
                const std::unique_ptr<CatchUpReader> reader = session.catchUpAfter(last);
                const int take = 1 + int(random.bounded(run % 2 ? 3 : 12));
                for (int i = 0; i < take; ++i) {
                    const std::optional<Event> event = reader->next(head);
                    if (!event)
                        break;
                    QVERIFY(event->coversFrom() <= last + 1);
                    QVERIFY(viewer.apply(*event));
                    last = event->sequence;
                }
                ++cuts;
            }
            QCOMPARE(comparable(viewer.toSnapshot()), expected);
            QVERIFY(cuts > 1);
        }
    }

    // Thousands of small deltas of one file become pieces of at most kPieceCharacters: a cut
    // costs at most one piece.
    void smallDeltas_areMergedIntoBoundedPieces()
    {
        Session session(QStringLiteral("s"));
        CodeEvent delta;
        delta.type = CodeEvent::Type::Delta;
        delta.fileName = QStringLiteral("a.txt");
        delta.delta = QStringLiteral("abcde");
        for (int i = 0; i < 10000; ++i)
            session.publish(delta);
        session.flushLog();
        const std::unique_ptr<CatchUpReader> reader = session.catchUpAfter(0);
        int events = 0;
        qint64 offset = 0;
        while (const std::optional<Event> event = reader->next(session.lastSequence())) {
            const auto &code = std::get<CodeEvent>(event->payload);
            QCOMPARE(code.offset, offset);
            QVERIFY(code.delta.size() <= CatchUpReader::kPieceCharacters);
            offset += code.delta.size();
            ++events;
        }
        QCOMPARE(offset, 50000);
        QCOMPARE(events,
                 int((50000 + CatchUpReader::kPieceCharacters - 1)
                     / (CatchUpReader::kPieceCharacters / 5 * 5)));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestCatchUpReader)
#include "tst_catchupreader.moc"
