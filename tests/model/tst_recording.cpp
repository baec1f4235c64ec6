#include "comparablesnapshot.h"
#include "core/model/logrecord.h"
#include "core/model/recordingreader.h"
#include "core/model/recordingwriter.h"
#include "core/model/replaytimeline.h"
#include "core/model/sessionmodel.h"
#include "samplesession.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace inkstream::core;

namespace {

QByteArray recordingBytes(const QList<Event> &events, const QString &path)
{
    RecordingWriter writer;
    QString error;
    if (!writer.open(path, QUrl(QStringLiteral("http://127.0.0.1:1/api/sessions/rec")),
                     QStringLiteral("native"), &error))
        qFatal("%s", qPrintable(error));
    qint64 ms = 0;
    for (const Event &event : events)
        writer.write(event, ms += 3);
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return file.readAll();
}

// The same recording in format version 1 (before records were checksummed), which readers still
// take: `{"t":T,"event":{...}}` lines.
QByteArray asVersion1(const QByteArray &bytes)
{
    QList<QByteArray> lines = bytes.split('\n');
    lines[0].replace("\"version\":2", "\"version\":1");
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines[i].isEmpty())
            continue;
        qint64 at = 0;
        QByteArrayView kind;
        QByteArrayView value;
        const QByteArray line = lines[i] + '\n';
        if (LogRecord::parse(line, &at, &kind, &value) != LogRecord::Parse::Ok)
            qFatal("not a record: %s", lines[i].constData());
        lines[i] = "{\"t\":" + QByteArray::number(at) + ",\"event\":" + value.toByteArray() + '}';
    }
    return lines.join('\n');
}

SessionModel *applied(const QList<Event> &events, qsizetype count, SessionModel *model)
{
    for (qsizetype i = 0; i < count; ++i)
        model->apply(events[i]);
    return model;
}

} // namespace

class TestRecording final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writeThenRead_givesTheSameEvents()
    {
        QTemporaryDir dir;
        const QList<Event> events = sampleSession(3, 20);
        recordingBytes(events, dir.filePath(QStringLiteral("a.rec")));
        Recording recording;
        QString error;
        QVERIFY2(RecordingReader::read(dir.filePath(QStringLiteral("a.rec")), &recording, &error),
                 qPrintable(error));
        QCOMPARE(recording.version, 2);
        QCOMPARE(recording.dialect, QStringLiteral("native"));
        QVERIFY(recording.startedAt.isValid());
        QVERIFY(recording.warnings.isEmpty());
        QCOMPARE(recording.events.size(), events.size());
        for (qsizetype i = 0; i < events.size(); ++i) {
            QCOMPARE(recording.events[i].event, events[i]);
            QCOMPARE(recording.events[i].atMs, 3 * (i + 1));
        }
    }

    void truncatedMidLine_replaysUpToTheLastCompleteEvent()
    {
        QTemporaryDir dir;
        const QList<Event> events = sampleSession(2, 10);
        const QByteArray bytes = recordingBytes(events, dir.filePath(QStringLiteral("a.rec")));
        // Cut in the middle of the last event's line (as a crash would).
        const QByteArray cut = bytes.left(bytes.size() - 9);
        Recording recording;
        QString error;
        QVERIFY2(RecordingReader::parse(cut, &recording, &error), qPrintable(error));
        QCOMPARE(recording.events.size(), events.size() - 1);
        QCOMPARE(recording.events.last().event, events[events.size() - 2]);
        QCOMPARE(recording.warnings.size(), 1);
        QVERIFY2(recording.warnings.first().contains(QStringLiteral("cut off")),
                 qPrintable(recording.warnings.first()));
    }

    void damagedLine_isSkippedWithAWarning()
    {
        QTemporaryDir dir;
        const QList<Event> events = sampleSession(1, 5);
        QList<QByteArray> lines
            = recordingBytes(events, dir.filePath(QStringLiteral("a.rec"))).split('\n');
        lines[3] = "{\"t\":9,\"event\":{\"seq\":3,\"event\":\"nonsense\"}}";
        Recording recording;
        QString error;
        QVERIFY(RecordingReader::parse(lines.join('\n'), &recording, &error));
        QCOMPARE(recording.events.size(), events.size() - 1);
        QCOMPARE(recording.warnings.size(), 1);
        QVERIFY(recording.warnings.first().startsWith(QStringLiteral("line 4 skipped")));
    }

    void flippedByte_isFoundByTheChecksum()
    {
        QTemporaryDir dir;
        const QList<Event> events = sampleSession(1, 5);
        QByteArray bytes = recordingBytes(events, dir.filePath(QStringLiteral("a.rec")));
        // A digit of the third event's delta offset: still valid JSON, different meaning.
        const qsizetype line3
            = bytes.indexOf('\n', bytes.indexOf('\n', bytes.indexOf('\n') + 1) + 1);
        const qsizetype at = bytes.indexOf("\"seq\":", line3) + 6;
        bytes[at] = bytes[at] == '9' ? '8' : char(bytes[at] + 1);
        Recording recording;
        QString error;
        QVERIFY(RecordingReader::parse(bytes, &recording, &error));
        QCOMPARE(recording.events.size(), events.size() - 1);
        QCOMPARE(recording.warnings.size(), 1);
        QVERIFY2(recording.warnings.first().contains(QStringLiteral("checksum")),
                 qPrintable(recording.warnings.first()));
    }

    void version1Recordings_areStillRead()
    {
        QTemporaryDir dir;
        const QList<Event> events = sampleSession(2, 6);
        const QByteArray bytes
            = asVersion1(recordingBytes(events, dir.filePath(QStringLiteral("a.rec"))));
        QVERIFY(!bytes.contains("\"c\":"));
        Recording recording;
        QString error;
        QVERIFY2(RecordingReader::parse(bytes, &recording, &error), qPrintable(error));
        QCOMPARE(recording.version, 1);
        QVERIFY(recording.warnings.isEmpty());
        QCOMPARE(recording.events.size(), events.size());
        for (qsizetype i = 0; i < events.size(); ++i)
            QCOMPARE(recording.events[i].event, events[i]);
    }

    // Found while writing fuzz_recording: times were taken as they came, so a hand-edited or
    // damaged recording could go back in time or below zero under the timeline's feet.
    void times_areNonNegativeAndNeverGoBack()
    {
        QTemporaryDir dir;
        const QList<Event> events = sampleSession(1, 5);
        // Version 1 lines carry no checksum, so a damaged time reaches the reader's checks.
        QList<QByteArray> lines
            = asVersion1(recordingBytes(events, dir.filePath(QStringLiteral("t.rec")))).split('\n');
        const auto withTime = [](QByteArray line, const QByteArray &time) {
            const qsizetype start = line.indexOf("\"t\":") + 4;
            const qsizetype end = line.indexOf(',', start);
            return line.replace(start, end - start, time);
        };
        // Writer times are 3, 6, 9, ...: line 4 (the third event) goes below zero, line 5 back
        // to 1 ms, line 6 is not a number.
        lines[3] = withTime(lines[3], "-7");
        lines[4] = withTime(lines[4], "1");
        lines[5] = withTime(lines[5], "\"soon\"");
        Recording recording;
        QString error;
        QVERIFY(RecordingReader::parse(lines.join('\n'), &recording, &error));
        QCOMPARE(recording.events.size(), events.size() - 2);
        QCOMPARE(recording.warnings.size(), 3);
        QVERIFY2(recording.warnings.at(0).startsWith(QStringLiteral("line 4 skipped: \"t\"")),
                 qPrintable(recording.warnings.at(0)));
        QVERIFY2(
            recording.warnings.at(1).startsWith(QStringLiteral("line 5: its time goes back 5 ms")),
            qPrintable(recording.warnings.at(1)));
        QVERIFY2(recording.warnings.at(2).startsWith(QStringLiteral("line 6 skipped")),
                 qPrintable(recording.warnings.at(2)));
        QCOMPARE(recording.events.at(2).atMs, 6); // kept in file order, at its predecessor's time
        qint64 previous = 0;
        for (const RecordedEvent &recorded : recording.events) {
            QVERIFY(recorded.atMs >= previous);
            previous = recorded.atMs;
        }
    }

    void notARecording_isRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("not an Inkstream recording");
        QTest::newRow("other JSON")
            << QByteArray("{\"format\":\"har\"}\n") << QStringLiteral("not an Inkstream recording");
        QTest::newRow("newer version")
            << QByteArray("{\"format\":\"inkstream-recording\",\"version\":99}\n")
            << QStringLiteral("version 99 is not supported");
    }
    void notARecording_isRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        Recording recording;
        QString error;
        QVERIFY(!RecordingReader::parse(bytes, &recording, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void seek_equalsApplyingFromTheStart_data()
    {
        QTest::addColumn<QList<qsizetype>>("positions");
        // 4 files of 30 deltas (135 events): file starts at 2, 35, 68, 101; checkpoints every 16.
        QTest::newRow("forward") << QList<qsizetype> {0, 1, 17, 40, 90, 135};
        QTest::newRow("backwards across a file's start")
            << QList<qsizetype> {80, 66, 67, 34, 3, 2, 0};
        QTest::newRow("to the end and back to a checkpoint") << QList<qsizetype> {135, 48, 47, 49};
    }
    void seek_equalsApplyingFromTheStart()
    {
        QFETCH(QList<qsizetype>, positions);
        const QList<Event> events = sampleSession(4, 30);
        QList<RecordedEvent> recorded;
        for (const Event &event : events)
            recorded.append(RecordedEvent {qint64(recorded.size()) * 10, event});
        const ReplayTimeline timeline(recorded, 16);
        QCOMPARE(timeline.size(), 135);
        SessionModel seeking;
        for (qsizetype position : positions) {
            QVERIFY(timeline.seek(position, &seeking));
            SessionModel reference;
            applied(events, position, &reference);
            QCOMPARE(comparableSnapshot(seeking.toSnapshot()),
                     comparableSnapshot(reference.toSnapshot()));
        }
    }

    void fileStarts_stepBetweenFiles()
    {
        QList<RecordedEvent> recorded;
        for (const Event &event : sampleSession(3, 4))
            recorded.append(RecordedEvent {qint64(recorded.size()), event});
        const ReplayTimeline timeline(recorded);
        QCOMPARE(timeline.fileStarts(), QList<qsizetype>({2, 9, 16}));
        QCOMPARE(timeline.nextFileStart(0), 2);
        QCOMPARE(timeline.nextFileStart(2), 9);
        QCOMPARE(timeline.previousFileStart(9), 2);
        QCOMPARE(timeline.previousFileStart(12), 9);
        QCOMPARE(timeline.previousFileStart(1), 1); // nothing before the first file
        QCOMPARE(timeline.nextFileStart(16), 16); // nothing after the last
        QCOMPARE(timeline.positionAt(9), 9);
    }

    void seek_inAHundredThousandEvents_isFast()
    {
        // Not a timing assertion (benchmarks measure speed): the figure is printed so a
        // regression shows in the log; correctness is what is checked.
        const QList<Event> events = sampleSession(100, 1000); // ~100,000 events
        QList<RecordedEvent> recorded;
        recorded.reserve(events.size());
        for (const Event &event : events)
            recorded.append(RecordedEvent {qint64(recorded.size()), event});
        const ReplayTimeline timeline(recorded);
        SessionModel model;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(timeline.seek(73'456, &model));
        qInfo("seek to 73,456 of %lld events: %lld ms", static_cast<long long>(timeline.size()),
              static_cast<long long>(clock.elapsed()));
        SessionModel reference;
        applied(events, 73'456, &reference);
        QCOMPARE(comparableSnapshot(model.toSnapshot()),
                 comparableSnapshot(reference.toSnapshot()));
    }
};

QTEST_GUILESS_MAIN(TestRecording)
#include "tst_recording.moc"
