#include "tests/support/childprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace {

// `inkstream watch URL --output DIR --until complete` plus extra arguments; the exit code.
int watch(const QString &url, const QString &output, const QStringList &extra = {})
{
    QProcess process;
    process.start(binary(),
                  QStringList {QStringLiteral("watch"), url, QStringLiteral("--output"), output,
                               QStringLiteral("--until"), QStringLiteral("complete"),
                               QStringLiteral("--timeout"), QStringLiteral("120")}
                      + extra);
    if (!process.waitForFinished(150000))
        return -1;
    return process.exitCode();
}

// Relative path -> sha256 of every file under `root`.
QMap<QString, QByteArray> digests(const QString &root)
{
    QMap<QString, QByteArray> result;
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        file.open(QIODevice::ReadOnly);
        result.insert(QDir(root).relativeFilePath(path),
                      QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex());
    }
    return result;
}

// Whether the recording at `path` holds the session's `complete` event yet.
bool recordingEndsTheSession(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly)
        && file.readAll().contains("\"event\":\"session\",\"sessionId\"");
}

} // namespace

// A recorded demo shown again by `serve --replay` ends with the same files, byte for byte.
class TestReplay final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordedDemo_replaysToTheSameFiles()
    {
        QTemporaryDir dir;
        const QString served = dir.filePath(QStringLiteral("served.rec"));
        const QString watched = dir.filePath(QStringLiteral("watched.rec"));
        const QString windowed = dir.filePath(QStringLiteral("window.rec"));
        {
            // The window records the demo it runs (its own publisher, the same script).
            QProcess window;
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
            window.setProcessEnvironment(environment);
            window.start(binary(),
                         {QStringLiteral("--demo"), QStringLiteral("--speed"), QStringLiteral("40"),
                          QStringLiteral("--record"), windowed});
            QVERIFY(window.waitForStarted());
            QTRY_VERIFY_WITH_TIMEOUT(recordingEndsTheSession(windowed), 60000);
            window.terminate();
            QVERIFY(window.waitForFinished(10000));
            const QByteArray said = window.readAllStandardError();
            const QByteArray expected = "recording to " + windowed.toUtf8();
            QVERIFY2(said.contains(expected), said.constData());
        }
        {
            ServeProcess live({QStringLiteral("--demo"), QStringLiteral("--speed"),
                               QStringLiteral("40"), QStringLiteral("--record"), served});
            const QString url = live.readUrl();
            QVERIFY(!url.isEmpty());
            QCOMPARE(watch(url, dir.filePath(QStringLiteral("live")),
                           {QStringLiteral("--record"), watched}),
                     0);
        }
        const QMap<QString, QByteArray> live = digests(dir.filePath(QStringLiteral("live")));
        QVERIFY(live.size() >= 3);

        // Every recording (the publisher's, the viewer's, the window's) replays to the live files.
        for (const QString &recording : {served, watched, windowed}) {
            ServeProcess replay({QStringLiteral("--replay"), recording, QStringLiteral("--speed"),
                                 QStringLiteral("40")});
            const QString url = replay.readUrl();
            QVERIFY(!url.isEmpty());
            const QString output = dir.filePath(QFileInfo(recording).baseName() + u"-replay");
            QCOMPARE(watch(url, output), 0);
            QCOMPARE(digests(output), live);
        }
    }

    void truncatedRecording_replaysWhatItHoldsWithAWarning()
    {
        QTemporaryDir dir;
        const QString recording = dir.filePath(QStringLiteral("demo.rec"));
        {
            ServeProcess live({QStringLiteral("--demo"), QStringLiteral("--speed"),
                               QStringLiteral("40"), QStringLiteral("--record"), recording});
            QCOMPARE(watch(live.readUrl(), dir.filePath(QStringLiteral("live"))), 0);
        }
        QFile file(recording);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QByteArray bytes = file.readAll();
        // Cut the `session complete` line (the last one) in the middle, as a crash would.
        const qsizetype lastLine = bytes.lastIndexOf('\n', bytes.size() - 2) + 1;
        QVERIFY(bytes.mid(lastLine).contains("\"event\":\"session\""));
        QVERIFY(file.resize(lastLine + 20));
        file.close();

        ServeProcess replay({QStringLiteral("--replay"), recording, QStringLiteral("--speed"),
                             QStringLiteral("40")});
        const QString url = replay.readUrl();
        QVERIFY(!url.isEmpty());
        // Without the final event the session never completes: wait for it to go idle.
        QProcess watcher;
        watcher.start(binary(),
                      {QStringLiteral("watch"), url, QStringLiteral("--output"),
                       dir.filePath(QStringLiteral("replayed")), QStringLiteral("--until"),
                       QStringLiteral("idle:3"), QStringLiteral("--timeout"),
                       QStringLiteral("120")});
        QVERIFY(watcher.waitForFinished(150000));
        QCOMPARE(watcher.exitCode(), 0);
        QCOMPARE(digests(dir.filePath(QStringLiteral("replayed"))),
                 digests(dir.filePath(QStringLiteral("live"))));
        replay.process.terminate();
        QVERIFY(replay.process.waitForFinished(10000));
        const QByteArray stderrText = replay.process.readAllStandardError();
        QVERIFY2(stderrText.contains("warning: line") && stderrText.contains("cut off"),
                 stderrText.constData());
    }
};

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
