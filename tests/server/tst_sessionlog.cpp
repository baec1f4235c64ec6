#include "core/model/recordingreader.h"
#include "core/model/sessionmodel.h"
#include "core/server/filestreamer.h"
#include "core/server/session.h"
#include "core/server/sessionlog.h"
#include "tests/model/comparablesnapshot.h"

#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/resource.h>

using namespace inkstream::core;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

CodeEvent delta(const QString &file, const QString &text)
{
    CodeEvent event;
    event.type = CodeEvent::Type::Delta;
    event.fileName = file;
    event.delta = text;
    return event;
}

// Publishes a small session into a log at `path` and returns the events it published.
QList<Event> writeSession(const QString &path, int deltas)
{
    QList<Event> events;
    Session session(QStringLiteral("s"));
    QString error;
    if (!session.createLog(path, SessionLog::Fsync::Never, {}, &error))
        qFatal("%s", qPrintable(error));
    QObject::connect(&session, &Session::eventPublished, &session,
                     [&](const Event &event) { events.append(event); });
    session.publish(ChatEvent {ChatEvent::Type::Start, QStringLiteral("m"), ChatRole::Assistant,
                               QStringLiteral("Writing é🎉")});
    session.appendRecord("accept", {{QStringLiteral("id"), 99}});
    for (int i = 0; i < deltas; ++i)
        session.publish(delta(QStringLiteral("a.py"), QStringLiteral("line %1 ü\n").arg(i)));
    session.publish(ProgressEvent {40, QStringLiteral("halfway")});
    session.flushLog();
    return events;
}

// Byte offsets where each line of `bytes` starts (the header is line 0).
QList<qsizetype> lineStarts(const QByteArray &bytes)
{
    QList<qsizetype> starts {0};
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (bytes.at(i) == '\n' && i + 1 < bytes.size())
            starts.append(i + 1);
    }
    return starts;
}

} // namespace

class TestSessionLog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    // Cut at every byte of the last three records (a crash while writing them): the session
    // comes back with every whole record, the cut one is dropped with a warning naming it, and
    // the log takes new events right after.
    void tornAtEveryByteOfTheLastRecords_recovers()
    {
        const QString path = m_dir->filePath(QStringLiteral("s.log"));
        const QList<Event> events = writeSession(path, 6);
        const QByteArray whole = readAll(path);
        const QList<qsizetype> starts = lineStarts(whole);
        const qsizetype firstCut = starts.at(starts.size() - 3);
        // Lines: header, the chat event, the accept record, the deltas, progress.
        for (qsizetype cut = firstCut; cut <= whole.size(); ++cut) {
            const QString copy = m_dir->filePath(QStringLiteral("cut.log"));
            QFile::remove(copy);
            writeAll(copy, whole.left(cut));
            // Records that are whole at this cut; all of them are events here.
            qsizetype wholeLines = 0;
            for (qsizetype line = 0; line < starts.size(); ++line) {
                const qsizetype end = line + 1 < starts.size() ? starts.at(line + 1) : whole.size();
                wholeLines += end <= cut;
            }
            const qsizetype wholeRecords = wholeLines - 2; // the header and the accept record
            const quint64 expectedLast = quint64(std::min<qsizetype>(wholeRecords, events.size()));
            const bool torn = !starts.contains(cut) && cut != whole.size();

            Session restored(QStringLiteral("s"));
            QString error;
            QStringList warnings;
            QVERIFY2(restored.restoreLog(copy, SessionLog::Fsync::Never, &error, &warnings),
                     qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(error)));
            QCOMPARE(restored.lastSequence(), expectedLast);
            QCOMPARE(warnings.size(), torn ? 1 : 0);
            if (torn) {
                // Once its first bytes are there, the warning says which event was lost.
                qsizetype tornStart = 0;
                for (qsizetype start : starts)
                    tornStart = start <= cut ? start : tornStart;
                const QString named = QStringLiteral("event %1").arg(expectedLast + 1);
                QVERIFY2(cut - tornStart < 80 || warnings.first().contains(named),
                         qPrintable(warnings.first()));
                QVERIFY2(warnings.first().contains(QStringLiteral("dropped it")),
                         qPrintable(warnings.first()));
            }
            SessionModel reference;
            for (quint64 i = 0; i < expectedLast; ++i)
                reference.apply(events.at(qsizetype(i)));
            QCOMPARE(comparableSnapshot(restored.model()->toSnapshot()),
                     comparableSnapshot(reference.toSnapshot()));

            // The log goes on after the last whole record, and reads back with it.
            QCOMPARE(restored.publish(ProgressEvent {77, {}}).sequence, expectedLast + 1);
            restored.flushLog();
            Recording recording;
            QVERIFY2(RecordingReader::read(copy, &recording, &error), qPrintable(error));
            QVERIFY2(recording.warnings.isEmpty(), qPrintable(recording.warnings.join(u'\n')));
            QCOMPARE(quint64(recording.events.size()), expectedLast + 1);
        }
    }

    void damageBeforeTheEnd_isAnErrorNotALoss()
    {
        const QString path = m_dir->filePath(QStringLiteral("s.log"));
        writeSession(path, 6);
        QByteArray bytes = readAll(path);
        const QList<qsizetype> starts = lineStarts(bytes);
        bytes[starts.at(4) + 30] = 'X'; // a delta in the middle
        writeAll(path, bytes);
        Session restored(QStringLiteral("s"));
        QString error;
        QStringList warnings;
        QVERIFY(!restored.restoreLog(path, SessionLog::Fsync::Never, &error, &warnings));
        QVERIFY2(error.contains(QStringLiteral("damaged at line 5")), qPrintable(error));
        QCOMPARE(readAll(path), bytes); // nothing cut off
    }

    void logOfAnotherSession_isRefused()
    {
        const QString path = m_dir->filePath(QStringLiteral("s.log"));
        writeSession(path, 1);
        Session other(QStringLiteral("t"));
        QString error;
        QStringList warnings;
        QVERIFY(!other.restoreLog(path, SessionLog::Fsync::Never, &error, &warnings));
        QVERIFY2(error.contains(QStringLiteral("the log of session \"s\"")), qPrintable(error));
    }

    void secondWriter_isRefused()
    {
        const QString path = m_dir->filePath(QStringLiteral("s.log"));
        Session first(QStringLiteral("s"));
        QString error;
        QVERIFY(first.createLog(path, SessionLog::Fsync::Never, {}, &error));
        Session second(QStringLiteral("s"));
        QStringList warnings;
        QVERIFY(!second.restoreLog(path, SessionLog::Fsync::Never, &error, &warnings));
        QVERIFY2(error.contains(QStringLiteral("in use by another publisher")), qPrintable(error));
    }

    // The publisher restarted in the middle of typing a file it had accepted: it goes on from
    // where the log shows it stopped, with the same sequences, and the file ends exact.
    void restart_continuesTypingTheAcceptedFile()
    {
        const QString path = m_dir->filePath(QStringLiteral("s.log"));
        const QString content = QStringLiteral("def f():\n    return \"é🎉\"\n").repeated(40);
        QList<Event> before;
        {
            Session session(QStringLiteral("s"));
            QString error;
            QVERIFY(session.createLog(path, SessionLog::Fsync::Never, {}, &error));
            connect(&session, &Session::eventPublished, this,
                    [&](const Event &event) { before.append(event); });
            session.fileStreamer()->enqueue(QStringLiteral("a.py"), content, {7, 1, false});
            session.fileStreamer()->enqueue(QStringLiteral("b.py"), QStringLiteral("x = 1\n"),
                                            {7, 1, false});
            QVERIFY(session.completeWhenIdle(SessionEvent {}));
            QTRY_VERIFY_WITH_TIMEOUT(session.model()->files().value(0).content.size() > 300, 10000);
            session.flushLog();
            // Gone without typing the rest (the end of this scope stands for SIGKILL: what
            // the log holds was written each event-loop turn).
        }
        auto restored = std::make_unique<Session>(QStringLiteral("s"));
        QList<Event> after;
        connect(restored.get(), &Session::eventPublished, this,
                [&](const Event &event) { after.append(event); });
        QString error;
        QStringList warnings;
        QVERIFY2(restored->restoreLog(path, SessionLog::Fsync::Never, &error, &warnings),
                 qPrintable(error));
        QCOMPARE(restored->lastSequence(), quint64(before.size()));
        QTRY_COMPARE_WITH_TIMEOUT(restored->model()->state(), SessionState::Complete, 20000);
        QCOMPARE(restored->model()->files().at(0).content, content);
        QCOMPARE(restored->model()->files().at(1).content, QStringLiteral("x = 1\n"));
        // It went on: the first event after the restart is the next delta of a.py.
        const auto *next = std::get_if<CodeEvent>(&after.first().payload);
        QVERIFY(next);
        QCOMPARE(next->type, CodeEvent::Type::Delta);
        QCOMPARE(next->fileName, QStringLiteral("a.py"));
        QCOMPARE(after.first().sequence, quint64(before.size() + 1));

        // Restarted once more after everything was typed: nothing is typed again.
        const quint64 last = restored->lastSequence();
        restored.reset();
        Session again(QStringLiteral("s"));
        QVERIFY2(again.restoreLog(path, SessionLog::Fsync::Never, &error, &warnings),
                 qPrintable(error));
        QCOMPARE(again.lastSequence(), last);
        QVERIFY(again.fileStreamer()->isIdle());
        QTest::qWait(50);
        QCOMPARE(again.lastSequence(), last);
    }

    void disk_full_refusesEventsUntilThereIsRoom()
    {
        const QString path = m_dir->filePath(QStringLiteral("s.log"));
        Session session(QStringLiteral("s"));
        QString error;
        QVERIFY(session.createLog(path, SessionLog::Fsync::Never, {}, &error));
        session.publish(delta(QStringLiteral("a.txt"), QStringLiteral("first\n")));
        QVERIFY(session.flushLog());
        // The process may write no file beyond its current size (as a full disk would refuse);
        // SIGXFSZ ignored so the write fails with EFBIG instead of ending the process.
        const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit saved {};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        rlimit tight = saved;
        tight.rlim_cur = rlim_t(QFileInfo(path).size() + 10);
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &tight), 0);
        QSignalSpy writable(&session, &Session::logWritable);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot write")));
        session.publish(delta(QStringLiteral("a.txt"), QStringLiteral("second line, too long\n")));
        const bool flushed = session.flushLog();
        QVERIFY(!flushed);
        QVERIFY(!session.isWritable());
        QVERIFY2(session.logError().contains(QStringLiteral("File too large")),
                 qPrintable(session.logError()));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not published")));
        QCOMPARE(session.publish(ProgressEvent {1, {}}).sequence, quint64(0));
        QCOMPARE(session.log()->writtenSequence(), quint64(1));

        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &saved), 0);
        std::signal(SIGXFSZ, previousHandler);
        QVERIFY(writable.wait(5000)); // retried every second
        QVERIFY(session.isWritable());
        QCOMPARE(session.log()->writtenSequence(), quint64(2));
        Recording recording;
        QVERIFY(RecordingReader::read(path, &recording, &error));
        QVERIFY(recording.warnings.isEmpty());
        QCOMPARE(recording.events.size(), 2);
    }

    void whenDurable_followsThePolicy_data()
    {
        QTest::addColumn<int>("policy");
        QTest::newRow("batch") << int(SessionLog::Fsync::Batch);
        QTest::newRow("always") << int(SessionLog::Fsync::Always);
        QTest::newRow("never") << int(SessionLog::Fsync::Never);
    }
    void whenDurable_followsThePolicy()
    {
        QFETCH(int, policy);
        Session session(QStringLiteral("s"));
        QString error;
        QVERIFY(session.createLog(m_dir->filePath(QStringLiteral("s.log")),
                                  SessionLog::Fsync(policy), {}, &error));
        session.publish(ProgressEvent {1, {}});
        bool done = false;
        session.whenDurable(this, [&] { done = true; });
        // Batch syncs on its own thread and reports back through the event loop.
        if (SessionLog::Fsync(policy) == SessionLog::Fsync::Batch)
            QVERIFY(!done);
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        QCOMPARE(session.log()->writtenSequence(), quint64(1));
    }

    void retention_removesOnlyOldCompletedLogs()
    {
        const auto makeLog = [&](const QString &id, bool complete) {
            Session session(id);
            QString error;
            QVERIFY(session.createLog(m_dir->filePath(id + QStringLiteral(".log")),
                                      SessionLog::Fsync::Never, {}, &error));
            session.publish(ProgressEvent {5, {}});
            if (complete)
                session.publish(SessionEvent {});
            session.flushLog();
        };
        makeLog(QStringLiteral("old-done"), true);
        makeLog(QStringLiteral("old-running"), false);
        makeLog(QStringLiteral("new-done"), true);
        const QDateTime longAgo = QDateTime::currentDateTimeUtc().addDays(-10);
        for (const QString &id : {QStringLiteral("old-done"), QStringLiteral("old-running")}) {
            QFile file(m_dir->filePath(id + QStringLiteral(".log")));
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.setFileTime(longAgo, QFileDevice::FileModificationTime));
        }
        QStringList warnings;
        const QStringList removed = SessionLog::removeCompletedOlderThan(
            m_dir->path(), std::chrono::hours(24 * 7), &warnings);
        QCOMPARE(removed, QStringList {m_dir->filePath(QStringLiteral("old-done.log"))});
        QVERIFY(QFileInfo::exists(m_dir->filePath(QStringLiteral("old-running.log"))));
        QVERIFY(QFileInfo::exists(m_dir->filePath(QStringLiteral("new-done.log"))));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestSessionLog)
#include "tst_sessionlog.moc"
