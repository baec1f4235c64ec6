#include "core/client/sequencer.h"

#include <QTest>

using namespace inkstream::core;

namespace {

using Verdict = Sequencer::Verdict;
using Start = Sequencer::Start;

Event progressEvent(quint64 sequence, quint64 from = 0)
{
    Event event {sequence, QStringLiteral("s1"), ProgressEvent {int(sequence % 100), {}}};
    event.firstSequence = from;
    return event;
}

ConnectedEvent connectedEvent(const QString &epoch, quint64 lastSequence, quint64 resumeAfter)
{
    ConnectedEvent connected;
    connected.clientId = QStringLiteral("c1");
    connected.epoch = epoch;
    connected.lastSequence = lastSequence;
    connected.resumeAfter = resumeAfter;
    return connected;
}

} // namespace

class TestSequencer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void admit_data();
    void admit();
    void connected_data();
    void connected();
    void connectedWithEpoch_replacesFreshConnectionCheck();
    void newHistory_dropsHeldEvents();
    void heldEvents_keepOrder_andAreBounded();
    void resumeId_data();
    void resumeId();
    void resumeAt_restoresPosition();
};

void TestSequencer::admit_data()
{
    QTest::addColumn<quint64>("last");
    QTest::addColumn<bool>("fresh"); // the connection just opened, `connected` said nothing
    QTest::addColumn<bool>("resyncing");
    QTest::addColumn<quint64>("sequence");
    QTest::addColumn<quint64>("from"); // 0: the event covers only `sequence`
    QTest::addColumn<Verdict>("verdict");
    QTest::addColumn<quint64>("lastAfter");

    QTest::newRow("first event") << quint64(0) << false << false << quint64(1) << quint64(0)
                                 << Verdict::Apply << quint64(1);
    QTest::newRow("in order") << quint64(3) << false << false << quint64(4) << quint64(0)
                              << Verdict::Apply << quint64(4);
    QTest::newRow("duplicate of the last") << quint64(3) << false << false << quint64(3)
                                           << quint64(0) << Verdict::Duplicate << quint64(3);
    QTest::newRow("duplicate of an older one") << quint64(3) << false << false << quint64(1)
                                               << quint64(0) << Verdict::Duplicate << quint64(3);
    QTest::newRow("gap") << quint64(3) << false << false << quint64(5) << quint64(0) << Verdict::Gap
                         << quint64(3);
    QTest::newRow("catch-up, from below last+1")
        << quint64(3) << false << false << quint64(9) << quint64(2) << Verdict::Apply << quint64(9);
    QTest::newRow("catch-up, from == last+1")
        << quint64(3) << false << false << quint64(9) << quint64(4) << Verdict::Apply << quint64(9);
    QTest::newRow("catch-up, from beyond last+1")
        << quint64(3) << false << false << quint64(9) << quint64(5) << Verdict::Gap << quint64(3);
    QTest::newRow("catch-up, all of it applied") << quint64(9) << false << false << quint64(9)
                                                 << quint64(2) << Verdict::Duplicate << quint64(9);
    QTest::newRow("catch-up of a late joiner") << quint64(0) << false << false << quint64(40)
                                               << quint64(1) << Verdict::Apply << quint64(40);
    QTest::newRow("not sequenced")
        << quint64(3) << false << false << quint64(0) << quint64(0) << Verdict::Apply << quint64(3);
    QTest::newRow("held during a re-sync")
        << quint64(3) << false << true << quint64(4) << quint64(0) << Verdict::Held << quint64(3);
    QTest::newRow("held during a re-sync, even a duplicate")
        << quint64(3) << false << true << quint64(2) << quint64(0) << Verdict::Held << quint64(3);
    QTest::newRow("fresh connection, restarted lower")
        << quint64(5) << true << false << quint64(1) << quint64(0) << Verdict::Restarted
        << quint64(5);
    QTest::newRow("fresh connection, resumes after the last")
        << quint64(5) << true << false << quint64(6) << quint64(0) << Verdict::Apply << quint64(6);
    QTest::newRow("fresh connection, repeats the last")
        << quint64(5) << true << false << quint64(5) << quint64(0) << Verdict::Duplicate
        << quint64(5);
    QTest::newRow("fresh connection, nothing applied yet")
        << quint64(0) << true << false << quint64(1) << quint64(0) << Verdict::Apply << quint64(1);
}

void TestSequencer::admit()
{
    QFETCH(quint64, last);
    QFETCH(bool, fresh);
    QFETCH(bool, resyncing);
    QFETCH(quint64, sequence);
    QFETCH(quint64, from);
    QFETCH(Verdict, verdict);
    QFETCH(quint64, lastAfter);

    Sequencer sequencer;
    sequencer.resumeAt(last, QString());
    if (fresh)
        sequencer.connectionOpened();
    if (resyncing)
        sequencer.beginResync();
    QString why;
    QCOMPARE(sequencer.admit(progressEvent(sequence, from), 100, &why), verdict);
    QCOMPARE(sequencer.lastSequence(), lastAfter);
    QCOMPARE(sequencer.duplicatesDropped(), quint64(verdict == Verdict::Duplicate ? 1 : 0));
    QCOMPARE(sequencer.heldEvents().size(), verdict == Verdict::Held ? 1 : 0);
    QCOMPARE(sequencer.isResyncing(), resyncing);
    // Gaps and restarts say what was seen, with numbers.
    if (verdict == Verdict::Gap || verdict == Verdict::Restarted) {
        QVERIFY2(why.contains(QString::number(sequence)), qPrintable(why));
        QVERIFY2(why.contains(QString::number(last)), qPrintable(why));
    }
    if (verdict == Verdict::Apply && sequence != 0) {
        // The next one in order is applied; this one again is a duplicate.
        QCOMPARE(sequencer.admit(progressEvent(sequence + 1), 100), Verdict::Apply);
        QCOMPARE(sequencer.admit(progressEvent(sequence), 100), Verdict::Duplicate);
    }
}

void TestSequencer::connected_data()
{
    QTest::addColumn<quint64>("last");
    QTest::addColumn<QString>("remembered"); // the epoch the viewer followed so far
    QTest::addColumn<QString>("epoch");
    QTest::addColumn<quint64>("serverLast");
    QTest::addColumn<quint64>("resumeAfter");
    QTest::addColumn<Start>("start");
    QTest::addColumn<quint64>("lastAfter");
    QTest::addColumn<QString>("epochAfter");

    const QString e1 = QStringLiteral("e1");
    const QString e2 = QStringLiteral("e2");
    QTest::newRow("no epoch (older publisher)")
        << quint64(5) << e1 << QString() << quint64(0) << quint64(0) << Start::Continue
        << quint64(5) << e1;
    QTest::newRow("same epoch, resumed") << quint64(5) << e1 << e1 << quint64(9) << quint64(5)
                                         << Start::Continue << quint64(5) << e1;
    QTest::newRow("same epoch, from the start")
        << quint64(5) << e1 << e1 << quint64(9) << quint64(0) << Start::Continue << quint64(5)
        << e1;
    QTest::newRow("same epoch, at the head") << quint64(9) << e1 << e1 << quint64(9) << quint64(9)
                                             << Start::Continue << quint64(9) << e1;
    QTest::newRow("first epoch seen") << quint64(5) << QString() << e1 << quint64(9) << quint64(5)
                                      << Start::Continue << quint64(5) << e1;
    QTest::newRow("new epoch") << quint64(5) << e1 << e2 << quint64(9) << quint64(5)
                               << Start::NewHistory << quint64(0) << e2;
    QTest::newRow("lastSequence below ours") << quint64(5) << e1 << e1 << quint64(3) << quint64(0)
                                             << Start::NewHistory << quint64(0) << e1;
    QTest::newRow("lastSequence below ours, first epoch seen")
        << quint64(5) << QString() << e1 << quint64(3) << quint64(0) << Start::NewHistory
        << quint64(0) << e1;
    QTest::newRow("new epoch, nothing applied")
        << quint64(0) << e1 << e2 << quint64(9) << quint64(0) << Start::Continue << quint64(0)
        << e2;
    QTest::newRow("resumes beyond what was applied")
        << quint64(5) << e1 << e1 << quint64(9) << quint64(7) << Start::Gap << quint64(5) << e1;
}

void TestSequencer::connected()
{
    QFETCH(quint64, last);
    QFETCH(QString, remembered);
    QFETCH(QString, epoch);
    QFETCH(quint64, serverLast);
    QFETCH(quint64, resumeAfter);
    QFETCH(Start, start);
    QFETCH(quint64, lastAfter);
    QFETCH(QString, epochAfter);

    Sequencer sequencer;
    sequencer.resumeAt(last, remembered);
    sequencer.connectionOpened();
    QString why;
    QCOMPARE(sequencer.connected(connectedEvent(epoch, serverLast, resumeAfter), &why), start);
    QCOMPARE(sequencer.lastSequence(), lastAfter);
    QCOMPARE(sequencer.epoch(), epochAfter);
    QCOMPARE(why.isEmpty(), start == Start::Continue);
    // A new history is followed from its start: nothing to resume after.
    if (start == Start::NewHistory)
        QCOMPARE(sequencer.resumeId(), QByteArray());
    else
        QCOMPARE(sequencer.resumeId(), last > 0 ? QByteArray::number(last) : QByteArray());
}

void TestSequencer::connectedWithEpoch_replacesFreshConnectionCheck()
{
    // Without epoch information a fresh stream that starts below what was applied is a restarted
    // publisher (re-sync). With it, `connected` has already judged the history: an event the
    // viewer has is a duplicate.
    Sequencer withoutEpoch;
    withoutEpoch.resumeAt(5, QString());
    withoutEpoch.connectionOpened();
    QCOMPARE(withoutEpoch.connected(connectedEvent(QString(), 0, 0)), Start::Continue);
    QCOMPARE(withoutEpoch.admit(progressEvent(3), 10), Verdict::Restarted);

    Sequencer withEpoch;
    withEpoch.resumeAt(5, QStringLiteral("e1"));
    withEpoch.connectionOpened();
    QCOMPARE(withEpoch.connected(connectedEvent(QStringLiteral("e1"), 9, 0)), Start::Continue);
    QCOMPARE(withEpoch.admit(progressEvent(3), 10), Verdict::Duplicate);
    QCOMPARE(withEpoch.admit(progressEvent(7, 1), 10), Verdict::Apply);
    QCOMPARE(withEpoch.lastSequence(), quint64(7));
}

void TestSequencer::newHistory_dropsHeldEvents()
{
    Sequencer sequencer;
    sequencer.resumeAt(5, QStringLiteral("e1"));
    sequencer.beginResync();
    QCOMPARE(sequencer.admit(progressEvent(9), 10), Verdict::Held);
    QCOMPARE(sequencer.connected(connectedEvent(QStringLiteral("e2"), 2, 5)), Start::NewHistory);
    QVERIFY(!sequencer.isResyncing());
    QVERIFY(sequencer.heldEvents().isEmpty());
    // The new history is applied from its first event.
    QCOMPARE(sequencer.admit(progressEvent(1), 10), Verdict::Apply);
    QCOMPARE(sequencer.admit(progressEvent(2), 10), Verdict::Apply);
    QCOMPARE(sequencer.resumeId(), QByteArrayLiteral("2"));
}

void TestSequencer::heldEvents_keepOrder_andAreBounded()
{
    Sequencer sequencer;
    sequencer.setMaxHeldBytes(250);
    sequencer.resumeAt(3, QString());
    sequencer.beginResync();
    for (quint64 sequence : {8, 6, 9})
        QCOMPARE(sequencer.admit(progressEvent(sequence), 100), Verdict::Held);
    Event unsequenced = progressEvent(0);
    QCOMPARE(sequencer.admit(unsequenced, 10), Verdict::Held);
    QCOMPARE(sequencer.heldBytes(), qsizetype(0)); // the third passed the bound: all dropped
    bool overflowed = false;
    QList<Sequencer::HeldEvent> held = sequencer.endResync(&overflowed);
    QVERIFY(overflowed); // 300 bytes > 250: the stream is to be reopened instead
    QVERIFY(held.isEmpty());
    QVERIFY(!sequencer.isResyncing());

    sequencer.beginResync();
    for (quint64 sequence : {8, 6})
        sequencer.admit(progressEvent(sequence), 100);
    sequencer.admit(unsequenced, 10);
    held = sequencer.endResync(&overflowed);
    QVERIFY(!overflowed);
    QCOMPARE(held.size(), 3);
    QCOMPARE(held.at(0).event.sequence, quint64(8));
    QCOMPARE(held.at(1).event.sequence, quint64(6));
    QCOMPARE(held.at(2).event.sequence, quint64(0));
    QCOMPARE(held.at(0).wireBytes, qsizetype(100));
    QCOMPARE(sequencer.lastSequence(), quint64(3)); // held, not applied

    // An event lost while re-syncing: what is held no longer follows on.
    sequencer.beginResync();
    sequencer.admit(progressEvent(4), 100);
    sequencer.markHeldIncomplete();
    sequencer.endResync(&overflowed);
    QVERIFY(overflowed);
}

void TestSequencer::resumeId_data()
{
    QTest::addColumn<bool>("localNumbering");
    QTest::addColumn<QByteArray>("wireId"); // the SSE id of the event with sequence 4
    QTest::addColumn<bool>("owns");
    QTest::addColumn<QByteArray>("resumeId");

    QTest::newRow("our sequences")
        << false << QByteArrayLiteral("4") << true << QByteArrayLiteral("4");
    QTest::newRow("no id (WebSocket)") << false << QByteArray() << true << QByteArrayLiteral("4");
    QTest::newRow("relay's own ids (nchan)")
        << false << QByteArrayLiteral("1700000000:0") << false << QByteArray();
    QTest::newRow("foreign dialect, local numbers")
        << true << QByteArray() << false << QByteArray();
}

void TestSequencer::resumeId()
{
    QFETCH(bool, localNumbering);
    QFETCH(QByteArray, wireId);
    QFETCH(bool, owns);
    QFETCH(QByteArray, resumeId);

    Sequencer sequencer;
    sequencer.setLocalNumbering(localNumbering);
    QCOMPARE(sequencer.resumeId(), QByteArray()); // nothing applied yet
    for (quint64 sequence = 1; sequence <= 4; ++sequence) {
        sequencer.noteWireId(sequence == 4 ? wireId : QByteArray::number(sequence), sequence);
        QCOMPARE(sequencer.admit(progressEvent(sequence), 10), Verdict::Apply);
    }
    QCOMPARE(sequencer.ownsResumeId(), owns);
    QCOMPARE(sequencer.resumeId(), resumeId);
    // A new stream forgets what the old one said about its ids.
    sequencer.restartStream();
    QCOMPARE(sequencer.ownsResumeId(), !localNumbering);
}

void TestSequencer::resumeAt_restoresPosition()
{
    Sequencer sequencer;
    sequencer.resumeAt(42, QStringLiteral("epoch-a"));
    QCOMPARE(sequencer.lastSequence(), quint64(42));
    QCOMPARE(sequencer.epoch(), QStringLiteral("epoch-a"));
    QCOMPARE(sequencer.resumeId(), QByteArrayLiteral("42"));
    QCOMPARE(sequencer.admit(progressEvent(43), 10), Verdict::Apply);
    sequencer.snapshotApplied(7); // a snapshot of a restarted publisher, lower
    QCOMPARE(sequencer.lastSequence(), quint64(7));
    sequencer.reset();
    QCOMPARE(sequencer.lastSequence(), quint64(0));
    QCOMPARE(sequencer.epoch(), QString());
    QCOMPARE(sequencer.duplicatesDropped(), quint64(0));
}

QTEST_GUILESS_MAIN(TestSequencer)
#include "tst_sequencer.moc"
