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

    void publish_stampsWhereEachDeltaStarts()
    {
        Session session(QStringLiteral("s"));
        QList<qint64> offsets;
        connect(&session, &Session::eventPublished, this,
                [&](const Event &event, const QByteArray &) {
                    if (const auto *code = std::get_if<CodeEvent>(&event.payload))
                        offsets.append(code->offset);
                    if (const auto *chat = std::get_if<ChatEvent>(&event.payload))
                        offsets.append(chat->offset);
                });
        CodeEvent delta;
        delta.type = CodeEvent::Type::Delta;
        delta.fileName = QStringLiteral("a.py");
        delta.offset = 99; // whatever a poster says, the publisher knows better
        delta.delta = QStringLiteral("abc");
        session.publish(delta);
        delta.delta = QStringLiteral("🎉d");
        session.publish(delta);
        session.publish(delta);
        session.publish(ChatEvent {ChatEvent::Type::Start, QStringLiteral("m"), ChatRole::Assistant,
                                   QStringLiteral("Hi")});
        session.publish(ChatEvent {ChatEvent::Type::Delta, QStringLiteral("m"), ChatRole::Assistant,
                                   QStringLiteral(" there")});
        session.publish(ChatEvent {ChatEvent::Type::Complete, QStringLiteral("m"),
                                   ChatRole::Assistant, QString()});
        QCOMPARE(offsets, (QList<qint64> {0, 3, 6, 0, 2, -1}));
    }

    void publish_anyEventStaysWithinTheLimit_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("code delta") << 0;
        QTest::newRow("chat delta") << 1;
        QTest::newRow("step detail") << 2;
        QTest::newRow("complete correcting a large file") << 3;
    }
    void publish_anyEventStaysWithinTheLimit()
    {
        QFETCH(int, kind);
        Session session(QStringLiteral("s"));
        qsizetype largest = 0;
        connect(&session, &Session::eventPublished, this,
                [&](const Event &, const QByteArray &frame) {
                    largest = std::max(largest, frame.size());
                });
        // Control characters are escaped as \u00XX, six bytes each: the worst case per unit.
        QString text;
        for (int i = 0; i < 300'000; ++i)
            text.append(i % 7 == 0 ? QChar(0x01) : i % 5 == 0 ? QChar(u'é') : QChar(u'x'));
        text.append(QStringLiteral("🎉"));
        switch (kind) {
        case 0: {
            CodeEvent delta;
            delta.type = CodeEvent::Type::Delta;
            delta.fileName = QStringLiteral("big.txt");
            delta.delta = text;
            session.publish(delta);
            QCOMPARE(session.model()->files().at(0).content, text);
            break;
        }
        case 1:
            session.publish(
                ChatEvent {ChatEvent::Type::Start, QStringLiteral("m"), ChatRole::User, text});
            QCOMPARE(session.model()->chat().at(0).text, text);
            break;
        case 2:
            session.publish(StepEvent {StepName::Planning, StepEvent::Status::Start, text});
            QVERIFY(session.model()->steps().at(0).detail.endsWith(QChar(0x2026)));
            break;
        case 3: {
            CodeEvent complete;
            complete.type = CodeEvent::Type::Complete;
            complete.fileName = QStringLiteral("big.txt");
            complete.fullContent = text;
            complete.hasFullContent = true;
            session.publish(complete);
            QCOMPARE(session.model()->files().at(0).content, text);
            QCOMPARE(session.model()->files().at(0).state, FileState::Complete);
            break;
        }
        }
        QVERIFY(session.lastSequence() > 1 || kind == 2);
        QVERIFY2(largest <= Session::kMaxEventBytes, qPrintable(QString::number(largest)));
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
