#include "core/model/sessionmodel.h"
#include "eventfeeder.h"
#include "ui/displaypacer.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace inkstream;
using namespace inkstream::ui;

namespace {

// What the display must end with: files, chat text, steps and progress of the source.
void compareShown(const core::SessionModel &display, const core::SessionModel &source)
{
    QCOMPARE(display.files().size(), source.files().size());
    for (qsizetype i = 0; i < source.files().size(); ++i) {
        QCOMPARE(display.files().at(i).name, source.files().at(i).name);
        QCOMPARE(display.files().at(i).content, source.files().at(i).content);
        QCOMPARE(display.files().at(i).state, source.files().at(i).state);
    }
    QCOMPARE(display.chat().size(), source.chat().size());
    for (qsizetype i = 0; i < source.chat().size(); ++i)
        QCOMPARE(display.chat().at(i).text, source.chat().at(i).text);
    for (int i = 0; i < core::StepCount; ++i)
        QCOMPARE(display.steps().at(i).state, source.steps().at(i).state);
    QCOMPARE(display.progress(), source.progress());
    QCOMPARE(display.state(), source.state());
}

qsizetype shownCharacters(const core::SessionModel &display)
{
    qsizetype total = 0;
    for (const core::SessionFile &file : display.files())
        total += file.content.size();
    return total;
}

// A session with files, chat and steps; code points of every UTF-8 length.
void playSession(EventFeeder &feed)
{
    feed.chat(core::ChatEvent::Type::Start, QStringLiteral("m1"));
    feed.chat(core::ChatEvent::Type::Delta, QStringLiteral("m1"), QStringLiteral("Writing ✓ "));
    feed.step(core::StepName::Planning, core::StepEvent::Status::Start);
    feed.typeFile(QStringLiteral("a.py"),
                  QStringLiteral("s = 'caf\u00e9 \U0001F600'\n").repeated(40), 7);
    feed.completeFile(QStringLiteral("a.py"),
                      QStringLiteral("s = 'caf\u00e9 \U0001F600'\n").repeated(40));
    feed.step(core::StepName::Planning, core::StepEvent::Status::Complete);
    feed.typeFile(QStringLiteral("b.rs"), QStringLiteral("fn \u6f22() {}\n").repeated(30), 50);
    feed.chat(core::ChatEvent::Type::Delta, QStringLiteral("m1"), QStringLiteral("done."));
    feed.chat(core::ChatEvent::Type::Complete, QStringLiteral("m1"));
    feed.apply(core::SessionEvent {});
}

} // namespace

class TestDisplayPacer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void instant_showsEverythingAtOnce()
    {
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(DisplaySpeed::Instant);
        EventFeeder feed(&source);
        playSession(feed);
        compareShown(display, source);
        QCOMPARE(pacer.pendingEvents(), 0);
    }

    void pacedSpeeds_typeAtTheirRate_andLoseNothing_data()
    {
        QTest::addColumn<DisplaySpeed>("speed");
        QTest::newRow("slow") << DisplaySpeed::Slow;
        QTest::newRow("normal") << DisplaySpeed::Normal;
        QTest::newRow("fast") << DisplaySpeed::Fast;
    }

    void pacedSpeeds_typeAtTheirRate_andLoseNothing()
    {
        QFETCH(DisplaySpeed, speed);
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(speed);
        // No delta shown may end inside a surrogate pair (splitting happens on code points).
        int brokenSplits = 0;
        connect(&display, &core::SessionModel::fileTextAppended, this,
                [&brokenSplits](int, const QString &delta) {
                    if (!delta.isEmpty() && delta.back().isHighSurrogate())
                        ++brokenSplits;
                });
        QElapsedTimer clock;
        clock.start();
        EventFeeder feed(&source);
        playSession(feed);
        const qsizetype total = shownCharacters(source);

        QTest::qWait(200);
        // Never faster than the rate in force (plus the bucket's burst of 0.1 s); the rate is
        // at its highest at the start, when the backlog is largest.
        const double rate = qMax(DisplayPacer::charactersPerSecond(speed),
                                 DisplayPacer::maxLagSeconds(speed) > 0
                                     ? double(total) / DisplayPacer::maxLagSeconds(speed)
                                     : 0.0);
        const qsizetype bound = qsizetype(rate * (clock.elapsed() / 1000.0 + 0.1)) + 64;
        QVERIFY2(
            shownCharacters(display) <= bound,
            qPrintable(
                QStringLiteral("%1 shown, bound %2").arg(shownCharacters(display)).arg(bound)));
        QVERIFY(shownCharacters(display) < total);
        QVERIFY(pacer.pendingCharacters() > 0);

        pacer.catchUp();
        compareShown(display, source);
        QCOMPARE(pacer.pendingEvents(), 0);
        QCOMPARE(pacer.pendingCharacters(), 0);
        QCOMPARE(brokenSplits, 0);
    }

    void normal_catchesUpWhenFarBehind_slowDoesNot()
    {
        core::SessionModel source;
        core::SessionModel normalDisplay;
        core::SessionModel slowDisplay;
        DisplayPacer normal(&source, &normalDisplay);
        DisplayPacer slow(&source, &slowDisplay);
        normal.setSpeed(DisplaySpeed::Normal);
        slow.setSpeed(DisplaySpeed::Slow);
        EventFeeder feed(&source);
        // Far more than 1.5 s of normal typing arrives at once.
        feed.typeFile(QStringLiteral("big.txt"), QStringLiteral("0123456789").repeated(2000), 100);
        QVERIFY(normal.effectiveRate() > DisplayPacer::charactersPerSecond(DisplaySpeed::Normal));
        QCOMPARE(slow.effectiveRate(), DisplayPacer::charactersPerSecond(DisplaySpeed::Slow));
        // Catching up is gradual, but at 250 chars/s 20,000 characters would take 80 s.
        QTRY_COMPARE_WITH_TIMEOUT(normal.pendingCharacters(), 0, 15000);
        compareShown(normalDisplay, source);
        QVERIFY(slow.pendingCharacters() > 0);
    }

    // "Never further behind live than 1.5 s": a backlog is shown in about that, not at a rate
    // that falls with what is left (the display then crept on for 1.5 s × ln(backlog / 375):
    // 6.6 s for this one, 17 s for a 50 MB late join).
    void normal_showsABacklogWithinItsLag()
    {
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(DisplaySpeed::Normal);
        EventFeeder feed(&source);
        QElapsedTimer clock;
        clock.start();
        feed.typeFile(QStringLiteral("big.txt"), QStringLiteral("0123456789").repeated(3000), 1000);
        QTRY_COMPARE_WITH_TIMEOUT(pacer.pendingCharacters(), 0, 15000);
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QStringLiteral("%1 ms").arg(clock.elapsed())));
        compareShown(display, source);
    }

    // A native publisher says where each delta starts (offset); a delta the display shows in
    // parts must go on from where its part ended, or the display skips the rest as text it has
    // and then takes every later delta for a gap (it stopped typing until `complete`).
    void deltasWithOffsets_typeOnInParts_andLoseNothing()
    {
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(DisplaySpeed::Normal);
        QSignalSpy displayErrors(&display, &core::SessionModel::errorReported);
        QSignalSpy textResets(&display, &core::SessionModel::fileTextReset);
        EventFeeder feed(&source);
        const QString text = QStringLiteral("x = 'caf\u00e9 \U0001F600'\n").repeated(60);
        feed.startFile(QStringLiteral("a.py"));
        core::ChatEvent chat;
        chat.type = core::ChatEvent::Type::Start;
        chat.messageId = QStringLiteral("m1");
        chat.delta = QStringLiteral("Narrating ").repeated(40);
        chat.offset = 0;
        feed.apply(chat);
        for (qsizetype offset = 0; offset < text.size();) {
            core::CodeEvent delta;
            delta.type = core::CodeEvent::Type::Delta;
            delta.fileName = QStringLiteral("a.py");
            const qsizetype length = qMin<qsizetype>(150, text.size() - offset);
            delta.delta = text.mid(offset, length);
            delta.offset = offset;
            delta.position = core::advancePosition({}, QStringView(text).left(offset));
            delta.hasPosition = true;
            feed.apply(delta);
            offset += length;
        }
        QCOMPARE(source.files().at(0).content, text);
        // Typed on in parts: text shows before the backlog is gone.
        QTRY_VERIFY_WITH_TIMEOUT(display.files().size() == 1
                                     && display.files().at(0).content.size() > 300
                                     && pacer.pendingCharacters() > 0,
                                 10000);
        QTRY_COMPARE_WITH_TIMEOUT(pacer.pendingCharacters(), 0, 20000);
        compareShown(display, source);
        QCOMPARE(displayErrors.size(), 0);
        QCOMPARE(textResets.size(), 0);
        QCOMPARE(display.repeatedCharacters(), quint64(0));
    }

    void fastShowsMoreThanSlow_inTheSameTime()
    {
        core::SessionModel source;
        core::SessionModel slowDisplay;
        core::SessionModel fastDisplay;
        DisplayPacer slow(&source, &slowDisplay);
        DisplayPacer fast(&source, &fastDisplay);
        slow.setSpeed(DisplaySpeed::Slow);
        fast.setSpeed(DisplaySpeed::Fast);
        EventFeeder feed(&source);
        playSession(feed);
        QTRY_VERIFY(shownCharacters(fastDisplay) > 2 * shownCharacters(slowDisplay)
                    && shownCharacters(slowDisplay) > 0);
        QTRY_COMPARE_WITH_TIMEOUT(fast.pendingEvents(), 0, 20000);
        compareShown(fastDisplay, source);
    }

    void pause_holdsTheDisplay_andResumeLosesNothing()
    {
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(DisplaySpeed::Fast);
        QSignalSpy paused(&pacer, &DisplayPacer::pausedChanged);
        pacer.setPaused(true);
        QCOMPARE(paused.count(), 1);
        EventFeeder feed(&source);
        playSession(feed);
        QTest::qWait(100);
        QCOMPARE(display.files().size(), 0); // nothing shown while paused
        QCOMPARE(display.chat().size(), 0);
        QVERIFY(pacer.pendingEvents() > 0);

        pacer.setPaused(false);
        QTRY_COMPARE_WITH_TIMEOUT(pacer.pendingEvents(), 0, 20000);
        compareShown(display, source);
    }

    void pausedInstant_showsNothingUntilResumed()
    {
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(DisplaySpeed::Instant);
        pacer.setPaused(true);
        EventFeeder feed(&source);
        playSession(feed);
        QCOMPARE(display.files().size(), 0);
        pacer.setPaused(false);
        compareShown(display, source);
    }

    void snapshot_replacesTheQueue()
    {
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(DisplaySpeed::Slow);
        EventFeeder feed(&source);
        playSession(feed);
        QVERIFY(pacer.pendingEvents() > 0);
        QVERIFY(source.loadSnapshot(source.toSnapshot()));
        QCOMPARE(pacer.pendingEvents(), 0);
        compareShown(display, source);
    }

    void rejectedFile_dropsItsQueuedAndLaterText()
    {
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(DisplaySpeed::Instant);
        EventFeeder feed(&source);
        feed.typeFile(QStringLiteral("x.sh"), QStringLiteral("rm -rf "));
        pacer.setPaused(true);
        feed.appendToFile(QStringLiteral("x.sh"), QStringLiteral("/tmp/cache\n"));
        pacer.rejectFile(QStringLiteral("x.sh"));
        feed.appendToFile(QStringLiteral("x.sh"), QStringLiteral("echo gone\n"));
        feed.completeFile(QStringLiteral("x.sh"), QStringLiteral("rm -rf /tmp/cache\necho gone\n"));
        pacer.setPaused(false);
        QCOMPARE(display.files().at(0).content, QStringLiteral("rm -rf "));
        QCOMPARE(display.files().at(0).state, core::FileState::Error);
        QVERIFY(pacer.isRejected(QStringLiteral("x.sh")));
        // A new stream of the same file is shown again.
        feed.typeFile(QStringLiteral("x.sh"), QStringLiteral("echo safe\n"));
        QVERIFY(!pacer.isRejected(QStringLiteral("x.sh")));
        QCOMPARE(display.files().at(0).content, QStringLiteral("echo safe\n"));
    }

    // Once a file is shown complete, the display holds its text in the source's storage: a big
    // session's text is held once, not twice.
    void aFileShownComplete_sharesTheSourcesText()
    {
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(DisplaySpeed::Fast);
        EventFeeder feed(&source);
        playSession(feed);
        QTRY_COMPARE_WITH_TIMEOUT(pacer.pendingEvents(), 0, 10000);
        compareShown(display, source);
        QCOMPARE(display.files().at(0).content.constData(),
                 source.files().at(0).content.constData()); // a.py completed
        QVERIFY(display.files().at(1).content.constData()
                != source.files().at(1).content.constData()); // b.rs is still being written
    }

    // Behind (a catch-up), what arrives is shown by the frame timer, a frame's worth at a time,
    // not a sliver on every arriving event (the allowance of the microseconds since the last):
    // each piece is an insertion the editor lays out and shapes.
    void behind_showsAFramesWorthAtATime()
    {
        core::SessionModel source;
        core::SessionModel display;
        DisplayPacer pacer(&source, &display);
        pacer.setSpeed(DisplaySpeed::Fast);
        EventFeeder feed(&source);
        feed.startFile(QStringLiteral("a.py"));
        QSignalSpy pieces(&display, &core::SessionModel::fileTextAppended);
        QElapsedTimer elapsed;
        elapsed.start();
        const QString delta = QStringLiteral("x = 1\n");
        for (int i = 0; i < 2000; ++i) {
            feed.appendToFile(QStringLiteral("a.py"), delta);
            if (i % 100 == 99)
                QCoreApplication::processEvents(); // the network's reads come in turns
        }
        QTRY_COMPARE_WITH_TIMEOUT(pacer.pendingEvents(), 0, 20000);
        compareShown(display, source);
        const qint64 frames = elapsed.elapsed() / 16 + 1;
        // At most one piece per event, and one more per frame for the event cut where a frame's
        // allowance ended (on every arriving event: 3,483 pieces for these 2,000 events).
        QVERIFY2(
            pieces.count() <= 2000 + frames,
            qPrintable(QStringLiteral("%1 pieces in %2 frames").arg(pieces.count()).arg(frames)));
    }

    void speedNames_roundTrip()
    {
        for (DisplaySpeed speed :
             {DisplaySpeed::Slow, DisplaySpeed::Normal, DisplaySpeed::Fast, DisplaySpeed::Instant})
            QCOMPARE(
                DisplayPacer::speedFromName(DisplayPacer::speedName(speed), DisplaySpeed::Slow),
                speed);
        QCOMPARE(DisplayPacer::speedFromName(QStringLiteral("warp"), DisplaySpeed::Normal),
                 DisplaySpeed::Normal);
    }
};

QTEST_MAIN(TestDisplayPacer)
#include "tst_displaypacer.moc"
