#include "core/client/sessionclient.h"
#include "core/model/sessionanalytics.h"
#include "core/model/sessionmodel.h"
#include "core/server/demoscript.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "ui/analyticsdock.h"
#include "ui/analyticspanel.h"
#include "ui/chatpanel.h"
#include "ui/codeeditor.h"
#include "ui/debugconsole.h"
#include "ui/displaypacer.h"
#include "ui/editorpane.h"
#include "ui/eventlogmodel.h"
#include "ui/mainwindow.h"
#include "ui/progresstracker.h"
#include "ui/sessionview.h"
#include "ui/writingbadge.h"

#include <QDockWidget>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QScrollBar>
#include <QSet>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace inkstream;

// The window watching the demo session from the embedded publisher over a loopback socket —
// the `inkstream --demo` path, at high speed.
class TestGuiEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoSession_endsWithTheWindowShowingThePublishersFiles()
    {
        core::SessionHub hub;
        core::Publisher publisher(&hub);
        QVERIFY2(publisher.listen(QHostAddress::LocalHost, 0), qPrintable(publisher.errorString()));
        core::Session *session = hub.createSession();
        core::DemoScript script(session);
        QString error;
        QVERIFY2(script.load(core::DemoScript::defaultScriptPath(), &error), qPrintable(error));
        script.setSpeed(40);

        core::SessionModel model;
        core::SessionClient client(&model);
        ui::MainWindow window(&model, &client);
        window.setDisplaySpeed(ui::DisplaySpeed::Instant);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // What the reader saw while the stream ran: which files had the badge on.
        QSet<QString> filesShownWhileWriting;
        connect(&model, &core::SessionModel::fileTextAppended, this, [&] {
            if (window.sessionView()->editorPane()->badge()->isActive())
                filesShownWhileWriting.insert(window.sessionView()->editorPane()->fileName());
        });

        client.connectTo(publisher.sessionUrl(session->id()));
        QTRY_COMPARE(publisher.subscriberCount(session->id()), 1);
        QVERIFY(script.start());
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), core::SessionState::Complete, 60000);

        const core::SessionModel &published = *session->model();
        QVERIFY(published.files().size() >= 3);
        QCOMPARE(filesShownWhileWriting.size(), published.files().size());
        QCOMPARE(window.sessionView()->fileList()->model()->rowCount(),
                 int(published.files().size()));
        for (int i = 0; i < published.files().size(); ++i) {
            window.showFile(i);
            QCOMPARE(window.sessionView()->editorPane()->fileName(), published.files().at(i).name);
            QCOMPARE(window.sessionView()->editorPane()->editor()->toPlainText(),
                     published.files().at(i).content);
        }
        QVERIFY(!window.sessionView()->editorPane()->badge()->isActive());
        QCOMPARE(window.sessionView()->chatPanel()->messageCount(), int(published.chat().size()));
        QCOMPARE(window.sessionView()->progressTracker()->currentStep(), -1);
        for (const core::StepInfo &step : model.steps())
            QCOMPARE(step.state, core::StepState::Complete);
        QCOMPARE(model.progress(), 100);

        // Analytics of the live session: every event, every character of code, in order.
        const core::SessionAnalytics &analytics = window.analytics();
        QCOMPARE(analytics.events(), qint64(client.eventsReceived()));
        qint64 codePoints = 0;
        for (const core::SessionFile &file : published.files())
            codePoints += file.content.toUcs4().size();
        QCOMPARE(analytics.codeChars(), codePoints);
        QVERIFY(analytics.timeToFirstEventMs().has_value());
        QVERIFY(*analytics.timeToFirstCodeMs() >= *analytics.timeToFirstEventMs());
        QVERIFY(analytics.durationMs() > 0);
        window.analyticsDock()->setVisible(true);
        ui::AnalyticsPanel *panel = window.analyticsPanel();
        QCOMPARE(panel->fieldText(QStringLiteral("events")),
                 QLocale().toString(analytics.events()));
        QCOMPARE(panel->fieldText(QStringLiteral("codeChars")), QLocale().toString(codePoints));
        QCOMPARE(panel->fieldText(QStringLiteral("reconnects")), QStringLiteral("0"));
        window.analyticsDock()->setVisible(false);

        // The debug console saw every event the client received.
        ui::DebugConsole *console = window.debugConsole();
        QCOMPARE(console->log()->totalEvents(), qsizetype(client.eventsReceived()));
        QCOMPARE(console->visibleRows(), int(client.eventsReceived()));
        // Opened after the session, it shows the newest events, not the first ones.
        window.debugDock()->show();
        QScrollBar *rows = console->findChild<QTableView *>()->verticalScrollBar();
        QTRY_VERIFY(rows->maximum() > 0 && rows->value() == rows->maximum());

        console->filterField()->setText(QStringLiteral("\"step\""));
        QVERIFY(console->visibleRows() >= 8); // four steps, start and complete each
        QVERIFY(console->visibleRows() < int(client.eventsReceived()));
        const QStringList lines = console->copyRows().split(u'\n');
        QCOMPARE(lines.size(), console->visibleRows());
        for (const QString &line : lines) {
            const QJsonObject row = QJsonDocument::fromJson(line.toUtf8()).object();
            QCOMPARE(row.value(QStringLiteral("event")).toString(), QStringLiteral("step"));
            QVERIFY(row.value(QStringLiteral("bytes")).toInt() > 0);
        }
    }
};

QTEST_MAIN(TestGuiEndToEnd)
#include "tst_guiendtoend.moc"
