#include "core/model/logrecord.h"
#include "core/model/recordingindex.h"
#include "core/model/recordingreader.h"
#include "core/model/replaytimeline.h"
#include "core/model/sessionmodel.h"
#include "tests/sanitizers.h"
#include "tests/support/recordingfile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <map>
#include <random>

using namespace inkstream::core;

// A recording replayed from disk through its index (issue 21): seeking to any position gives
// exactly the state that playing from the start to there gives — whatever the checkpoint
// interval, across files written again, contents corrected by `complete`, a snapshot in the
// middle, chat and a session log's other records — and a cut-off or damaged recording replays
// what it holds, as the whole-file reader does.
class TestReplayIndex final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seek_equalsPlayingFromTheStart_data();
    void seek_equalsPlayingFromTheStart();
    void playOn_afterSeeks_equalsPlayingFromTheStart();
    void index_agreesWithTheWholeFileReader_data();
    void index_agreesWithTheWholeFileReader();
    void cutOffAnywhere_replaysTheCompleteEvents();
    void damagedLine_isSkipped_seeksStillExact();
    void sessionLogRecords_areNotEvents();
    void notARecording_isRefused();
    void checkpointFile_leavesNothingBehind();

private:
    QTemporaryDir m_dir;
};

namespace {

const QDateTime kStartedAt(QDate(2026, 12, 1), QTime(8, 0), Qt::UTC);

Event event(quint64 sequence, EventPayload payload)
{
    return Event {sequence, QStringLiteral("gen"), std::move(payload)};
}

// A session with everything a replay must rebuild: files typed in small deltas, interleaved,
// some written again (their text starts over) or corrected by a `complete` with other content,
// one failing; chat streaming beside them; steps, progress; a snapshot in the middle (a viewer
// that re-synced) and the session's end. Times grow by 0–20 ms, sometimes not at all.
QList<RecordedEvent> generatedSession(int events, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<RecordedEvent> recorded;
    quint64 sequence = 0;
    qint64 at = 0;
    const auto add = [&](EventPayload payload) {
        at += random.bounded(0, 21);
        recorded.append(RecordedEvent {at, event(++sequence, std::move(payload))});
    };
    QStringList open; // files being written
    int nextFile = 0;
    int nextMessage = 0;
    QString chatOpen;
    const QStringList pieces = {QStringLiteral("def f():\n"),
                                QStringLiteral("    return 1\n"),
                                QStringLiteral("x = \"é✍️\"\n"),
                                QStringLiteral("# 𝄞 note\n"),
                                QStringLiteral("y"),
                                QStringLiteral(" + 2"),
                                QStringLiteral("\n")};
    add(StepEvent(StepName::Planning, StepEvent::Status::Start, QStringLiteral("Planning")));
    while (recorded.size() < events) {
        const int roll = int(random.bounded(100));
        if (roll < 3 || open.isEmpty()) { // a file starts: a new one, or one written again
            const bool again = nextFile > 0 && random.bounded(3) == 0;
            const QString name
                = QStringLiteral("src/f%1.py").arg(again ? random.bounded(nextFile) : nextFile++);
            if (open.contains(name))
                continue;
            CodeEvent start;
            start.type = CodeEvent::Type::Start;
            start.fileName = name;
            add(start);
            open.append(name);
        } else if (roll < 70) {
            CodeEvent delta;
            delta.type = CodeEvent::Type::Delta;
            delta.fileName = open.at(random.bounded(int(open.size())));
            delta.delta = pieces.at(random.bounded(int(pieces.size())));
            add(delta);
        } else if (roll < 74) {
            CodeEvent end;
            end.fileName = open.takeAt(random.bounded(int(open.size())));
            end.type = CodeEvent::Type::Complete;
            if (random.bounded(4) == 0) { // authoritative content that differs from the deltas
                end.hasFullContent = true;
                end.fullContent = QStringLiteral("corrected %1\n").arg(sequence);
            } else if (random.bounded(8) == 0) {
                end.type = CodeEvent::Type::Error;
                end.error = QStringLiteral("stopped at %1").arg(sequence);
            }
            add(end);
        } else if (roll < 90) {
            if (chatOpen.isEmpty()) {
                chatOpen = QStringLiteral("m%1").arg(nextMessage++);
                add(ChatEvent {ChatEvent::Type::Start, chatOpen, ChatRole::Assistant, {}});
            } else if (random.bounded(10) == 0) {
                add(ChatEvent {ChatEvent::Type::Complete, chatOpen, ChatRole::Assistant, {}});
                chatOpen.clear();
            } else {
                add(ChatEvent {ChatEvent::Type::Delta, chatOpen, ChatRole::Assistant,
                               QStringLiteral("word%1 ").arg(sequence)});
            }
        } else if (roll < 96) {
            add(ProgressEvent {int(random.bounded(101)), QStringLiteral("step %1").arg(sequence)});
        } else if (roll < 99) {
            add(StepEvent(StepName(random.bounded(StepCount)), StepEvent::Status::Start,
                          QStringLiteral("detail %1").arg(sequence)));
        } else if (recorded.size() > events / 2 && random.bounded(4) == 0) {
            // A re-sync: the state as it is, with one file shorter than the deltas made it.
            SessionModel model;
            for (const RecordedEvent &earlier : std::as_const(recorded)) {
                model.setMessageTime(kStartedAt.addMSecs(earlier.atMs));
                model.apply(earlier.event);
            }
            QJsonObject state = model.toSnapshot();
            QJsonArray files = state.value(QStringLiteral("files")).toArray();
            if (!files.isEmpty()) {
                QJsonObject first = files.at(0).toObject();
                first.insert(QStringLiteral("content"), QStringLiteral("from the snapshot\n"));
                files.replace(0, first);
                state.insert(QStringLiteral("files"), files);
            }
            add(SnapshotEvent {state});
        }
    }
    add(SessionEvent {});
    return recorded;
}

// The state after the first `count` events, applied one by one as a replay stamps them.
QJsonObject playedTo(const QList<RecordedEvent> &events, qsizetype count)
{
    SessionModel model;
    for (qsizetype i = 0; i < count; ++i) {
        model.setMessageTime(kStartedAt.addMSecs(events.at(i).atMs));
        model.apply(events.at(i).event);
    }
    return model.toSnapshot();
}

// The states after each of `positions` events (ascending), from one linear play.
std::map<qsizetype, QJsonObject> playedToEach(const QList<RecordedEvent> &events,
                                              QList<qsizetype> positions)
{
    std::sort(positions.begin(), positions.end());
    std::map<qsizetype, QJsonObject> states;
    SessionModel model;
    qsizetype applied = 0;
    for (const qsizetype position : std::as_const(positions)) {
        for (; applied < position; ++applied) {
            model.setMessageTime(kStartedAt.addMSecs(events.at(applied).atMs));
            model.apply(events.at(applied).event);
        }
        states[position] = model.toSnapshot();
    }
    return states;
}

struct Opened
{
    RecordingIndex index;
    std::unique_ptr<ReplayTimeline> timeline;
};

bool openIndexed(const QString &path, qint64 checkpointBytes, Opened *opened)
{
    QString error;
    if (!opened->index.open(path, &error, checkpointBytes)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    opened->index.waitForComplete();
    opened->timeline = std::make_unique<ReplayTimeline>(&opened->index);
    if (!opened->timeline->open(&error)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    return opened->index.isComplete();
}

} // namespace

void TestReplayIndex::seek_equalsPlayingFromTheStart_data()
{
    QTest::addColumn<qint64>("checkpointBytes");
    QTest::newRow("a checkpoint after every line") << qint64(1);
    QTest::newRow("every 3 KiB") << qint64(3 * 1024);
    QTest::newRow("every 40 KiB") << qint64(40 * 1024);
    QTest::newRow("the default (2 MiB: only the one at the start here)")
        << RecordingIndex::kDefaultCheckpointBytes;
}

void TestReplayIndex::seek_equalsPlayingFromTheStart()
{
    QFETCH(qint64, checkpointBytes);
    // Under ASan a shorter session (4,000 events took 57 s there, 6 s in the build users run):
    // still several checkpoints at 3 and 40 KiB.
    const QList<RecordedEvent> events = generatedSession(kAddressSanitizer ? 1500 : 4000, 21);
    const QString path = m_dir.filePath(QStringLiteral("session.inkrec"));
    QVERIFY(writeRecordingFile(path, recordingFileBytes(events, kStartedAt)));
    Opened opened;
    QVERIFY(openIndexed(path, checkpointBytes, &opened));
    QCOMPARE(opened.index.size(), events.size());
    // Seeks between checkpoints, not only from the start (1,500 events: 66 at 3 KiB, 6 at 40).
    if (checkpointBytes < RecordingIndex::kDefaultCheckpointBytes)
        QVERIFY(opened.index.checkpoints().size() >= 5);
    QVERIFY2(opened.index.header().warnings.isEmpty(),
             qPrintable(opened.index.header().warnings.join(u'\n')));

    // Random positions, every checkpoint and its neighbours, and both ends; sought in a random
    // order (backwards and forwards), each compared with the state a linear play reaches.
    QRandomGenerator random(7);
    QList<qsizetype> positions {0, 1, events.size() - 1, events.size()};
    for (int i = 0; i < 150; ++i)
        positions.append(qsizetype(random.bounded(int(events.size() + 1))));
    for (const ReplayCheckpoint &checkpoint : opened.index.checkpoints()) {
        if (positions.size() > 600)
            break;
        for (qsizetype near :
             {checkpoint.position - 1, checkpoint.position, checkpoint.position + 1})
            positions.append(std::clamp<qsizetype>(near, 0, events.size()));
    }
    const std::map<qsizetype, QJsonObject> expected = playedToEach(events, positions);
    std::shuffle(positions.begin(), positions.end(), std::mt19937(11));
    SessionModel model;
    for (const qsizetype position : std::as_const(positions)) {
        QString error;
        QVERIFY2(opened.timeline->seek(position, &model, &error), qPrintable(error));
        if (model.toSnapshot() != expected.at(position))
            QFAIL(qPrintable(QStringLiteral("seek(%1) differs from playing to %1").arg(position)));
    }
}

void TestReplayIndex::playOn_afterSeeks_equalsPlayingFromTheStart()
{
    const QList<RecordedEvent> events = generatedSession(3000, 5);
    const QString path = m_dir.filePath(QStringLiteral("play.inkrec"));
    QVERIFY(writeRecordingFile(path, recordingFileBytes(events, kStartedAt)));
    Opened opened;
    QVERIFY(openIndexed(path, 2048, &opened));
    // Seek, play on a little, seek elsewhere (the cursor moves), play on again...
    QRandomGenerator random(3);
    SessionModel model;
    SessionModel elsewhere; // seeks of another model move the shared cursor too
    for (int round = 0; round < 40; ++round) {
        const qsizetype from = qsizetype(random.bounded(int(events.size())));
        const qsizetype to = std::min<qsizetype>(events.size(), from + random.bounded(1, 400));
        QVERIFY(opened.timeline->seek(from, &model));
        if (round % 3 == 0)
            QVERIFY(
                opened.timeline->seek(qsizetype(random.bounded(int(events.size()))), &elsewhere));
        QVERIFY(opened.timeline->playOn(from, to, &model));
        if (model.toSnapshot() != playedTo(events, to))
            QFAIL(qPrintable(QStringLiteral("seek(%1) + playOn to %2 differs").arg(from).arg(to)));
    }
}

void TestReplayIndex::index_agreesWithTheWholeFileReader_data()
{
    QTest::addColumn<QByteArray>("bytes");
    const QByteArray whole = recordingFileBytes(generatedSession(600, 9), kStartedAt);
    const qsizetype middle = whole.indexOf('\n', whole.size() / 2) + 1;
    QTest::newRow("whole") << whole;
    QTest::newRow("cut off in a line") << whole.left(whole.size() - 17);
    QTest::newRow("cut off after a line") << whole.left(middle);
    QByteArray damaged = whole;
    damaged[middle + 30] = damaged[middle + 30] == 'a' ? 'b' : 'a';
    QTest::newRow("a damaged line") << damaged;
    QTest::newRow("a garbage tail") << whole + "\x01\x02garbage";
    QTest::newRow("a garbage line at the end") << whole + "{\"c\":\"00000000\",\"t\":1}\n";
    QTest::newRow("an empty line") << whole.left(middle) + '\n' + whole.mid(middle);
}

void TestReplayIndex::index_agreesWithTheWholeFileReader()
{
    QFETCH(QByteArray, bytes);
    const QString path = m_dir.filePath(QStringLiteral("agree.inkrec"));
    QVERIFY(writeRecordingFile(path, bytes));
    Recording whole;
    QString error;
    QVERIFY2(RecordingReader::read(path, &whole, &error), qPrintable(error));
    Opened opened;
    QVERIFY(openIndexed(path, 4096, &opened));
    QCOMPARE(opened.index.header().warnings, whole.warnings);
    QList<qint64> times;
    for (const RecordedEvent &recorded : std::as_const(whole.events))
        times.append(recorded.atMs);
    QCOMPARE(opened.index.times(), times);
    SessionModel model;
    for (const qsizetype position :
         {qsizetype(0), whole.events.size() / 3, whole.events.size() - 1, whole.events.size()}) {
        QVERIFY(opened.timeline->seek(position, &model));
        QCOMPARE(model.toSnapshot(), playedTo(whole.events, position));
    }
}

void TestReplayIndex::cutOffAnywhere_replaysTheCompleteEvents()
{
    // A recording killed mid-write: cut at many places, in lines and between them.
    const QList<RecordedEvent> events = generatedSession(500, 13);
    const QByteArray whole = recordingFileBytes(events, kStartedAt);
    const qsizetype headerBytes = whole.indexOf('\n') + 1;
    QRandomGenerator random(17);
    for (int round = 0; round < 12; ++round) {
        const qsizetype cut = headerBytes + random.bounded(int(whole.size() - headerBytes));
        const QByteArray bytes = whole.left(cut);
        const qsizetype complete = bytes.count('\n') - 1; // every complete line is an event
        const QString path = m_dir.filePath(QStringLiteral("cut%1.inkrec").arg(round));
        QVERIFY(writeRecordingFile(path, bytes));
        Opened opened;
        QVERIFY(openIndexed(path, 1024, &opened));
        QCOMPARE(opened.index.size(), complete);
        if (!bytes.endsWith('\n')) {
            QCOMPARE(opened.index.header().warnings.size(), 1);
            QVERIFY(opened.index.header().warnings.first().contains(u"cut off"));
        }
        SessionModel model;
        QVERIFY(opened.timeline->seek(complete, &model));
        QCOMPARE(model.toSnapshot(), playedTo(events, complete));
        // Asking for more than there is stops at the end.
        QVERIFY(opened.timeline->seek(complete + 10, &model));
        QCOMPARE(model.toSnapshot(), playedTo(events, complete));
    }
}

void TestReplayIndex::damagedLine_isSkipped_seeksStillExact()
{
    QList<RecordedEvent> events = generatedSession(800, 29);
    QByteArray bytes = recordingFileBytes(events, kStartedAt);
    // Damage the line of event 400 (line 402: the header is line 1).
    qsizetype start = 0;
    for (int line = 1; line < 402; ++line)
        start = bytes.indexOf('\n', start) + 1;
    bytes[start + 25] = bytes[start + 25] == '1' ? '2' : '1';
    // Skipped, the rest is kept: the expected session is the events without it.
    events.removeAt(400);
    const QString path = m_dir.filePath(QStringLiteral("damaged.inkrec"));
    QVERIFY(writeRecordingFile(path, bytes));
    Opened opened;
    QVERIFY(openIndexed(path, 2048, &opened));
    QCOMPARE(opened.index.header().warnings,
             QStringList {QStringLiteral("line 402 skipped: damaged (its checksum does not "
                                         "match)")});
    QCOMPARE(opened.index.size(), events.size());
    SessionModel model;
    for (const qsizetype position : {qsizetype(399), qsizetype(400), qsizetype(401), qsizetype(650),
                                     events.size(), qsizetype(10)}) {
        QVERIFY(opened.timeline->seek(position, &model));
        QCOMPARE(model.toSnapshot(), playedTo(events, position));
    }
}

void TestReplayIndex::sessionLogRecords_areNotEvents()
{
    // A session log (serve --data-dir) holds other records beside the events.
    const QList<RecordedEvent> events = generatedSession(300, 31);
    QByteArray bytes = recordingFileBytes(events.mid(0, 150), kStartedAt);
    LogRecord::append(&bytes, events.at(149).atMs, "accept",
                      R"({"fileName":"a.py","content":"x"})");
    for (const RecordedEvent &recorded : events.mid(150))
        LogRecord::append(&bytes, recorded.atMs, "event", EventCodec::encodeJson(recorded.event));
    LogRecord::append(&bytes, events.last().atMs, "typed", R"({"fileName":"a.py"})");
    const QString path = m_dir.filePath(QStringLiteral("session.log"));
    QVERIFY(writeRecordingFile(path, bytes));
    Opened opened;
    QVERIFY(openIndexed(path, 1024, &opened));
    QVERIFY(opened.index.header().warnings.isEmpty());
    QCOMPARE(opened.index.size(), events.size());
    SessionModel model;
    QVERIFY(opened.timeline->seek(200, &model));
    QCOMPARE(model.toSnapshot(), playedTo(events, 200));
}

void TestReplayIndex::notARecording_isRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("notes.txt"));
    QVERIFY(writeRecordingFile(path, "just some notes\n"));
    RecordingIndex index;
    QString error;
    QVERIFY(!index.open(path, &error));
    QVERIFY2(error.contains(u"not an Inkstream recording"), qPrintable(error));
    QVERIFY(!index.open(m_dir.filePath(QStringLiteral("missing.inkrec")), &error));
    QVERIFY2(error.contains(u"cannot read recording"), qPrintable(error));
}

void TestReplayIndex::checkpointFile_leavesNothingBehind()
{
    // The checkpoint file has no name from the moment it is made, so a replay that is killed
    // (SIGTERM, a crash) leaves nothing in the temporary folder.
    QTemporaryDir temporary;
    const QByteArray previous = qgetenv("TMPDIR");
    qputenv("TMPDIR", QFile::encodeName(temporary.path()));
    const QList<RecordedEvent> events = generatedSession(400, 37);
    const QString path = m_dir.filePath(QStringLiteral("unnamed.inkrec"));
    QVERIFY(writeRecordingFile(path, recordingFileBytes(events, kStartedAt)));
    Opened opened;
    const bool indexed = openIndexed(path, 1024, &opened);
    qputenv("TMPDIR", previous);
    QVERIFY(indexed);
    QVERIFY(opened.index.checkpoints().size() > 5);
    QCOMPARE(QDir(temporary.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
             QStringList());
    SessionModel model;
    QVERIFY(opened.timeline->seek(300, &model));
    QCOMPARE(model.toSnapshot(), playedTo(events, 300));
}

QTEST_GUILESS_MAIN(TestReplayIndex)
#include "tst_replayindex.moc"
