#include "core/client/connectionsettings.h"
#include "core/client/sessionclient.h"
#include "core/model/sessionanalytics.h"
#include "core/model/sessionmodel.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "eventfeeder.h"
#include "ui/aboutdialog.h"
#include "ui/chatbubble.h"
#include "ui/chatpanel.h"
#include "ui/codeeditor.h"
#include "ui/conflictbar.h"
#include "ui/connectdialog.h"
#include "ui/connectionindicator.h"
#include "ui/debugconsole.h"
#include "ui/displaypacer.h"
#include "ui/editorpane.h"
#include "ui/eventlogmodel.h"
#include "ui/filedocuments.h"
#include "ui/fileexporter.h"
#include "ui/filelistmodel.h"
#include "ui/highlighting/codetheme.h"
#include "ui/mainwindow.h"
#include "ui/progresstracker.h"
#include "ui/sessionview.h"
#include "ui/writingbadge.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QSizeGrip>
#include <QStatusBar>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextLayout>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

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
        return window.sessionView()->editorPane()->editor()->toPlainText();
    }

    // A loopback port nothing listens on (it was free a moment ago): connecting is refused.
    static quint16 refusingPort()
    {
        QTcpServer unused;
        if (!unused.listen(QHostAddress::LocalHost, 0))
            return 0;
        return unused.serverPort();
    }

    // Native over SSE to session `id` at `port`, retried `attempts` times `delay` apart.
    static core::ConnectionSettings refusedConnection(Fixture &f, quint16 port, const QString &id,
                                                      std::chrono::milliseconds delay, int attempts)
    {
        core::ReconnectPolicy policy;
        policy.baseDelay = delay;
        policy.maxAttempts = attempts;
        policy.serverRetryIsBase = false;
        f.client.setReconnectPolicy(policy);
        core::ConnectionSettings settings;
        settings.url
            = QUrl(QStringLiteral("http://127.0.0.1:%1/api/sessions/%2").arg(port).arg(id));
        settings.dialect = core::Dialect::Native;
        settings.transport = core::SessionClient::TransportMode::Sse;
        return settings;
    }

    // The window's action bound to `shortcut`.
    static QAction *actionFor(const MainWindow &window, const QKeySequence &shortcut)
    {
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->shortcut() == shortcut)
                return action;
        }
        return nullptr;
    }

    // Answers the next message box with `button` and keeps what it said (empty: none came).
    // Scoped: a box that never comes leaves no answer behind for a later test.
    class MessageBoxAnswer
    {
    public:
        explicit MessageBoxAnswer(QMessageBox::StandardButton button)
        {
            m_timer.setSingleShot(true);
            QObject::connect(&m_timer, &QTimer::timeout, [this, button] {
                auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
                if (!box)
                    return;
                text = box->text() + u'\n' + box->informativeText();
                box->button(button)->click();
            });
            m_timer.start(0);
        }
        QString text;

    private:
        QTimer m_timer;
    };

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
        QVERIFY(f.window.sessionView()->editorPane()->fileName().isEmpty());
        QVERIFY(!f.window.sessionView()->editorPane()->badge()->isActive());
        QCOMPARE(f.window.sessionView()->fileList()->model()->rowCount(), 0);
        QCOMPARE(f.window.connectionIndicator()->text(), QStringLiteral("Not connected"));
        QVERIFY(f.window.showsStartPage()); // no session yet
        f.feed.startFile(QStringLiteral("a.py"));
        QVERIFY(!f.window.showsStartPage()); // the first event opens the session view
        QVERIFY(f.window.followsAi());
        QVERIFY(!f.window.highlighterName().isEmpty());
    }

    // Issue 19, 1: a URL that never connected is said to have failed, with its host and reason,
    // in the empty editor too, and is not kept under Recent connections.
    void failedConnect_isExplained_andNotRemembered()
    {
        const quint16 port = refusingPort();
        QVERIFY(port != 0);
        Fixture f;
        QVERIFY(f.window.sessionView()->editorPane()->hint().contains(QStringLiteral("Ctrl+O")));
        core::ConnectionSettings settings
            = refusedConnection(f, port, QStringLiteral("typo"), std::chrono::milliseconds(10), 1);
        f.window.connectWith(settings);
        QTRY_COMPARE(f.client.state(), core::ConnectionState::Error);
        const QString hint = f.window.sessionView()->editorPane()->hint();
        QVERIFY2(hint.startsWith(QStringLiteral("Could not connect to 127.0.0.1:%1.").arg(port)),
                 qPrintable(hint));
        QVERIFY2(hint.contains(QStringLiteral("Connection refused")), qPrintable(hint));
        QVERIFY2(!hint.contains(QStringLiteral("Waiting for the AI")), qPrintable(hint));
        QVERIFY(ConnectDialog::recentEndpoints().isEmpty());

        // A URL that works is remembered once it connects.
        core::SessionHub hub;
        core::Publisher publisher(&hub);
        QVERIFY2(publisher.listen(QHostAddress::LocalHost, 0), qPrintable(publisher.errorString()));
        settings.url = publisher.sessionUrl(hub.createSession()->id());
        f.window.connectWith(settings);
        QTRY_COMPARE(f.client.state(), core::ConnectionState::Streaming);
        QCOMPARE(ConnectDialog::recentEndpoints(), QStringList {settings.url.toString()});
        QVERIFY2(f.window.sessionView()->editorPane()->hint().startsWith(
                     QStringLiteral("Waiting for the AI")),
                 qPrintable(f.window.sessionView()->editorPane()->hint()));
    }

    // Issue 19, 1: while the first connection is retried, the empty editor says why it failed
    // and that it tries again (it said "Connecting to …" with the reason nowhere in the window).
    void retriedConnect_editorSaysWhyAndThatItTriesAgain()
    {
        const quint16 port = refusingPort();
        QVERIFY(port != 0);
        Fixture f;
        f.window.connectWith(refusedConnection(f, port, QStringLiteral("later"),
                                               std::chrono::milliseconds(200), 50));
        QTRY_COMPARE(f.client.state(), core::ConnectionState::Retrying);
        QTRY_VERIFY2(f.window.sessionView()->editorPane()->hint().contains(
                         QStringLiteral("Connection refused")),
                     qPrintable(f.window.sessionView()->editorPane()->hint()));
        const QString hint = f.window.sessionView()->editorPane()->hint();
        QVERIFY2(hint.startsWith(QStringLiteral("Could not connect to 127.0.0.1:%1").arg(port)),
                 qPrintable(hint));
        QVERIFY2(hint.contains(QStringLiteral("Trying again")), qPrintable(hint));
        f.client.disconnectFromSession();
    }

    // Issue 19, 3: a second session counts for itself in the analytics and the debug console,
    // which marks where it starts.
    void secondSession_startsItsOwnAnalyticsAndConsoleSection()
    {
        core::SessionHub hub;
        core::Publisher publisher(&hub);
        QVERIFY2(publisher.listen(QHostAddress::LocalHost, 0), qPrintable(publisher.errorString()));
        Fixture f;
        const auto follow = [&](core::Session *session) {
            core::ChatEvent chat;
            chat.type = core::ChatEvent::Type::Start;
            chat.messageId = QStringLiteral("m");
            chat.delta = QStringLiteral("hello");
            session->publish(chat);
            f.client.connectTo(publisher.sessionUrl(session->id()));
            QTRY_VERIFY(f.window.analytics().events() >= 1);
        };
        follow(hub.createSession());
        const qint64 firstEvents = f.window.analytics().events();
        EventLogModel *log = f.window.debugConsole()->log();
        QCOMPARE(log->totalEvents(), firstEvents);
        QCOMPARE(log->isDivider(0), false);

        core::Session *second = hub.createSession();
        follow(second);
        QCOMPARE(f.window.analytics().events(), log->totalEvents()); // only the second's
        int dividers = 0;
        for (int row = 0; row < log->rowCount(); ++row)
            dividers += log->isDivider(row) ? 1 : 0;
        QCOMPARE(dividers, 1);
        QVERIFY(log->isDivider(int(firstEvents)));
        QVERIFY(log->index(int(firstEvents), EventLogModel::JsonColumn)
                    .data()
                    .toString()
                    .contains(second->id()));
    }

    // Issue 19, 4: the first window fits the screen, down to 800×600.
    void firstWindow_fitsTheScreen()
    {
        QCOMPARE(MainWindow::firstRunSize(QSize(1920, 1050)), QSize(1400, 860));
        const QSize small = MainWindow::firstRunSize(QSize(800, 570)); // 800×600 less a panel
        QVERIFY(small.width() <= 800 && small.height() <= 570);
        QVERIFY(small.width() >= 700 && small.height() >= 500);
        QCOMPARE(MainWindow::firstRunSize(QSize()), QSize(1400, 860)); // no screen known
    }

    // Issue 19, 4: at 800×600 the editor keeps room for code and the badge stays whole; the
    // header keeps its height when the badge goes.
    void smallWindow_editorKeepsRoom_badgeStaysWhole()
    {
        Fixture f;
        f.window.resize(800, 600);
        f.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.window));
        f.feed.startFile(QStringLiteral("a_rather_long_module_name_for_a_narrow_window.py"));
        f.feed.appendToFile(QStringLiteral("a_rather_long_module_name_for_a_narrow_window.py"),
                            QStringLiteral("x = 1\n"));
        QTRY_VERIFY(f.window.sessionView()->editorPane()->badge()->isActive());
        QCOMPARE(f.window.width(), 800);
        QVERIFY2(f.window.sessionView()->editorPane()->width() >= 360,
                 qPrintable(QString::number(f.window.sessionView()->editorPane()->width())));
        WritingBadge *badge = f.window.sessionView()->editorPane()->badge();
        QTRY_COMPARE(badge->width(), badge->sizeHint().width());
        const int headerWithBadge
            = f.window.sessionView()->editorPane()->editor()->mapTo(&f.window, QPoint()).y();
        f.feed.completeFile(QStringLiteral("a_rather_long_module_name_for_a_narrow_window.py"),
                            QStringLiteral("x = 1\n"));
        QTRY_VERIFY(!badge->isActive());
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); // any relayout
        QCOMPARE(f.window.sessionView()->editorPane()->editor()->mapTo(&f.window, QPoint()).y(),
                 headerWithBadge);
    }

    // Issue 19, 4: on a narrow window the side panes fold away, the file list first, so the
    // editor keeps room; they come back as the window widens. The View actions follow, and the
    // reader's own choice wins over the folding.
    void narrowWindow_foldsTheSidePanes_editorKeepsPriority()
    {
        Fixture f;
        QWidget *files = f.window.sessionView()->filesPane();
        QWidget *chat = f.window.sessionView()->chatPane();
        f.window.resize(1200, 700);
        f.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.window));
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        const auto shown = [&](bool filesShown, bool chatShown) {
            QTRY_COMPARE(files->isVisible(), filesShown);
            QTRY_COMPARE(chat->isVisible(), chatShown);
            QCOMPARE(f.window.filesPaneAction()->isChecked(), filesShown);
            QCOMPARE(f.window.chatPaneAction()->isChecked(), chatShown);
        };
        shown(true, true);
        f.window.resize(800, 600); // all three still fit at 800 px
        shown(true, true);
        QTRY_VERIFY2(f.window.sessionView()->editorPane()->width() >= 400,
                     qPrintable(QString::number(f.window.sessionView()->editorPane()->width())));
        f.window.resize(700, 600);
        shown(false, true);
        QTRY_VERIFY(f.window.sessionView()->editorPane()->width() >= 400);
        f.window.resize(520, 500); // the width the chat pane still held it to, so the chat folds
        shown(false, false);
        f.window.resize(520, 500); // as a drag goes on: now nothing holds the window wider
        QTRY_COMPARE(f.window.width(), 520);
        QVERIFY(f.window.sessionView()->editorPane()->width() >= 400);
        f.window.resize(1200, 700);
        shown(true, true);

        // Hidden by the reader: stays hidden whatever the width.
        f.window.filesPaneAction()->trigger();
        shown(false, true);
        f.window.resize(700, 600);
        f.window.resize(1200, 700);
        shown(false, true);
        f.window.filesPaneAction()->trigger();
        shown(true, true);

        // Asked for while folded: it comes back, the other pane folds instead.
        f.window.resize(700, 600);
        shown(false, true);
        f.window.filesPaneAction()->trigger();
        shown(true, false);
    }

    // Issue 19, 9: a status message is read whole at 800 px, even beside a long connection
    // state ("…Ctrl+L follows agai" was cut off).
    void statusMessage_isReadWholeAt800Pixels()
    {
        Fixture f;
        f.window.resize(800, 600);
        f.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.window));
        const quint16 port = refusingPort();
        QVERIFY(port != 0);
        f.client.connectTo(
            QUrl(QStringLiteral("http://127.0.0.1:%1/api/sessions/a-session-with-a-long-name")
                     .arg(port)));
        QTRY_VERIFY(
            f.window.connectionIndicator()->text().startsWith(QStringLiteral("Could not connect")));
        f.feed.typeFile(QStringLiteral("shortener/store.py"), QStringLiteral("x = 1\n"));
        f.feed.completeFile(QStringLiteral("shortener/store.py"), QStringLiteral("x = 1\n"));
        f.feed.typeFile(QStringLiteral("web/src/client.ts"), QStringLiteral("let b"));
        f.window.sessionView()->fileList()->setCurrentIndex(
            f.window.sessionView()->fileList()->model()->index(0, 0));
        QStatusBar *bar = f.window.statusBar();
        const QString message = bar->currentMessage();
        QVERIFY2(message.endsWith(QStringLiteral("Ctrl+L follows again")), qPrintable(message));
        // Where QStatusBar draws a message: from 6 px to 2 px before the first permanent widget
        // shown (or 12 px before the right edge).
        const auto room = [bar] {
            int right = bar->width() - 12;
            for (QWidget *child : bar->findChildren<QWidget *>(Qt::FindDirectChildrenOnly)) {
                if (child->isVisible() && !qobject_cast<QSizeGrip *>(child))
                    right = qMin(right, child->x() - 2);
            }
            return right - 6;
        };
        const int needed = bar->fontMetrics().horizontalAdvance(message);
        QTRY_VERIFY2(
            room() >= needed,
            qPrintable(QStringLiteral("%1 px for a message of %2 px").arg(room()).arg(needed)));
        // The details are back once the message is gone.
        bar->clearMessage();
        QTRY_VERIFY(room() < needed);
    }

    // Issue 19, 9: View > Theme applies at once — the palette, the editor, its highlighting,
    // the chat — and "system" goes back to the platform's palette; re-colouring is no edit.
    void themeSwitch_appliesAtOnce()
    {
        Fixture f;
        f.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.window));
        const QPalette platform = QApplication::palette();
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("def f():\n    return 1\n"));
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("def f():\n    return 1\n"));
        f.feed.chat(ChatEvent::Type::Start, QStringLiteral("m"));
        f.feed.chat(ChatEvent::Type::Delta, QStringLiteral("m"), QStringLiteral("Done."));
        f.feed.chat(ChatEvent::Type::Complete, QStringLiteral("m"));
        const auto themeAction = [&f](const QString &title) -> QAction * {
            for (QAction *action : f.window.findChildren<QAction *>()) {
                if (action->text() == title)
                    return action;
            }
            return nullptr;
        };
        // The colour the highlighter gave `def`, the first word of the file.
        const auto keywordColour = [&f] {
            const QTextBlock first
                = f.window.sessionView()->editorPane()->editor()->document()->firstBlock();
            for (const QTextLayout::FormatRange &range : first.layout()->formats()) {
                if (range.start == 0)
                    return range.format.foreground().color();
            }
            return QColor();
        };
        for (const auto &[title, theme] :
             {std::pair {QStringLiteral("&Dark"), &CodeTheme::dark()},
              std::pair {QStringLiteral("&Light"), &CodeTheme::light()},
              std::pair {QStringLiteral("&Dark"), &CodeTheme::dark()}}) {
            QAction *action = themeAction(title);
            QVERIFY(action);
            action->trigger();
            QCOMPARE(QApplication::palette().color(QPalette::Window).lightness() < 128,
                     theme->isDark);
            QCOMPARE(
                f.window.sessionView()->editorPane()->editor()->palette().color(QPalette::Base),
                theme->background);
            QCOMPARE(keywordColour(), theme->tokens[size_t(CodeTheme::Token::Keyword)]);
            QVERIFY(f.window.sessionView()->chatPanel()->bubble(0)->styleSheet().contains(
                theme->isDark ? QStringLiteral("#2d2d30") : QStringLiteral("#f1f1f4")));
            QVERIFY(!f.window.documents()->isUserEdited(0));
        }
        // Following the system again: the platform's palette decides (light here).
        themeAction(QStringLiteral("Follow the &System"))->trigger();
        QCOMPARE(QApplication::palette().color(QPalette::Window).lightness() < 128,
                 platform.color(QPalette::Window).lightness() < 128);
        QCOMPARE(f.window.sessionView()->editorPane()->editor()->palette().color(QPalette::Base),
                 CodeTheme::current().background);
        QCOMPARE(QSettings().value(QStringLiteral("appearance/theme")).toString(),
                 QStringLiteral("system"));
    }

    // Issue 19, 9: Help > About says what a bug report needs (it was a bare box): version,
    // licence, where to report, the components and paths, and copies them in one click.
    void aboutBox_saysWhatABugReportNeeds()
    {
        Fixture f;
        f.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.window));
        QAction *about = nullptr;
        for (QAction *action : f.window.findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("&About Inkstream"))
                about = action;
        }
        QVERIFY(about);
        QString report;
        QStringList tabs;
        QString clipboard;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = qobject_cast<AboutDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            for (int i = 0; i < dialog->tabs()->count(); ++i)
                tabs << dialog->tabs()->tabText(i);
            report = dialog->report();
            dialog->copyButton()->click();
            clipboard = QApplication::clipboard()->text();
            dialog->reject();
        });
        about->trigger();
        QCOMPARE(tabs,
                 QStringList({QStringLiteral("&About"), QStringLiteral("Co&mponents"),
                              QStringLiteral("&Paths")}));
        QVERIFY2(report.contains(QStringLiteral("Inkstream: " INKSTREAM_VERSION)),
                 qPrintable(report));
        QVERIFY(
            report.contains(QStringLiteral("Qt (running): ") + QString::fromLatin1(qVersion())));
        QVERIFY(report.contains(QStringLiteral("Syntax highlighting: ")));
        QVERIFY(report.contains(QStringLiteral("Settings: ") + QSettings().fileName()));
        QCOMPARE(clipboard, report);
    }

    void streamingFile_isShownWithTheBadge_andFollowed()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("src/app.py"),
                        QStringLiteral("import os\nprint(os.name)\n"));
        QCOMPARE(f.window.currentFile(), 0);
        QCOMPARE(f.window.sessionView()->editorPane()->fileName(), QStringLiteral("src/app.py"));
        QCOMPARE(shownText(f.window), QStringLiteral("import os\nprint(os.name)\n"));
        QVERIFY(f.window.sessionView()->editorPane()->badge()->isActive());
        QVERIFY(f.window.sessionView()->editorPane()->editor()->isWriting());
        QCOMPARE(f.window.sessionView()->fileList()->currentIndex().row(), 0);

        f.feed.completeFile(QStringLiteral("src/app.py"),
                            QStringLiteral("import os\nprint(os.name)\n"));
        QVERIFY(!f.window.sessionView()->editorPane()->badge()->isActive());
        QVERIFY(!f.window.sessionView()->editorPane()->editor()->isWriting());
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
        QVERIFY(!f.window.sessionView()->editorPane()->badge()->isActive()); // nothing streams yet
        f.feed.startFile(QStringLiteral("a.py"));
        QVERIFY(f.window.sessionView()->editorPane()->badge()->isActive()); // from the start,
                                                                            // before any text
        f.feed.appendToFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QVERIFY(f.window.sessionView()->editorPane()->badge()->isActive());

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
        QVERIFY(!f.window.sessionView()->editorPane()->badge()->isActive());
        QVERIFY(!f.window.sessionView()->editorPane()->editor()->isWriting());
        QVERIFY(!f.window.sessionView()->editorPane()->editor()->isReadOnly()); // the reader may
                                                                                // edit it now
    }

    void nextFile_switchesTheEditorToIt()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.rs"), QStringLiteral("fn a() {}\n"));
        f.feed.completeFile(QStringLiteral("a.rs"), QStringLiteral("fn a() {}\n"));
        f.feed.typeFile(QStringLiteral("b.ts"), QStringLiteral("export const b = 1;\n"));
        QCOMPARE(f.window.currentFile(), 1);
        QCOMPARE(shownText(f.window), QStringLiteral("export const b = 1;\n"));
        QVERIFY(f.window.sessionView()->editorPane()->badge()->isActive());
        QCOMPARE(f.window.sessionView()->fileList()->model()->rowCount(), 2);
    }

    void pickingAFile_stopsFollowing_untilAskedAgain()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.rs"), QStringLiteral("fn a() {}\n"));
        f.feed.completeFile(QStringLiteral("a.rs"), QStringLiteral("fn a() {}\n"));
        f.feed.typeFile(QStringLiteral("b.ts"), QStringLiteral("let b"));

        // The reader picks a.rs while the AI writes b.ts.
        f.window.sessionView()->fileList()->setCurrentIndex(
            f.window.sessionView()->fileList()->model()->index(0, 0));
        QCOMPARE(f.window.currentFile(), 0);
        QVERIFY(!f.window.followsAi());
        QVERIFY(!f.window.sessionView()->editorPane()->badge()->isActive()); // a.rs is not being
                                                                             // written

        f.feed.appendToFile(QStringLiteral("b.ts"), QStringLiteral(" = 2;\n"));
        f.feed.typeFile(QStringLiteral("c.go"), QStringLiteral("package c\n"));
        QCOMPARE(f.window.currentFile(), 0); // stays where the reader is
        QCOMPARE(shownText(f.window), QStringLiteral("fn a() {}\n"));

        f.window.setFollowAi(true);
        QCOMPARE(f.window.sessionView()->editorPane()->fileName(), QStringLiteral("c.go"));
        f.feed.typeFile(QStringLiteral("d.sql"), QStringLiteral("SELECT 1;\n"));
        QCOMPARE(f.window.sessionView()->editorPane()->fileName(), QStringLiteral("d.sql"));
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
        ChatPanel *chat = f.window.sessionView()->chatPanel();
        QCOMPARE(chat->messageCount(), 2);
        QVERIFY(chat->bubble(1)->isStreaming());
        QCOMPARE(chat->bubble(1)->text(), QStringLiteral("Sure"));
        f.feed.chat(ChatEvent::Type::Delta, QStringLiteral("m2"), QStringLiteral(", on it."));
        QCOMPARE(chat->bubble(1)->text(), QStringLiteral("Sure, on it."));
        f.feed.chat(ChatEvent::Type::Complete, QStringLiteral("m2"));
        QVERIFY(!chat->bubble(1)->isStreaming());
        QCOMPARE(chat->transcript(), QStringLiteral("user: Build it\nassistant: Sure, on it."));
    }

    // Issue 19, 6: every pane has a name for assistive technology, and the tracker reads as a
    // progress bar with its step.
    void panes_areNamed_andTheTrackerReadsAsProgress()
    {
        Fixture f;
        QCOMPARE(f.window.sessionView()->fileList()->accessibleName(), QStringLiteral("Files"));
        QCOMPARE(f.window.sessionView()->editorPane()->editor()->accessibleName(),
                 QStringLiteral("Code editor"));
        QCOMPARE(f.window.sessionView()->chatPanel()->scrollArea()->accessibleName(),
                 QStringLiteral("AI narration"));
        QCOMPARE(f.window.sessionView()->progressTracker()->accessibleName(),
                 QStringLiteral("Progress"));
        f.feed.step(StepName::Planning, StepEvent::Status::Complete);
        f.feed.step(StepName::Generating, StepEvent::Status::Start);
        core::ProgressEvent progress;
        progress.percent = 45;
        f.feed.apply(progress);
        QAccessibleInterface *tracker
            = QAccessible::queryAccessibleInterface(f.window.sessionView()->progressTracker());
        QVERIFY(tracker);
        QCOMPARE(tracker->role(), QAccessible::ProgressBar);
        QCOMPARE(tracker->text(QAccessible::Name), QStringLiteral("Progress"));
        QVERIFY(tracker->valueInterface());
        QCOMPARE(tracker->valueInterface()->currentValue().toInt(), 45);
        QCOMPARE(tracker->valueInterface()->maximumValue().toInt(), 100);
        QCOMPARE(tracker->text(QAccessible::Value),
                 QStringLiteral("Generating, 45 %, step 2 of 4"));
    }

    // Issue 19, 6: Tab walks files → editor (left with Ctrl+Tab) → narration → prompt → toolbar →
    // tracker, and back to the start.
    void tab_walksEveryPane()
    {
        Fixture f;
        f.window.resize(1200, 800); // wide enough for every pane (narrower, the side panes fold)
        f.window.show();
        f.window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&f.window));
        f.feed.startFile(QStringLiteral("a.py")); // the session view
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        f.window.sessionView()->fileList()->setFocus();
        QList<QWidget *> visited;
        for (int i = 0; i < 30 && !visited.contains(QApplication::focusWidget()); ++i) {
            QWidget *focused = QApplication::focusWidget();
            QVERIFY(focused);
            visited << focused;
            const bool inEditor = focused == f.window.sessionView()->editorPane()->editor();
            QTest::keyClick(focused, Qt::Key_Tab, inEditor ? Qt::ControlModifier : Qt::NoModifier);
        }
        QStringList names;
        for (QWidget *widget : visited)
            names << QString::fromLatin1(widget->metaObject()->className()) + u':'
                    + widget->accessibleName();
        QVERIFY2(QApplication::focusWidget() == f.window.sessionView()->fileList(), // round
                 qPrintable(names.join(QStringLiteral(" → "))));
        const qsizetype editor = visited.indexOf(f.window.sessionView()->editorPane()->editor());
        const qsizetype chat = visited.indexOf(f.window.sessionView()->chatPanel()->scrollArea());
        const qsizetype tracker = visited.indexOf(f.window.sessionView()->progressTracker());
        QVERIFY2(editor == 1 && chat == 2 && tracker == visited.size() - 1,
                 qPrintable(QStringLiteral("editor %1, chat %2, tracker %3 of %4")
                                .arg(editor)
                                .arg(chat)
                                .arg(tracker)
                                .arg(visited.size())));
        int toolButtons = 0;
        for (QWidget *widget : visited)
            toolButtons += qobject_cast<QToolButton *>(widget) ? 1 : 0;
        QVERIFY2(toolButtons >= 5, qPrintable(QString::number(toolButtons)));
        QCOMPARE(f.window.sessionView()->editorPane()->editor()->toPlainText(),
                 QStringLiteral("x = 1\n"));
    }

    // Issue 19, 9: --record shows for as long as it records; the toolbar waits for a session.
    void recording_isShownLastingly_toolbarWaitsForASession()
    {
        Fixture f;
        QVERIFY(f.window.recordingText().isEmpty());
        auto *toolBar = f.window.findChild<QToolBar *>(QStringLiteral("streamToolBar"));
        QVERIFY(toolBar);
        QVERIFY(!toolBar->isEnabled()); // nothing to pause or follow yet
        f.window.showRecording(QStringLiteral("/tmp/session.inkrec"));
        QVERIFY2(f.window.recordingText().contains(QStringLiteral("/tmp/session.inkrec")),
                 qPrintable(f.window.recordingText()));
        f.feed.startFile(QStringLiteral("a.py"));
        QVERIFY(toolBar->isEnabled());
        QVERIFY(!f.window.recordingText().isEmpty()); // still there: not a passing message
    }

    void tracker_showsTheCurrentStep()
    {
        Fixture f;
        ProgressTracker *tracker = f.window.sessionView()->progressTracker();
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
        // The station already says "Generating" (issue 19, 9: not twice).
        QCOMPARE(tracker->detailText(), QStringLiteral("b.ts"));
    }

    void sessionComplete_stopsTheBadge_andSaysSo()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QVERIFY(f.window.sessionView()->editorPane()->badge()->isActive());
        f.feed.apply(core::SessionEvent {});
        QVERIFY(!f.window.sessionView()->editorPane()->badge()->isActive());
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
        QCOMPARE(f.window.sessionView()->editorPane()->fileName(), QStringLiteral("broken.js"));
        QCOMPARE(f.window.sessionView()->editorPane()->fileError(),
                 QStringLiteral("Failed to stream code"));
        f.window.showFile(0);
        QVERIFY(f.window.sessionView()->editorPane()->fileError().isEmpty());
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
        QCOMPARE(f.window.sessionView()->editorPane()->fileName(), QStringLiteral("a.py"));
        QCOMPARE(shownText(f.window), QStringLiteral("a = 1\n"));
        QCOMPARE(f.window.sessionView()->fileList()->model()->rowCount(), 2);
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
        // Qt adds "— Inkstream" (the display name): the title does not say it again.
        QVERIFY2(!f.window.windowTitle().contains(QStringLiteral("Inkstream")),
                 qPrintable(f.window.windowTitle()));
    }

    // A big file shown after a snapshot gets its text in slices; until it is whole the editor
    // is read-only, so nothing the reader types lands between two slices.
    void aFileStillFilling_isReadOnlyUntilWhole()
    {
        Fixture f;
        core::SessionModel source;
        EventFeeder feedSource(&source);
        const QString text = QStringLiteral("x = 'caf\u00e9'\n").repeated(60000);
        feedSource.typeFile(QStringLiteral("big.py"), text, 65536);
        feedSource.completeFile(QStringLiteral("big.py"), text);
        f.model.copyFrom(source);
        f.window.show();
        CodeEditor *editor = f.window.sessionView()->editorPane()->editor();
        QCOMPARE(f.window.sessionView()->editorPane()->fileName(), QStringLiteral("big.py"));
        QVERIFY(f.window.documents()->isFilling(0));
        QVERIFY(editor->isReadOnly());
        QTRY_VERIFY_WITH_TIMEOUT(!f.window.documents()->isFilling(0), 20000);
        QVERIFY(!editor->isReadOnly()); // complete: the user may edit it now
        QCOMPARE(editor->toPlainText(), text);
    }

    void streamedText_neverEntersTheUndoStack_userEditsDo()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QTextDocument *document = f.window.documents()->document(0);
        QVERIFY(!document->isUndoAvailable());
        QVERIFY(f.window.sessionView()->editorPane()->editor()->isReadOnly());
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QVERIFY(!document->isUndoAvailable()); // nothing the AI wrote can be undone
        QVERIFY(!f.window.sessionView()->editorPane()->editor()->isReadOnly());

        QTextCursor cursor(document);
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(QStringLiteral("y = 2\n"));
        QVERIFY(document->isUndoAvailable());
        QVERIFY(f.window.documents()->isUserEdited(0));
        document->undo();
        QCOMPARE(document->toPlainText(), QStringLiteral("x = 1\n"));
        QVERIFY(!document->isUndoAvailable());
    }

    // Issue 19, 2: an edited file is marked in the list and the header, and running the demo
    // again asks before it replaces the edits.
    void userEdits_areMarked_andRunningTheDemoAgainAsksFirst()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        const QModelIndex row = f.window.sessionView()->fileList()->model()->index(0, 0);
        QVERIFY(!row.data(FileListModel::EditedRole).toBool());
        QVERIFY(!f.window.sessionView()->editorPane()->isEdited());
        QTextCursor(f.window.documents()->document(0)).insertText(QStringLiteral("# mine\n"));
        QVERIFY(row.data(FileListModel::EditedRole).toBool());
        QVERIFY2(row.data(FileListModel::SizeRole).toString().endsWith(QStringLiteral("· edited")),
                 qPrintable(row.data(FileListModel::SizeRole).toString()));
        QVERIFY(f.window.sessionView()->editorPane()->isEdited());

        QAction *demo = actionFor(f.window, QKeySequence(Qt::CTRL | Qt::Key_D));
        QVERIFY(demo);
        QSignalSpy demoRequested(&f.window, &MainWindow::localDemoRequested);
        {
            MessageBoxAnswer cancel(QMessageBox::Cancel);
            demo->trigger();
            QVERIFY2(cancel.text.contains(QStringLiteral("You edited 1 file")),
                     qPrintable(cancel.text));
        }
        QCOMPARE(demoRequested.size(), 0); // cancelled: the edits stay
        QVERIFY(f.window.documents()->isUserEdited(0));

        MessageBoxAnswer discard(QMessageBox::Discard);
        demo->trigger();
        QVERIFY(!discard.text.isEmpty());
        QCOMPARE(demoRequested.size(), 1);
    }

    // Without edits the demo starts again without a question.
    void runningTheDemoAgain_withoutEdits_asksNothing()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n"));
        QSignalSpy demoRequested(&f.window, &MainWindow::localDemoRequested);
        MessageBoxAnswer cancel(QMessageBox::Cancel);
        actionFor(f.window, QKeySequence(Qt::CTRL | Qt::Key_D))->trigger();
        QCOMPARE(demoRequested.size(), 1);
        QVERIFY(cancel.text.isEmpty());
    }

    // Issue 19, 7: Ctrl+S on a file the AI still writes asks before saving half of it.
    void saveWhileWriting_asksFirst()
    {
        Fixture f;
        f.feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 1\n")); // still writing
        MessageBoxAnswer cancel(QMessageBox::Cancel);
        actionFor(f.window, QKeySequence::Save)->trigger();
        QVERIFY2(cancel.text.contains(QStringLiteral("still writing a.py")),
                 qPrintable(cancel.text));
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
        QVERIFY(f.window.sessionView()->editorPane()->conflictBar()->isVisibleTo(&f.window));
        QCOMPARE(document->toPlainText(), mine); // nothing replaced before the user chooses
        f.feed.completeFile(QStringLiteral("a.py"), QStringLiteral("x = 2\n"));
        QCOMPARE(document->toPlainText(), mine);

        f.window.sessionView()->editorPane()->conflictBar()->keepMineButton()->click();
        QVERIFY(!f.window.documents()->hasConflict(0));
        QVERIFY(!f.window.sessionView()->editorPane()->conflictBar()->isVisibleTo(&f.window));
        QCOMPARE(document->toPlainText(), mine);
        QCOMPARE(f.model.files().at(0).content, QStringLiteral("x = 2\n")); // the AI's is kept too

        QTemporaryDir dir;
        QStringList errors;
        QCOMPARE(f.window.exporter()->saveAllTo(dir.path(), &errors), 1);
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
        QVERIFY(f.window.sessionView()->editorPane()->conflictBar()->isVisibleTo(&f.window));
        f.window.sessionView()->editorPane()->conflictBar()->takeTheirsButton()->click();
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
        QCOMPARE(f.window.sessionView()->editorPane()->fileName(), QStringLiteral("bad.py"));
        QAction *reject = nullptr;
        for (QAction *action : f.window.findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("&Reject Current File"))
                reject = action;
        }
        QVERIFY(reject);
        QCOMPARE(reject->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
        reject->trigger();
        QCOMPARE(f.window.displayModel()->files().at(1).state, core::FileState::Error);
        QVERIFY(!f.window.sessionView()->editorPane()->badge()->isActive());
        f.feed.appendToFile(QStringLiteral("bad.py"), QStringLiteral("shutil.rmtree('/')\n"));
        QCOMPARE(shownText(f.window), QStringLiteral("import shutil\n"));
        QTemporaryDir dir;
        QStringList errors;
        QCOMPARE(f.window.exporter()->saveAllTo(dir.path(), &errors), 1);
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
