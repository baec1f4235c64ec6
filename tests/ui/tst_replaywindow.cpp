#include "core/client/sessionclient.h"
#include "core/model/recordingreader.h"
#include "core/model/replaycontroller.h"
#include "core/model/sessionmodel.h"
#include "core/server/demoscript.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "tests/support/recordingfile.h"
#include "ui/analyticsdock.h"
#include "ui/analyticspanel.h"
#include "ui/codeeditor.h"
#include "ui/editorpane.h"
#include "ui/mainwindow.h"
#include "ui/progresstracker.h"
#include "ui/replaybar.h"
#include "ui/sessionview.h"
#include "ui/throughputchart.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLayout>
#include <QLocale>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

using namespace inkstream;

// `inkstream replay FILE`: the window driven by a recording of the real demo session — the
// timeline plays it to the published files, the slider seeks (backwards across a file start
// too), the file steps land on file starts, speed and instant apply, and the analytics panel
// shows the recording's figures with a chart that seeks where it is clicked.
class TestReplayWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void play_endsWithThePublishedFiles();
    void slider_seeksBackwardsAcrossAFileStart();
    void fileSteps_landOnFileStarts();
    void speedBox_instantPlaysTheRest();
    void analytics_showTheRecording_chartClickSeeks();
    void trackerClock_followsTheTimelineAcrossSeeks();
    void chatTimes_areTheRecordedOnes_playingAndAfterSeeks();
    void playButton_keepsTheSliderInPlace();

private:
    // The window's display model after seeking a fresh model to `position` and showing it.
    QJsonObject expectedAt(qsizetype position) const;
    QString editorTextOf(const QString &fileName);

    core::Recording m_recording;
    QTemporaryDir m_dir;
    QString m_path; // m_recording written as `serve --record` does
    core::SessionModel m_published;
    std::unique_ptr<core::SessionModel> m_model;
    std::unique_ptr<core::SessionClient> m_client;
    std::unique_ptr<ui::MainWindow> m_window;
    std::unique_ptr<core::ReplayController> m_replay;
};

void TestReplayWindow::initTestCase()
{
    // Record the demo as `serve --record` does: every published event with its time.
    core::SessionHub hub;
    core::Session *session = hub.createSession();
    core::DemoScript script(session);
    QString error;
    QVERIFY2(script.load(core::DemoScript::defaultScriptPath(), &error), qPrintable(error));
    script.setSpeed(40);
    QElapsedTimer clock;
    clock.start();
    connect(session, &core::Session::eventPublished, this, [&](const core::Event &event) {
        m_recording.events.append(core::RecordedEvent {clock.elapsed(), event});
    });
    QVERIFY(script.start());
    QTRY_COMPARE_WITH_TIMEOUT(session->model()->state(), core::SessionState::Complete, 60000);
    m_recording.version = 1;
    // A start far from now, so a time stamped on arrival cannot pass for the recorded one.
    m_recording.startedAt = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
    QVERIFY(m_published.loadSnapshot(session->model()->toSnapshot()));
    QVERIFY(m_published.files().size() >= 3);
    m_path = m_dir.filePath(QStringLiteral("demo.inkrec"));
    QVERIFY(
        writeRecordingFile(m_path, recordingFileBytes(m_recording.events, m_recording.startedAt)));
}

void TestReplayWindow::init()
{
    m_model = std::make_unique<core::SessionModel>();
    m_client = std::make_unique<core::SessionClient>(m_model.get());
    m_window = std::make_unique<ui::MainWindow>(m_model.get(), m_client.get());
    m_replay = std::make_unique<core::ReplayController>(m_model.get());
    QString error;
    QVERIFY2(m_replay->open(m_path, &error), qPrintable(error));
    m_replay->index().waitForComplete();
    QCOMPARE(m_replay->size(), m_recording.events.size());
    m_window->attachReplay(m_replay.get(), QStringLiteral("demo.inkrec"));
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestReplayWindow::cleanup()
{
    m_window.reset();
    m_replay.reset();
    m_client.reset();
    m_model.reset();
}

QJsonObject TestReplayWindow::expectedAt(qsizetype position) const
{
    core::SessionModel model;
    m_replay->timeline().seek(position, &model);
    return model.toSnapshot();
}

QString TestReplayWindow::editorTextOf(const QString &fileName)
{
    const int index = m_window->displayModel()->fileIndex(fileName);
    if (index < 0)
        return {};
    m_window->showFile(index);
    return m_window->sessionView()->editorPane()->editor()->toPlainText();
}

void TestReplayWindow::play_endsWithThePublishedFiles()
{
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("Replay of demo.inkrec")));
    ui::ReplayBar *bar = m_window->replayBar();
    QVERIFY(bar);
    QCOMPARE(bar->playAction()->text(), QStringLiteral("Play"));
    QSignalSpy finished(m_replay.get(), &core::ReplayController::finished);
    m_replay->setSpeed(4);
    bar->playAction()->trigger();
    QVERIFY(m_replay->isPlaying());
    QCOMPARE(bar->playAction()->text(), QStringLiteral("Pause"));
    QVERIFY(finished.wait(30000));
    QCOMPARE(bar->playAction()->text(), QStringLiteral("Play"));
    QCOMPARE(bar->slider()->value(), bar->slider()->maximum());
    QTRY_COMPARE(m_window->displayModel()->state(), core::SessionState::Complete);
    for (const core::SessionFile &file : m_published.files())
        QCOMPARE(editorTextOf(file.name), file.content);
}

void TestReplayWindow::slider_seeksBackwardsAcrossAFileStart()
{
    const QList<qsizetype> starts = m_replay->timeline().fileStarts();
    QVERIFY(starts.size() >= 3);
    QSlider *slider = m_window->replayBar()->slider();
    // Dragging: into the third file, then back into the first one.
    slider->setValue(int(starts.at(2) + 20));
    QCOMPARE(m_replay->position(), starts.at(2) + 20);
    QTRY_COMPARE(m_window->displayModel()->files().size(), 3);
    slider->setValue(int(starts.at(0) + 15));
    QCOMPARE(m_replay->position(), starts.at(0) + 15);
    QTRY_COMPARE(m_window->displayModel()->toSnapshot().value(QStringLiteral("files")),
                 expectedAt(starts.at(0) + 15).value(QStringLiteral("files")));
    QCOMPARE(m_window->displayModel()->files().size(), 1);
    const core::SessionFile &first = m_window->displayModel()->files().at(0);
    QCOMPARE(editorTextOf(first.name), first.content);
    QVERIFY(!first.content.isEmpty());
    QVERIFY(m_published.files().at(0).content.startsWith(first.content));
    QVERIFY(m_window->replayBar()->timeText().contains(u'/'));
}

// Issue 19, 8: after a seek the tracker's clock says where the timeline is, not the time since
// the seek.
void TestReplayWindow::trackerClock_followsTheTimelineAcrossSeeks()
{
    ui::ProgressTracker *tracker = m_window->sessionView()->progressTracker();
    const qint64 middle = m_replay->durationMs() / 2;
    QVERIFY(middle > 100);
    QVERIFY(m_replay->seekToTime(middle));
    QTRY_VERIFY(m_window->displayModel()->state() == core::SessionState::Running);
    QVERIFY2(qAbs(tracker->elapsedMs() - m_replay->timeMs()) <= 20,
             qPrintable(QStringLiteral("tracker %1 ms, timeline %2 ms")
                            .arg(tracker->elapsedMs())
                            .arg(m_replay->timeMs())));
    QVERIFY(m_replay->seekToTime(middle / 2));
    QVERIFY2(qAbs(tracker->elapsedMs() - m_replay->timeMs()) <= 20,
             qPrintable(QStringLiteral("tracker %1 ms, timeline %2 ms")
                            .arg(tracker->elapsedMs())
                            .arg(m_replay->timeMs())));
}

void TestReplayWindow::fileSteps_landOnFileStarts()
{
    const QList<qsizetype> starts = m_replay->timeline().fileStarts();
    ui::ReplayBar *bar = m_window->replayBar();
    bar->nextFileAction()->trigger();
    QCOMPARE(m_replay->position(), starts.at(0));
    bar->nextFileAction()->trigger();
    QCOMPARE(m_replay->position(), starts.at(1));
    QCOMPARE(bar->slider()->value(), int(starts.at(1)));
    bar->previousFileAction()->trigger();
    QCOMPARE(m_replay->position(), starts.at(0));
    QTRY_COMPARE(m_window->displayModel()->files().size(), 0); // just before the first starts
}

void TestReplayWindow::speedBox_instantPlaysTheRest()
{
    QComboBox *speed = m_window->replayBar()->speedBox();
    QCOMPARE(speed->count(), int(ui::ReplayBar::speeds().size()));
    QCOMPARE(speed->currentData().toDouble(), 1.0);
    speed->setCurrentIndex(speed->findData(20.0));
    QCOMPARE(m_replay->speed(), 20.0);
    m_replay->play();
    speed->setCurrentIndex(speed->findData(core::ReplayClock::kInstant));
    QCOMPARE(m_replay->position(), m_replay->size());
    QTRY_COMPARE(m_window->displayModel()->state(), core::SessionState::Complete);
    for (const core::SessionFile &file : m_published.files())
        QCOMPARE(editorTextOf(file.name), file.content);
}

void TestReplayWindow::analytics_showTheRecording_chartClickSeeks()
{
    QVERIFY(!m_window->analyticsPanel()); // nothing of it until asked for
    m_window->analyticsDock()->setVisible(true);
    ui::AnalyticsPanel *panel = m_window->analyticsPanel();
    QCOMPARE(panel->fieldText(QStringLiteral("events")),
             QLocale().toString(qint64(m_recording.events.size())));
    qint64 codePoints = 0;
    for (const core::SessionFile &file : m_published.files())
        codePoints += file.content.toUcs4().size();
    QCOMPARE(panel->fieldText(QStringLiteral("codeChars")), QLocale().toString(codePoints));
    QCOMPARE(panel->fieldText(QStringLiteral("reconnects")), QStringLiteral("—"));

    // A click in the middle of the chart seeks to the middle of the recording.
    ui::ThroughputChart *chart = panel->chart();
    QVERIFY(QTest::qWaitForWindowExposed(chart));
    QTest::mouseClick(chart, Qt::LeftButton, {}, QPoint(chart->width() / 2, chart->height() / 2));
    const qint64 middle = chart->spanMs() / 2;
    const qsizetype expected = m_replay->timeline().positionAt(middle);
    QVERIFY(qAbs(m_replay->position() - expected) <= m_replay->size() / 50);
    QVERIFY(m_replay->position() > 0 && m_replay->position() < m_replay->size());
    QTRY_VERIFY(chart->playhead().has_value());
    QCOMPARE(*chart->playhead(), m_replay->timeMs());
}

QTEST_MAIN(TestReplayWindow)
#include "tst_replaywindow.moc"

// Issue 19, 8: a chat message carries the time it was recorded, whether the replay reached it by
// playing or by a seek (before, playing stamped the time of display, a seek the recorded time).
void TestReplayWindow::chatTimes_areTheRecordedOnes_playingAndAfterSeeks()
{
    const auto compareTimes = [this] {
        const QList<core::ChatMessage> &shown = m_window->displayModel()->chat();
        for (qsizetype i = 0; i < shown.size(); ++i) {
            const QDateTime recorded = m_model->chat().at(i).timestamp;
            QVERIFY2(recorded.date() == QDate(2026, 1, 2), qPrintable(recorded.toString()));
            QCOMPARE(shown.at(i).timestamp, recorded);
        }
    };
    m_replay->setSpeed(20);
    m_window->replayBar()->playAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->displayModel()->chat().size() >= 2, 20000);
    compareTimes();
    if (QTest::currentTestFailed())
        return;
    // Back to the start, and played again from there.
    QVERIFY(m_replay->seekToTime(0));
    QTRY_COMPARE(m_window->displayModel()->chat().size(), m_model->chat().size());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->displayModel()->chat().size() >= 1, 20000);
    compareTimes();
    if (QTest::currentTestFailed())
        return;
    // Forward across messages at once.
    QVERIFY(m_replay->seekToTime(m_replay->durationMs()));
    QTRY_COMPARE(m_window->displayModel()->chat().size(), m_published.chat().size());
    compareTimes();
}

// Issue 19, 8: Play and Pause take the same room, so the slider does not move when one becomes
// the other.
void TestReplayWindow::playButton_keepsTheSliderInPlace()
{
    ui::ReplayBar *bar = m_window->replayBar();
    bar->layout()->activate();
    const QRect paused = bar->slider()->geometry();
    bar->playAction()->trigger();
    QVERIFY(m_replay->isPlaying());
    bar->layout()->activate();
    QCOMPARE(bar->slider()->geometry(), paused);
    bar->playAction()->trigger();
    QVERIFY(!m_replay->isPlaying());
    bar->layout()->activate();
    QCOMPARE(bar->slider()->geometry(), paused);
}
