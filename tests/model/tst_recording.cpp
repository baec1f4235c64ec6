#include "core/model/logrecord.h"
#include "core/model/recordingreader.h"
#include "core/model/recordingwriter.h"
#include "samplesession.h"

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
};

QTEST_GUILESS_MAIN(TestRecording)
#include "tst_recording.moc"
