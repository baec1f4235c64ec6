#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "eventfeeder.h"
#include "ui/chatbubble.h"
#include "ui/chatpanel.h"
#include "ui/codeeditor.h"
#include "ui/conflictbar.h"
#include "ui/connectionindicator.h"
#include "ui/displaypacer.h"
#include "ui/editorpane.h"
#include "ui/filedocuments.h"
#include "ui/mainwindow.h"
#include "ui/progresstracker.h"
#include "ui/writingbadge.h"

#include <QAction>
#include <QFile>
#include <QListView>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>

using namespace inkstream;
using namespace inkstream::ui;
using core::ChatEvent;
using core::StepEvent;
using core::StepName;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        core::SessionModel model;
        core::SessionClient client {&model};
        MainWindow window {&model, &client};
        EventFeeder feed {&model};
        // Widget behaviour is checked event by event; pacing has tests of its own.
        Fixture() { window.setDisplaySpeed(DisplaySpeed::Instant); }
    };

    static QString shownText(const MainWindow &window)
    {
        return window.editorPane()->editor()->toPlainText();
    }

private Q_SLOTS:
    void init()
    {
        // Every test starts from the defaults, whatever an earlier one saved.
        QSettings().clear();
    }

    void startsEmpty()
    {
        Fixture f;
        QCOMPARE(f.window.currentFile(), -1);
        QVERIFY(f.window.editorPane()->fileName().isEmpty());
        QVERIFY(!f.window.editorPane()->badge()->isActive());
        QCOMPARE(f.window.fileList()->model()->rowCount(), 0);
        QCOMPARE(f.window.connectionIndicator()->text(), QStringLiteral("Not connected"));
        QVERIFY(f.window.showsStartPage()); // no session yet
        f.feed.startFile(QStringLiteral("a.py"));
        QVERIFY(!f.window.showsStartPage()); // the first event opens the session view
        QVERIFY(f.window.followsAi());
        QVERIFY(!f.window.highlighterName().isEmpty());
    }

    void streamingFile_isShownWithTheBadge_andFollowed()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("src/app.py"),
                        QStringLiteral("import os\nprint(os.name)\n"));
        QCOMPARE(f.window.currentFile(), 0);
        QCOMPARE(f.window.editorPane()->fileName(), QStringLiteral("src/app.py"));
        QCOMPARE(shownText(f.window), QStringLiteral("import os\nprint(os.name)\n"));
        QVERIFY(f.window.editorPane()->badge()->isActive());
        QVERIFY(f.window.editorPane()->editor()->isWriting());
        QCOMPARE(f.window.fileList()->currentIndex().row(), 0);

        f.feed.completeFile(QStringLiteral("src/app.py"),
                            QStringLiteral("import os\nprint(os.name)\n"));
        QVERIFY(!f.window.editorPane()->badge()->isActive());
        QVERIFY(!f.window.editorPane()->editor()->isWriting());
    }

    void badge_goesOffTheMomentTheFileStopsStreaming_data()
    {
        QTest::addColumn<QString>("ending");
        QTest::newRow("file complete") << QStringLiteral("complete");
        QTest::newRow("file error") << QStringLiteral("error");
        QTest::newRow("rejected by the reader") << QStringLiteral("reject");
        QTest::newRow("session failed") << QStringLiteral("session error");
    }

    void badge_goesOffTheMomentTheFileStopsStreaming()
    {
        QFETCH(QString, ending);
        Fixture f;
        QVERIFY(!f.window.editorPane()->badge()->isActive()); // nothing streams yet
        f.feed.startFile(QStringLiteral("a.py"));
        QVERIFY(f.window.editorPane()->badge()->isActive()); // from the start, before any text
        f.feed.appendToFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QVERIFY(f.window.editorPane()->badge()->isActive());

        if (ending == u"complete") {
            f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        } else if (ending == u"error") {
            core::CodeEvent error;
            error.type = core::CodeEvent::Type::Error;
            error.fileName = QStringLiteral("a.py");
            error.error = QStringLiteral("model overloaded");
            f.feed.apply(error);
        } else if (ending == u"reject") {
            f.window.pacer()->rejectFile(QStringLiteral("a.py"));
        } else {
            core::SessionEvent failed;
            failed.type = core::SessionEvent::Type::Error;
            failed.error = QStringLiteral("agent crashed");
            f.feed.apply(failed);
        }
        QVERIFY(!f.window.editorPane()->badge()->isActive());
        QVERIFY(!f.window.editorPane()->editor()->isWriting());
        QVERIFY(!f.window.editorPane()->editor()->isReadOnly()); // the reader may edit it now
    }

    void nextFile_switchesTheEditorToIt()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.rs"), QStringLiteral("fn a() {}\n"));
        f.feed.completeFile(QStringLiteral("a.rs"), QStringLiteral("fn a() {}\n"));
        f.feed.typeFile(QStringLiteral("b.ts"), QStringLiteral("export const b = 1;\n"));
        QCOMPARE(f.window.currentFile(), 1);
        QCOMPARE(shownText(f.window), QStringLiteral("export const b = 1;\n"));
        QVERIFY(f.window.editorPane()->badge()->isActive());
        QCOMPARE(f.window.fileList()->model()->rowCount(), 2);
    }

    void pickingAFile_stopsFollowing_untilAskedAgain()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.rs"), QStringLiteral("fn a() {}\n"));
        f.feed.completeFile(QStringLiteral("a.rs"), QStringLiteral("fn a() {}\n"));
        f.feed.typeFile(QStringLiteral("b.ts"), QStringLiteral("let b"));

        // The reader picks a.rs while the AI writes b.ts.
        f.window.fileList()->setCurrentIndex(f.window.fileList()->model()->index(0, 0));
        QCOMPARE(f.window.currentFile(), 0);
        QVERIFY(!f.window.followsAi());
        QVERIFY(!f.window.editorPane()->badge()->isActive()); // a.rs is not being written

        f.feed.appendToFile(QStringLiteral("b.ts"), QStringLiteral(" = 2;\n"));
        f.feed.typeFile(QStringLiteral("c.go"), QStringLiteral("package c\n"));
        QCOMPARE(f.window.currentFile(), 0); // stays where the reader is
        QCOMPARE(shownText(f.window), QStringLiteral("fn a() {}\n"));

        f.window.setFollowAi(true);
        QCOMPARE(f.window.editorPane()->fileName(), QStringLiteral("c.go"));
        f.feed.typeFile(QStringLiteral("d.sql"), QStringLiteral("SELECT 1;\n"));
        QCOMPARE(f.window.editorPane()->fileName(), QStringLiteral("d.sql"));
    }

    void chat_streamsTokenByToken()
    {
        Fixture f;
        f.feed.chat(ChatEvent::Type::Start, QStringLiteral("m1"), {}, core::ChatRole::User);
        f.feed.chat(ChatEvent::Type::Delta, QStringLiteral("m1"), QStringLiteral("Build it"),
                    core::ChatRole::User);
        f.feed.chat(ChatEvent::Type::Complete, QStringLiteral("m1"), {}, core::ChatRole::User);
        f.feed.chat(ChatEvent::Type::Start, QStringLiteral("m2"));
        f.feed.chat(ChatEvent::Type::Delta, QStringLiteral("m2"), QStringLiteral("Sure"));
        ChatPanel *chat = f.window.chatPanel();
        QCOMPARE(chat->messageCount(), 2);
        QVERIFY(chat->bubble(1)->isStreaming());
        QCOMPARE(chat->bubble(1)->text(), QStringLiteral("Sure"));
        f.feed.chat(ChatEvent::Type::Delta, QStringLiteral("m2"), QStringLiteral(", on it."));
        QCOMPARE(chat->bubble(1)->text(), QStringLiteral("Sure, on it."));
        f.feed.chat(ChatEvent::Type::Complete, QStringLiteral("m2"));
        QVERIFY(!chat->bubble(1)->isStreaming());
        QCOMPARE(chat->transcript(), QStringLiteral("user: Build it\nassistant: Sure, on it."));
    }

    void tracker_showsTheCurrentStep()
    {
        Fixture f;
        ProgressTracker *tracker = f.window.progressTracker();
        QCOMPARE(tracker->currentStep(), -1);
        f.feed.step(StepName::Planning, StepEvent::Status::Start);
        QCOMPARE(tracker->currentStep(), 0);
        f.feed.step(StepName::Planning, StepEvent::Status::Complete);
        f.feed.step(StepName::Generating, StepEvent::Status::Start);
        QCOMPARE(tracker->currentStep(), 1);
        core::ProgressEvent progress;
        progress.percent = 40;
        progress.detail = QStringLiteral("Generating b.ts");
        f.feed.apply(progress);
        QCOMPARE(tracker->detailText(), QStringLiteral("Generating b.ts"));
    }

    void sessionComplete_stopsTheBadge_andSaysSo()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QVERIFY(f.window.editorPane()->badge()->isActive());
        f.feed.apply(core::SessionEvent {});
        QVERIFY(!f.window.editorPane()->badge()->isActive());
        QVERIFY(f.window.windowTitle().contains(QStringLiteral("complete")));
    }

    // Issue 18, 4: a file the source gave up on says why, in the editor header.
    void erroredFile_showsItsReasonInTheHeader()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("ok.py"), QStringLiteral("a = 1\n"));
        f.feed.completeFile(QStringLiteral("ok.py"), QStringLiteral("a = 1\n"));
        f.feed.typeFile(QStringLiteral("broken.js"), QStringLiteral("const x"));
        core::CodeEvent failure;
        failure.type = core::CodeEvent::Type::Error;
        failure.fileName = QStringLiteral("broken.js");
        failure.error = QStringLiteral("Failed to stream code");
        QVERIFY(f.feed.apply(failure));
        f.window.showFile(1);
        QCOMPARE(f.window.editorPane()->fileName(), QStringLiteral("broken.js"));
        QCOMPARE(f.window.editorPane()->fileError(), QStringLiteral("Failed to stream code"));
        f.window.showFile(0);
        QVERIFY(f.window.editorPane()->fileError().isEmpty());
    }

    void snapshot_keepsTheFileTheReaderIsOn()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("a = 1\n"));
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("a = 1\n"));
        f.feed.typeFile(QStringLiteral("b.py"), QStringLiteral("b = 2\n"));
        f.window.setFollowAi(false);
        f.window.showFile(0);
        const QJsonObject snapshot = f.model.toSnapshot();
        QVERIFY(f.model.loadSnapshot(snapshot));
        QCOMPARE(f.window.editorPane()->fileName(), QStringLiteral("a.py"));
        QCOMPARE(shownText(f.window), QStringLiteral("a = 1\n"));
        QCOMPARE(f.window.fileList()->model()->rowCount(), 2);
    }

    // A snapshot (a re-sync, a poll, a restored viewer state) names the session and its state.
    void snapshotOfACompleteSession_titlesTheWindow()
    {
        Fixture f;
        core::SessionModel other;
        EventFeeder feed(&other);
        feed.typeFile(QStringLiteral("a.py"), QStringLiteral("a = 1\n"));
        feed.apply(core::SessionEvent {});
        QVERIFY(!f.window.windowTitle().contains(QStringLiteral("complete")));
        QVERIFY(f.model.loadSnapshot(other.toSnapshot()));
        QVERIFY(f.window.windowTitle().contains(QStringLiteral("ui-test")));
        QVERIFY(f.window.windowTitle().contains(QStringLiteral("complete")));
    }

    void streamedText_neverEntersTheUndoStack_userEditsDo()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QTextDocument *document = f.window.documents()->document(0);
        QVERIFY(!document->isUndoAvailable());
        QVERIFY(f.window.editorPane()->editor()->isReadOnly());
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QVERIFY(!document->isUndoAvailable()); // nothing the AI wrote can be undone
        QVERIFY(!f.window.editorPane()->editor()->isReadOnly());

        QTextCursor cursor(document);
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(QStringLiteral("y = 2\n"));
        QVERIFY(document->isUndoAvailable());
        QVERIFY(f.window.documents()->isUserEdited(0));
        document->undo();
        QCOMPARE(document->toPlainText(), QStringLiteral("x = 1\n"));
        QVERIFY(!document->isUndoAvailable());
    }

    void userEdits_surviveALaterStream_keepMine()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QTextDocument *document = f.window.documents()->document(0);
        QTextCursor(document).insertText(QStringLiteral("# mine\n"));
        const QString mine = document->toPlainText();

        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 2\n")); // the AI rewrites it
        QVERIFY(f.window.documents()->hasConflict(0));
        QVERIFY(f.window.editorPane()->conflictBar()->isVisibleTo(&f.window));
        QCOMPARE(document->toPlainText(), mine); // nothing replaced before the user chooses
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 2\n"));
        QCOMPARE(document->toPlainText(), mine);

        f.window.editorPane()->conflictBar()->keepMineButton()->click();
        QVERIFY(!f.window.documents()->hasConflict(0));
        QVERIFY(!f.window.editorPane()->conflictBar()->isVisibleTo(&f.window));
        QCOMPARE(document->toPlainText(), mine);
        QCOMPARE(f.model.files().at(0).content, QStringLiteral("x = 2\n")); // the AI's is kept too

        QTemporaryDir dir;
        QStringList errors;
        QCOMPARE(f.window.saveAllTo(dir.path(), &errors), 1);
        QFile saved(dir.filePath(QStringLiteral("a.py")));
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(saved.readAll()), mine);
    }

    void userEdits_surviveALaterStream_takeTheirs()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QTextCursor(f.window.documents()->document(0)).insertText(QStringLiteral("# mine\n"));
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 2"));
        QVERIFY(f.window.editorPane()->conflictBar()->isVisibleTo(&f.window));
        f.window.editorPane()->conflictBar()->takeTheirsButton()->click();
        QCOMPARE(shownText(f.window), QStringLiteral("x = 2"));
        f.feed.appendToFile(QStringLiteral("a.py"), QStringLiteral("\n")); // the stream shows again
        QCOMPARE(shownText(f.window), QStringLiteral("x = 2\n"));
        QVERIFY(!f.window.documents()->isUserEdited(0));
    }

    void userEdits_surviveASnapshot()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QTextCursor(f.window.documents()->document(0)).insertText(QStringLiteral("# mine\n"));
        QVERIFY(f.model.loadSnapshot(f.model.toSnapshot())); // e.g. a resync after a reconnect
        QCOMPARE(f.window.documents()->document(0)->toPlainText(),
                 QStringLiteral("# mine\nx = 1\n"));
        QVERIFY(f.window.documents()->hasConflict(0));
    }

    void rejectedFile_isNotShownNorSaved()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("good.py"), QStringLiteral("ok = True\n"));
        f.feed.completeFile(QStringLiteral("good.py"), QStringLiteral("ok = True\n"));
        f.feed.typeFile(QStringLiteral("bad.py"), QStringLiteral("import shutil\n"));
        QCOMPARE(f.window.editorPane()->fileName(), QStringLiteral("bad.py"));
        QAction *reject = nullptr;
        for (QAction *action : f.window.findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("&Reject Current File"))
                reject = action;
        }
        QVERIFY(reject);
        QCOMPARE(reject->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
        reject->trigger();
        QCOMPARE(f.window.displayModel()->files().at(1).state, core::FileState::Error);
        QVERIFY(!f.window.editorPane()->badge()->isActive());
        f.feed.appendToFile(QStringLiteral("bad.py"), QStringLiteral("shutil.rmtree('/')\n"));
        QCOMPARE(shownText(f.window), QStringLiteral("import shutil\n"));
        QTemporaryDir dir;
        QStringList errors;
        QCOMPARE(f.window.saveAllTo(dir.path(), &errors), 1);
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("good.py"))));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("bad.py"))));
    }

    void speed_isStoredAsAPreference()
    {
        {
            Fixture f;
            f.window.setDisplaySpeed(DisplaySpeed::Slow);
        }
        core::SessionModel model;
        core::SessionClient client(&model);
        MainWindow window(&model, &client);
        QCOMPARE(window.displaySpeed(), DisplaySpeed::Slow);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
