#include "core/model/replaycontroller.h"
#include "core/model/sessionmodel.h"
#include "samplesession.h"
#include "tests/support/recordingfile.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace inkstream::core;

// The GUI's replay: recorded timing scaled by the speed, pause, instant, and seeks (by event,
// time and file start, forwards and backwards) that leave the model exactly as playing up to
// that point would have.
class TestReplayController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void play_reachesTheRecordedFinalState();
    void play_neverFasterThanTheSpeedAllows();
    void pause_stopsTheClock_playGoesOn();
    void instant_appliesTheRestAtOnce();
    void seek_backwardsAcrossAFileStart_equalsPlayingThere();
    void fileStarts_stepPreviousAndNext();
    void seekToTime_landsOnTheFirstEventAtOrAfter();
    void playAtTheEnd_startsAgain();
    void analytics_measureTheWholeRecording();
    void playingWhileIndexing_endsWithTheWholeRecording();
};

namespace {

constexpr int kFiles = 3;
constexpr int kDeltas = 40;
constexpr qint64 kStepMs = 10;
constexpr qint64 kFirstMs = 250;

// sampleSession's events recorded one every 10 ms, the first 250 ms after the start.
Recording makeRecording()
{
    Recording recording;
    recording.version = 1;
    recording.startedAt = QDateTime(QDate(2026, 11, 20), QTime(9, 30), Qt::UTC);
    qint64 at = kFirstMs;
    for (const Event &event : sampleSession(kFiles, kDeltas)) {
        recording.events.append(RecordedEvent {at, event});
        at += kStepMs;
    }
    return recording;
}

// The recording written to a file and opened, its index complete.
bool openIndexed(ReplayController *replay, const Recording &recording)
{
    static QTemporaryDir dir;
    static int files = 0;
    const QString path = dir.filePath(QStringLiteral("%1.inkrec").arg(++files));
    QString error;
    if (!writeRecordingFile(path, recordingFileBytes(recording.events, recording.startedAt))
        || !replay->open(path, &error)) {
        qWarning("cannot open %s: %s", qPrintable(path), qPrintable(error));
        return false;
    }
    replay->index().waitForComplete();
    return replay->isIndexed() && replay->size() == recording.events.size();
}

// Applied one by one, stamped with the recorded times.
QJsonObject stateAfter(const Recording &recording, qsizetype count)
{
    SessionModel model;
    for (qsizetype i = 0; i < count; ++i) {
        model.setMessageTime(recording.startedAt.addMSecs(recording.events.at(i).atMs));
        model.apply(recording.events.at(i).event);
    }
    return model.toSnapshot();
}

} // namespace

void TestReplayController::play_reachesTheRecordedFinalState()
{
    const Recording recording = makeRecording();
    SessionModel model;
    ReplayController replay(&model);
    QVERIFY(openIndexed(&replay, recording));
    QCOMPARE(replay.size(), recording.events.size());
    QSignalSpy finished(&replay, &ReplayController::finished);
    replay.setSpeed(8);
    replay.play();
    QVERIFY(replay.isPlaying());
    QVERIFY(finished.wait(10000));
    QVERIFY(!replay.isPlaying());
    QCOMPARE(replay.position(), replay.size());
    QCOMPARE(replay.timeMs(), replay.durationMs());
    QCOMPARE(model.toSnapshot(), stateAfter(recording, recording.events.size()));
    QCOMPARE(model.state(), SessionState::Complete);
    // Chat shows when it was said, not when it was replayed.
    QCOMPARE(model.chat().at(0).timestamp, recording.startedAt.addMSecs(kFirstMs));
}

void TestReplayController::play_neverFasterThanTheSpeedAllows()
{
    const Recording recording = makeRecording();
    SessionModel model;
    ReplayController replay(&model);
    QVERIFY(openIndexed(&replay, recording));
    QSignalSpy finished(&replay, &ReplayController::finished);
    replay.setSpeed(4);
    QElapsedTimer wall;
    wall.start();
    replay.play();
    QVERIFY(finished.wait(10000));
    // The last event is recorded at durationMs; at 4x it cannot fall due before a quarter of it.
    QVERIFY2(
        wall.elapsed() >= replay.durationMs() / 4,
        qPrintable(
            QStringLiteral("%1 ms for %2 ms at 4x").arg(wall.elapsed()).arg(replay.durationMs())));
}

void TestReplayController::pause_stopsTheClock_playGoesOn()
{
    const Recording recording = makeRecording();
    SessionModel model;
    ReplayController replay(&model);
    QVERIFY(openIndexed(&replay, recording));
    replay.play();
    QTRY_VERIFY_WITH_TIMEOUT(replay.position() >= 10, 5000);
    replay.pause();
    const qsizetype paused = replay.position();
    const qint64 pausedAt = replay.timeMs();
    QVERIFY(paused < replay.size());
    QTest::qWait(150); // 15 recorded events' worth at 1x: none may arrive while paused
    QCOMPARE(replay.position(), paused);
    QCOMPARE(replay.timeMs(), pausedAt);
    QCOMPARE(model.toSnapshot(), stateAfter(recording, paused));

    QSignalSpy finished(&replay, &ReplayController::finished);
    replay.setSpeed(20);
    replay.play();
    QVERIFY(finished.wait(10000));
    QCOMPARE(model.toSnapshot(), stateAfter(recording, recording.events.size()));
}

void TestReplayController::instant_appliesTheRestAtOnce()
{
    const Recording recording = makeRecording();
    SessionModel model;
    ReplayController replay(&model);
    QVERIFY(openIndexed(&replay, recording));
    QSignalSpy finished(&replay, &ReplayController::finished);
    QSignalSpy speed(&replay, &ReplayController::speedChanged);
    replay.play();
    replay.setSpeed(ReplayClock::kInstant); // while playing: within this call
    QCOMPARE(finished.size(), 1);
    QCOMPARE(speed.size(), 1);
    QCOMPARE(replay.position(), replay.size());
    QCOMPARE(model.toSnapshot(), stateAfter(recording, recording.events.size()));
}

void TestReplayController::seek_backwardsAcrossAFileStart_equalsPlayingThere()
{
    const Recording recording = makeRecording();
    SessionModel model;
    ReplayController replay(&model);
    QVERIFY(openIndexed(&replay, recording));
    const QList<qsizetype> starts = replay.timeline().fileStarts();
    QCOMPARE(starts.size(), kFiles);
    QSignalSpy moved(&replay, &ReplayController::positionChanged);

    // Into the third file, then back into the first one: across two file starts.
    QVERIFY(replay.seek(starts.at(2) + 12));
    QCOMPARE(model.toSnapshot(), stateAfter(recording, starts.at(2) + 12));
    QCOMPARE(model.files().size(), 3);
    QVERIFY(replay.seek(starts.at(0) + 5));
    QCOMPARE(model.toSnapshot(), stateAfter(recording, starts.at(0) + 5));
    QCOMPARE(model.files().size(), 1);
    QCOMPARE(moved.size(), 2);
    QCOMPARE(moved.last().at(0).value<qsizetype>(), starts.at(0) + 5);
    // Just before a file's start, and the ends.
    QVERIFY(replay.seek(starts.at(1)));
    QCOMPARE(model.files().size(), 1);
    QVERIFY(replay.seek(0));
    QCOMPARE(model.files().size(), 0);
    QVERIFY(replay.seek(replay.size() + 50));
    QCOMPARE(replay.position(), replay.size());

    // Playing on after a backwards seek goes on from there.
    QVERIFY(replay.seek(starts.at(1) + 3));
    QSignalSpy finished(&replay, &ReplayController::finished);
    replay.setSpeed(20);
    replay.play();
    QVERIFY(finished.wait(10000));
    QCOMPARE(model.toSnapshot(), stateAfter(recording, recording.events.size()));
}

void TestReplayController::fileStarts_stepPreviousAndNext()
{
    const Recording recording = makeRecording();
    SessionModel model;
    ReplayController replay(&model);
    QVERIFY(openIndexed(&replay, recording));
    const QList<qsizetype> starts = replay.timeline().fileStarts();
    QVERIFY(replay.seekToNextFileStart());
    QCOMPARE(replay.position(), starts.at(0));
    QVERIFY(replay.seekToNextFileStart());
    QCOMPARE(replay.position(), starts.at(1));
    QVERIFY(replay.seek(starts.at(2) + 7));
    QVERIFY(replay.seekToPreviousFileStart());
    QCOMPARE(replay.position(), starts.at(2));
    QVERIFY(replay.seekToPreviousFileStart());
    QCOMPARE(replay.position(), starts.at(1));
    QCOMPARE(model.toSnapshot(), stateAfter(recording, starts.at(1)));
}

void TestReplayController::seekToTime_landsOnTheFirstEventAtOrAfter()
{
    const Recording recording = makeRecording();
    SessionModel model;
    ReplayController replay(&model);
    QVERIFY(openIndexed(&replay, recording));
    QVERIFY(replay.seekToTime(455)); // 250 ms + 10 ms each: the one at 460 ms is index 21
    QCOMPARE(replay.position(), 21);
    QCOMPARE(replay.timeMs(), 450); // the time of the last event applied
}

void TestReplayController::playAtTheEnd_startsAgain()
{
    const Recording recording = makeRecording();
    SessionModel model;
    ReplayController replay(&model);
    QVERIFY(openIndexed(&replay, recording));
    QVERIFY(replay.seek(replay.size()));
    replay.play();
    QVERIFY(replay.isPlaying());
    QVERIFY(replay.position() < 5);
    replay.pause();
}

void TestReplayController::analytics_measureTheWholeRecording()
{
    const Recording recording = makeRecording();
    SessionModel model;
    ReplayController replay(&model);
    QVERIFY(openIndexed(&replay, recording));
    const SessionAnalytics &analytics = replay.analytics();
    QCOMPARE(analytics.events(), recording.events.size());
    QCOMPARE(*analytics.timeToFirstEventMs(), kFirstMs);
    // After the chat's start and delta and the first file's start.
    QCOMPARE(*analytics.timeToFirstCodeMs(), kFirstMs + 3 * kStepMs);
    QCOMPARE(analytics.durationMs(), replay.durationMs() - kFirstMs); // first to last event
    // Every delta is "x<digit>é\n": four code points.
    QCOMPARE(analytics.codeChars(), kFiles * kDeltas * 4);
    QCOMPARE(analytics.tokens(), kFiles * kDeltas + 1);
}

void TestReplayController::playingWhileIndexing_endsWithTheWholeRecording()
{
    // Playing starts before the index has read the file (as `inkstream replay` does): the
    // clock waits at the end of what is known instead of finishing there, the size grows, and
    // the replay ends once, with the state of the whole recording.
    Recording recording;
    recording.startedAt = QDateTime(QDate(2026, 12, 7), QTime(6, 0), Qt::UTC);
    for (const Event &event : sampleSession(120, 400))
        recording.events.append(RecordedEvent {qint64(recording.events.size()) / 100, event});
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("long.inkrec"));
    QVERIFY(writeRecordingFile(path, recordingFileBytes(recording.events, recording.startedAt)));
    SessionModel model;
    ReplayController replay(&model);
    QSignalSpy finished(&replay, &ReplayController::finished);
    QSignalSpy grew(&replay, &ReplayController::sizeChanged);
    QString error;
    QVERIFY2(replay.open(path, &error, 64 * 1024), qPrintable(error));
    replay.setSpeed(ReplayClock::kInstant);
    replay.play();
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.size(), 1);
    QVERIFY(replay.isIndexed());
    QVERIFY(!grew.isEmpty());
    QCOMPARE(replay.size(), recording.events.size());
    QCOMPARE(replay.position(), replay.size());
    QCOMPARE(model.toSnapshot(), stateAfter(recording, recording.events.size()));
}

QTEST_GUILESS_MAIN(TestReplayController)
#include "tst_replaycontroller.moc"
