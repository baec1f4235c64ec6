#include "core/model/sessionmodel.h"
#include "core/server/session.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace inkstream::core;

class TestSession final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void publish_numbersAppliesAndEncodesOnce()
    {
        Session session(QStringLiteral("s1"));
        QSignalSpy published(&session, &Session::eventPublished);
        const Event first = session.publish(ProgressEvent {10, QStringLiteral("a")});
        const Event second = session.publish(ProgressEvent {20, QStringLiteral("b")});
        QCOMPARE(first.sequence, quint64(1));
        QCOMPARE(second.sequence, quint64(2));
        QCOMPARE(second.sessionId, QStringLiteral("s1"));
        QCOMPARE(session.lastSequence(), quint64(2));
        QCOMPARE(session.model()->progress(), 20);
        QCOMPARE(published.count(), 2);
        const QByteArray frame = published.at(1).at(1).toByteArray();
        QVERIFY(frame.startsWith("id: 2\n"));
        QVERIFY(frame.endsWith("\n\n"));
    }

    void publish_fromInsideASlot_keepsSequenceOrder()
    {
        Session session(QStringLiteral("s1"));
        QList<quint64> first;
        QList<quint64> second;
        connect(&session, &Session::eventPublished, this,
                [&](const Event &event, const QByteArray &) {
                    first.append(event.sequence);
                    if (event.sequence == 1)
                        session.publish(ProgressEvent {2, QString()}); // re-entrant
                });
        connect(&session, &Session::eventPublished, this,
                [&](const Event &event, const QByteArray &) { second.append(event.sequence); });
        session.publish(ProgressEvent {1, QString()});
        QCOMPARE(first, (QList<quint64> {1, 2}));
        QCOMPARE(second, (QList<quint64> {1, 2})); // not 2 before 1
    }

    void publish_perSubscriberEvents_areRefused()
    {
        Session session(QStringLiteral("s1"));
        QSignalSpy published(&session, &Session::eventPublished);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("per subscriber")));
        QCOMPARE(session.publish(ConnectedEvent {QStringLiteral("c")}).sequence, quint64(0));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("per subscriber")));
        QCOMPARE(session.publish(SnapshotEvent {}).sequence, quint64(0));
        QCOMPARE(published.count(), 0);
        QCOMPARE(session.lastSequence(), quint64(0));
    }

    void snapshot_carriesIdAndSequenceEvenWhenEmpty()
    {
        Session session(QStringLiteral("s1"));
        QCOMPARE(session.snapshot().value(QStringLiteral("sessionId")).toString(),
                 QStringLiteral("s1"));
        QCOMPARE(session.snapshot().value(QStringLiteral("lastSequence")).toInteger(), 0);
        session.publish(ChatEvent {ChatEvent::Type::Start, QStringLiteral("m1"),
                                   ChatRole::Assistant, QStringLiteral("Hi")});
        const Event snapshot = session.snapshotEvent();
        QCOMPARE(snapshot.sequence, quint64(1));
        const auto *payload = std::get_if<SnapshotEvent>(&snapshot.payload);
        QVERIFY(payload);
        SessionModel copy;
        QVERIFY(copy.loadSnapshot(payload->state));
        QCOMPARE(copy.chat().first().text, QStringLiteral("Hi"));
    }

    void eventsAfter_data()
    {
        QTest::addColumn<int>("bufferSize");
        QTest::addColumn<quint64>("after");
        QTest::addColumn<bool>("covered");
        QTest::addColumn<QList<quint64>>("sequences");
        QTest::newRow("current") << 4 << quint64(10) << true << QList<quint64> {};
        QTest::newRow("one behind") << 4 << quint64(9) << true << QList<quint64> {10};
        QTest::newRow("oldest edge") << 4 << quint64(6) << true << QList<quint64> {7, 8, 9, 10};
        QTest::newRow("too old") << 4 << quint64(5) << false << QList<quint64> {};
        QTest::newRow("ahead") << 4 << quint64(11) << false << QList<quint64> {};
        QTest::newRow("no buffer, current") << 0 << quint64(10) << true << QList<quint64> {};
        QTest::newRow("no buffer, behind") << 0 << quint64(9) << false << QList<quint64> {};
        QTest::newRow("large buffer, from 0")
            << 100 << quint64(7) << true << QList<quint64> {8, 9, 10};
    }

    void eventsAfter()
    {
        QFETCH(int, bufferSize);
        QFETCH(quint64, after);
        QFETCH(bool, covered);
        QFETCH(QList<quint64>, sequences);
        Session session(QStringLiteral("s"));
        session.setBufferSize(bufferSize);
        for (int i = 1; i <= 10; ++i)
            session.publish(ProgressEvent {i * 10, QString()});
        QList<Session::BufferedEvent> events;
        QCOMPARE(session.eventsAfter(after, &events), covered);
        QList<quint64> got;
        for (const Session::BufferedEvent &event : events) {
            got.append(event.event.sequence);
            QVERIFY(event.sseFrame.startsWith(
                QByteArray("id: " + QByteArray::number(event.event.sequence))));
        }
        QCOMPARE(got, sequences);
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
