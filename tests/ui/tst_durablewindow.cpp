#include "core/client/connectionsettings.h"
#include "core/client/sessionclient.h"
#include "core/client/viewerstate.h"
#include "core/model/sessionmodel.h"
#include "core/server/filestreamer.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "tests/support/eventbuilders.h"
#include "tests/support/fastpolicy.h"
#include "ui/chatpanel.h"
#include "ui/codeeditor.h"
#include "ui/displaypacer.h"
#include "ui/editorpane.h"
#include "ui/filedocuments.h"
#include "ui/filelistmodel.h"
#include "ui/mainwindow.h"
#include "ui/progresstracker.h"
#include "ui/sessionview.h"
#include "ui/startpage.h"
#include "ui/viewerstatestore.h"
#include "ui/writingbadge.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListView>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <memory>

using namespace inkstream;
using namespace std::chrono_literals;

namespace {

// An embedded publisher whose session lives in a log on disk, so it can be stopped and
// started again on the same port with the same session, as `serve --data-dir` does.
struct DurablePublisher
{
    QTemporaryDir data;
    QString id = QStringLiteral("durable");
    quint16 port = 0; // the first start() picks one; later ones take it again
    std::unique_ptr<core::SessionHub> hub;
    std::unique_ptr<core::Publisher> publisher;
    core::Session *session = nullptr;

    // A new hub restores the session from its log (and goes on typing what it had accepted).
    bool start()
    {
        hub = std::make_unique<core::SessionHub>();
        hub->setDataDirectory(data.path(), core::SessionLog::Fsync::Never);
        QString error;
        session = hub->createSession(id, &error);
        if (!session) {
            qWarning("cannot create the session: %s", qPrintable(error));
            return false;
        }
        publisher = std::make_unique<core::Publisher>(hub.get());
        publisher->setRetryInterval(50ms); // viewers come back quickly
        if (!publisher->listen(QHostAddress::LocalHost, port)) {
            qWarning("cannot listen on port %u: %s", unsigned(port),
                     qPrintable(publisher->errorString()));
            return false;
        }
        port = publisher->port();
        return true;
    }

    // Gone at once: its viewers' streams close, nothing answers on the port.
    void stop()
    {
        publisher.reset();
        session = nullptr;
        hub.reset();
    }

    QUrl url() const { return publisher ? publisher->sessionUrl(id) : lastUrl(); }
    QUrl lastUrl() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/api/sessions/%2").arg(port).arg(id));
    }
};

QString pythonFile(int functions)
{
    QString text = QStringLiteral("\"\"\"Generated while a viewer watched.\"\"\"\nimport math\n\n");
    for (int i = 0; i < functions; ++i) {
        text += QStringLiteral("\ndef area_%1(radius):\n"
                               "    \"\"\"Área of circle number %1 — π r².\"\"\"\n"
                               "    return math.pi * radius ** 2 + %1\n")
                    .arg(i);
    }
    return text;
}

void publishOpening(core::Session *session)
{
    session->publish(core::StepEvent {core::StepName::Planning, core::StepEvent::Status::Start,
                                      QStringLiteral("Planning the module...")});
    session->publish(core::ChatEvent {core::ChatEvent::Type::Start, QStringLiteral("m1"),
                                      core::ChatRole::Assistant,
                                      QStringLiteral("Writing geometry.py now."), 0});
    session->publish(core::ChatEvent {core::ChatEvent::Type::Complete, QStringLiteral("m1"),
                                      core::ChatRole::Assistant, QString(), -1});
    session->publish(
        core::StepEvent {core::StepName::Planning, core::StepEvent::Status::Complete, QString()});
    session->publish(core::StepEvent {core::StepName::Generating, core::StepEvent::Status::Start,
                                      QStringLiteral("Writing geometry.py")});
}

QString shownText(const ui::MainWindow &window)
{
    return window.sessionView()->editorPane()->editor()->toPlainText();
}

// Connects `window` to `url` (nothing else set), its display keeping up with what arrives.
void connectInstantly(ui::MainWindow &window, const QUrl &url)
{
    window.setDisplaySpeed(ui::DisplaySpeed::Instant);
    core::ConnectionSettings settings;
    settings.url = url;
    window.connectWith(settings);
}

// Whatever a window shows, once more, so that what it showed before can be compared.
struct Shown
{
    QStringList files;
    QString text;
    int chatMessages = 0;
    static Shown of(const ui::MainWindow &window)
    {
        Shown shown;
        for (const core::SessionFile &file : window.displayModel()->files())
            shown.files << file.name;
        shown.text = shownText(window);
        shown.chatMessages = window.sessionView()->chatPanel()->messageCount();
        return shown;
    }
    bool operator==(const Shown &) const = default;
};

} // namespace

class TestDurableWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_state; // XDG_STATE_HOME of this suite: its viewer states only

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_state.isValid());
        qputenv("XDG_STATE_HOME", m_state.path().toUtf8());
    }

    void init()
    {
        QSettings().clear();
        QDir(ui::ViewerStateStore::directory()).removeRecursively();
    }

    void stateFile_isOnePerSessionUrl()
    {
        const QString directory = ui::ViewerStateStore::directory();
        QCOMPARE(directory, m_state.path() + QStringLiteral("/inkstream/viewer"));
        const QString path = ui::ViewerStateStore::pathFor(
            QUrl(QStringLiteral("http://127.0.0.1:8080/api/sessions/demo-1")));
        QCOMPARE(QFileInfo(path).absolutePath(), directory);
        QVERIFY2(QFileInfo(path).fileName().startsWith(QStringLiteral("demo-1-")),
                 qPrintable(path));
        QVERIFY(path.endsWith(QStringLiteral(".json")));
        // Both spellings of one session share a file; another session, host or port does not.
        QCOMPARE(ui::ViewerStateStore::pathFor(
                     QUrl(QStringLiteral("http://127.0.0.1:8080/api/sessions/demo-1/"))),
                 path);
        QCOMPARE(ui::ViewerStateStore::pathFor(
                     QUrl(QStringLiteral("http://127.0.0.1:8080/api/sessions/x/../demo-1"))),
                 path);
        for (const char *other : {"http://127.0.0.1:8080/api/sessions/demo-2",
                                  "http://127.0.0.1:8081/api/sessions/demo-1",
                                  "http://localhost:8080/api/sessions/demo-1"})
            QVERIFY(ui::ViewerStateStore::pathFor(QUrl(QString::fromLatin1(other))) != path);

        const QByteArray saved = qgetenv("XDG_STATE_HOME");
        qunsetenv("XDG_STATE_HOME");
        QCOMPARE(ui::ViewerStateStore::directory(),
                 QDir::homePath() + QStringLiteral("/.local/state/inkstream/viewer"));
        qputenv("XDG_STATE_HOME", "relative/path"); // the XDG spec says to ignore it
        QCOMPARE(ui::ViewerStateStore::directory(),
                 QDir::homePath() + QStringLiteral("/.local/state/inkstream/viewer"));
        qputenv("XDG_STATE_HOME", saved);
    }

    void connectionLost_keepsWhatIsShown_andThePublisherComingBackContinuesIt_data()
    {
        QTest::addColumn<ui::DisplaySpeed>("speed");
        QTest::newRow("instant display") << ui::DisplaySpeed::Instant;
        // The display types behind the wire: it first shows what arrived, then holds still.
        QTest::newRow("normal display speed") << ui::DisplaySpeed::Normal;
    }

    void connectionLost_keepsWhatIsShown_andThePublisherComingBackContinuesIt()
    {
        QFETCH(ui::DisplaySpeed, speed);
        DurablePublisher publishing;
        QVERIFY(publishing.data.isValid());
        QVERIFY(publishing.start());
        publishOpening(publishing.session);
        const QString content = pythonFile(40);
        QVERIFY(publishing.session->fileStreamer()->enqueue(QStringLiteral("geometry.py"), content,
                                                            {5, 6, false}));
        publishing.session->completeWhenIdle({core::SessionEvent::Type::Complete, QString()});

        core::SessionModel model;
        core::SessionClient client(&model);
        client.setReconnectPolicy(test::fastPolicy(50ms, 200ms));
        ui::MainWindow window(&model, &client);
        window.setDisplaySpeed(speed);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        core::ConnectionSettings settings;
        settings.url = publishing.url();
        window.connectWith(settings);

        ui::WritingBadge *badge = window.sessionView()->editorPane()->badge();
        ui::ProgressTracker *tracker = window.sessionView()->progressTracker();
        QTRY_VERIFY_WITH_TIMEOUT(shownText(window).size() > 600, 20000);
        QVERIFY(badge->isActive());
        QVERIFY(badge->isPulsing());
        QVERIFY(!window.isStreamInterrupted());

        // From here on nothing shown may be taken away or typed again.
        QSignalSpy modelResets(window.displayModel(), &core::SessionModel::modelReset);
        QSignalSpy textResets(window.displayModel(), &core::SessionModel::fileTextReset);
        QSignalSpy rebuilds(window.documents(), &ui::FileDocuments::documentsAboutToBeReset);
        QSignalSpy replaced(window.documents(), &ui::FileDocuments::documentReplaced);
        QTextDocument *document = window.documents()->document(0);
        QVERIFY(document);
        int removed = 0;
        connect(document, &QTextDocument::contentsChange, this,
                [&](int, int charsRemoved, int) { removed += charsRemoved; });
        // Whether the badge pulsed when text showed again after the publisher came back.
        bool publisherBack = false;
        int textShownSinceBack = 0;
        bool pulsedWithNewText = true;
        connect(window.documents(), &ui::FileDocuments::documentAppended, this, [&] {
            if (!publisherBack)
                return;
            ++textShownSinceBack;
            pulsedWithNewText = pulsedWithNewText && badge->isPulsing();
        });

        // The publisher goes away mid-file.
        QSignalSpy retries(&client, &core::SessionClient::retryScheduled);
        publishing.stop();
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), core::ConnectionState::Retrying, 10000);
        QVERIFY(window.isStreamInterrupted());
        QVERIFY2(tracker->statusText().startsWith(QStringLiteral("Connection lost")),
                 qPrintable(tracker->statusText()));
        // The display shows what had arrived, then holds still: no pulse, no clock.
        QTRY_COMPARE_WITH_TIMEOUT(window.pacer()->pendingCharacters(), qsizetype(0), 10000);
        QCOMPARE(shownText(window), model.files().at(0).content);
        QVERIFY(badge->isActive()); // the file is unfinished...
        QVERIFY(!badge->isPulsing()); // ...and nobody writes it now
        QVERIFY(badge->isInterrupted());
        QVERIFY(badge->text() != QStringLiteral("AI Writing Code..."));
        auto *files = qobject_cast<ui::FileListModel *>(window.sessionView()->fileList()->model());
        QVERIFY(files && files->isInterrupted()); // its spinner holds still too
        QCOMPARE(tracker->currentStep(), int(core::StepName::Generating));
        const Shown atTheDrop = Shown::of(window);
        QCOMPARE(atTheDrop.files, QStringList {QStringLiteral("geometry.py")});
        QCOMPARE(atTheDrop.chatMessages, 1);
        QVERIFY(atTheDrop.text.size() < content.size());
        QVERIFY(content.startsWith(atTheDrop.text));
        const qint64 frozen = tracker->elapsedMs();
        // Three more attempts fail while the port is closed; nothing moves meanwhile.
        const int failedBefore = int(retries.size());
        QTRY_VERIFY_WITH_TIMEOUT(retries.size() >= failedBefore + 3, 10000);
        QCOMPARE(Shown::of(window), atTheDrop);
        QCOMPARE(tracker->elapsedMs(), frozen);
        QVERIFY(!badge->isPulsing());
        QVERIFY(window.isStreamInterrupted());

        // The publisher comes back on the same port with the same session, restored from its
        // log, and goes on typing; the window resumes where it was.
        QVERIFY(publishing.start());
        QCOMPARE(publishing.url(), settings.url);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isStreamInterrupted(), 10000);
        QVERIFY(!files->isInterrupted());
        publisherBack = true;
        QTRY_VERIFY_WITH_TIMEOUT(tracker->elapsedMs() > frozen, 10000); // the clock goes on
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), core::SessionState::Complete, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(window.displayModel()->state(), core::SessionState::Complete,
                                  20000);
        window.showFile(0);
        QCOMPARE(shownText(window), content); // byte for byte what was published
        QCOMPARE(shownText(window), publishing.session->model()->files().at(0).content);
        QVERIFY(textShownSinceBack > 0);
        QVERIFY(pulsedWithNewText);
        QVERIFY(!badge->isActive()); // complete
        QCOMPARE(window.sessionView()->chatPanel()->messageCount(), 1);
        QCOMPARE(modelResets.size(), 0);
        QCOMPARE(textResets.size(), 0);
        QCOMPARE(rebuilds.size(), 0);
        QCOMPARE(replaced.size(), 0);
        QCOMPARE(removed, 0); // the text only grew
        QCOMPARE(window.documents()->document(0), document);
        QVERIFY(client.reconnects() >= 1);
        QCOMPARE(client.resyncs(), 0);
        QCOMPARE(client.newHistories(), 0);
    }

    // Being connected again is not writing again: the badge waits for the AI's next move.
    void connectionBack_theBadgePulsesOnlyWhenTheAiWritesAgain()
    {
        DurablePublisher publishing;
        QVERIFY(publishing.start());
        publishing.session->publish(
            test::code(core::CodeEvent::Type::Start, QStringLiteral("a.py")));
        publishing.session->publish(test::code(core::CodeEvent::Type::Delta, QStringLiteral("a.py"),
                                               QStringLiteral("a = 1\n")));
        core::SessionModel model;
        core::SessionClient client(&model);
        client.setReconnectPolicy(test::fastPolicy(50ms, 200ms));
        ui::MainWindow window(&model, &client);
        connectInstantly(window, publishing.url());
        ui::WritingBadge *badge = window.sessionView()->editorPane()->badge();
        QTRY_COMPARE_WITH_TIMEOUT(shownText(window), QStringLiteral("a = 1\n"), 10000);
        QVERIFY(badge->isPulsing());

        publishing.stop();
        QTRY_VERIFY_WITH_TIMEOUT(window.isStreamInterrupted(), 10000);
        QVERIFY(badge->isInterrupted());
        QVERIFY(publishing.start());
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), core::ConnectionState::Streaming, 10000);
        QVERIFY(!window.isStreamInterrupted()); // the tracker runs again...
        QVERIFY(badge->isInterrupted()); // ...but nobody has written since
        QVERIFY(!badge->isPulsing());

        // The AI finishes a.py and starts b.py: pulsing from its start, before any text.
        publishing.session->publish(
            test::code(core::CodeEvent::Type::Complete, QStringLiteral("a.py")));
        publishing.session->publish(
            test::code(core::CodeEvent::Type::Start, QStringLiteral("b.py")));
        QTRY_COMPARE_WITH_TIMEOUT(window.sessionView()->editorPane()->fileName(),
                                  QStringLiteral("b.py"), 10000);
        QVERIFY(badge->isActive());
        QVERIFY(!badge->isInterrupted());
        QVERIFY(badge->isPulsing());
        QCOMPARE(badge->text(), QStringLiteral("AI Writing Code..."));
    }

    void connectionLost_afterTheSessionCompleted_isNotAnInterruption()
    {
        DurablePublisher publishing;
        QVERIFY(publishing.start());
        core::CodeEvent start;
        start.type = core::CodeEvent::Type::Start;
        start.fileName = QStringLiteral("done.py");
        publishing.session->publish(start);
        publishing.session->publish({core::SessionEvent {core::SessionEvent::Type::Complete, {}}});
        core::SessionModel model;
        core::SessionClient client(&model);
        client.setReconnectPolicy(test::fastPolicy(50ms, 200ms));
        ui::MainWindow window(&model, &client);
        connectInstantly(window, publishing.url());
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), core::SessionState::Complete, 10000);
        publishing.stop();
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), core::ConnectionState::Retrying, 10000);
        QVERIFY(!window.isStreamInterrupted());
        QVERIFY(window.sessionView()->progressTracker()->interruption().isEmpty());
    }

    void reopenedSession_showsItsFilesAtOnce_andReceivesOnlyWhatItLacks()
    {
        DurablePublisher publishing;
        QVERIFY(publishing.start());
        publishOpening(publishing.session);
        const QString first = pythonFile(12);
        const QString second
            = pythonFile(20).replace(QStringLiteral("area"), QStringLiteral("volume"));
        QVERIFY(publishing.session->fileStreamer()->enqueue(QStringLiteral("geometry.py"), first,
                                                            {7, 4, false}));
        QVERIFY(publishing.session->fileStreamer()->enqueue(QStringLiteral("solids.py"), second,
                                                            {7, 4, false}));
        publishing.session->completeWhenIdle({core::SessionEvent::Type::Complete, QString()});
        core::ConnectionSettings settings;
        settings.url = publishing.url();
        // Auto would try WebSocket and then polling while the publisher is away; this test is
        // about what the window keeps, over the stream it had.
        settings.transport = core::SessionClient::TransportMode::Sse;
        const QString statePath = ui::ViewerStateStore::pathFor(settings.url);

        // A window follows the session part of the way and is closed.
        quint64 savedSequence = 0;
        QJsonObject savedModel;
        qsizetype savedCharacters = 0;
        {
            core::SessionModel model;
            core::SessionClient client(&model);
            ui::MainWindow window(&model, &client);
            window.setDisplaySpeed(ui::DisplaySpeed::Instant);
            window.show();
            window.connectWith(settings);
            QVERIFY(window.viewerStateStore()->isFollowing());
            QCOMPARE(window.viewerStateStore()->path(), statePath);
            QTRY_VERIFY_WITH_TIMEOUT(
                model.files().size() == 1 && model.files().at(0).content.size() > 500, 20000);
            QVERIFY(window.close());
            savedSequence = client.lastSequence();
            savedModel = model.toSnapshot();
            savedCharacters = model.files().at(0).content.size();
            QVERIFY(QFileInfo::exists(statePath));
        }
        {
            core::ViewerState state(statePath);
            QString error;
            QVERIFY2(state.load(settings.url, &error), qPrintable(error));
            QVERIFY(state.hasState());
            QCOMPARE(state.lastSequence(), savedSequence);
        }

        // The publisher goes on without the window, then stops.
        QTRY_VERIFY_WITH_TIMEOUT(
            publishing.session->model()->fileIndex(QStringLiteral("solids.py")) >= 0, 20000);
        publishing.stop();

        // A new window for the same URL shows what the first one had before any answer.
        core::SessionModel model;
        core::SessionClient client(&model);
        client.setReconnectPolicy(test::fastPolicy(50ms, 200ms));
        QList<core::Event> received;
        connect(&client, &core::SessionClient::eventReceived, this,
                [&](const core::Event &event) { received << event; });
        ui::MainWindow window(&model, &client);
        window.setDisplaySpeed(ui::DisplaySpeed::Instant);
        window.show();
        QVERIFY(window.showsStartPage());
        window.connectWith(settings);
        QVERIFY(!window.showsStartPage());
        QCOMPARE(client.eventsReceived(), quint64(0));
        QCOMPARE(window.viewerStateStore()->restoredSequence(), savedSequence);
        QCOMPARE(model.toSnapshot(), savedModel);
        QCOMPARE(window.sessionView()->fileList()->model()->rowCount(), 1);
        QCOMPARE(window.sessionView()->editorPane()->fileName(), QStringLiteral("geometry.py"));
        QCOMPARE(shownText(window).size(), savedCharacters);
        QVERIFY(first.startsWith(shownText(window)));
        QCOMPARE(window.sessionView()->chatPanel()->messageCount(), 1);
        QCOMPARE(window.sessionView()->progressTracker()->currentStep(),
                 int(core::StepName::Generating));
        QVERIFY(window.windowTitle().contains(publishing.id));
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), core::ConnectionState::Retrying, 10000);
        QVERIFY(window.isStreamInterrupted());
        QCOMPARE(shownText(window).size(), savedCharacters);

        QSignalSpy modelResets(&model, &core::SessionModel::modelReset);
        QSignalSpy textResets(window.displayModel(), &core::SessionModel::fileTextReset);
        QVERIFY(publishing.start());
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), core::SessionState::Complete, 60000);

        // The stream opened after the saved sequence, and what came first was the catch-up
        // from just after it.
        QVERIFY(received.size() >= 2);
        const auto *connected = std::get_if<core::ConnectedEvent>(&received.at(0).payload);
        QVERIFY(connected);
        QCOMPARE(connected->resumeAfter, savedSequence);
        QCOMPARE(received.at(1).coversFrom(), savedSequence + 1);
        for (const core::Event &event : std::as_const(received))
            QVERIFY(event.sequence == 0 || event.sequence > savedSequence);
        // Only the text it lacked travelled: not one character of what it had.
        qsizetype codeReceived = 0;
        for (const core::Event &event : std::as_const(received)) {
            if (const auto *code = std::get_if<core::CodeEvent>(&event.payload))
                codeReceived += code->delta.size();
        }
        QCOMPARE(codeReceived, first.size() + second.size() - savedCharacters);
        QCOMPARE(model.repeatedCharacters(), quint64(0));
        QCOMPARE(client.resyncs(), 0);
        QCOMPARE(modelResets.size(), 0);
        QCOMPARE(textResets.size(), 0);

        const core::SessionModel &published = *publishing.session->model();
        QCOMPARE(model.files().size(), qsizetype(2));
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(model.files().at(i).content, published.files().at(i).content);
            QTRY_COMPARE_WITH_TIMEOUT(window.documents()->document(i)->toPlainText(),
                                      published.files().at(i).content, 10000);
        }
        QCOMPARE(model.files().at(0).content, first);
        QCOMPARE(model.files().at(1).content, second);
    }

    void unusableStateFile_isIgnoredWithAWarning_andTheWindowStartsAfresh_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::newRow("not JSON") << QByteArray("\x89PNG\r\n\x1a\n not a state at all");
        QTest::newRow("torn") << QByteArray(
            R"({"format":"inkstream-viewer-state","version":1,"url":"URL","dialect":"native")");
        QTest::newRow("another URL") << QByteArray(
            R"({"format":"inkstream-viewer-state","version":1,)"
            R"("url":"http://127.0.0.1:1/api/sessions/other","dialect":"native","epoch":"",)"
            R"("lastSequence":3,"model":{"version":1,"sessionId":"other","lastSequence":3,)"
            R"("state":"running","progress":0,"steps":[],"chat":[],"files":[{"name":"x.py",)"
            R"("content":"x = 1\n","state":"writing"}]}})");
        QTest::newRow("malformed model") << QByteArray(
            R"({"format":"inkstream-viewer-state","version":1,"url":"URL","dialect":"native",)"
            R"("epoch":"","lastSequence":3,"model":{"version":1,"state":"exploded",)"
            R"("progress":0,"lastSequence":3}})");
        QTest::newRow("a newer version")
            << QByteArray(R"({"format":"inkstream-viewer-state","version":99,"url":"URL"})");
        QTest::newRow("a foreign dialect") << QByteArray(
            R"({"format":"inkstream-viewer-state","version":1,"url":"URL",)"
            R"("dialect":"code-stream","epoch":"","lastSequence":3,"model":{"version":1,)"
            R"("state":"running","progress":0,"lastSequence":3}})");
    }

    void unusableStateFile_isIgnoredWithAWarning_andTheWindowStartsAfresh()
    {
        QFETCH(QByteArray, contents);
        DurablePublisher publishing;
        QVERIFY(publishing.start());
        const QString content = pythonFile(3);
        QVERIFY(publishing.session->fileStreamer()->enqueue(QStringLiteral("fresh.py"), content,
                                                            {50, 0, false}));
        publishing.session->completeWhenIdle({core::SessionEvent::Type::Complete, QString()});
        core::ConnectionSettings settings;
        settings.url = publishing.url();
        const QString statePath = ui::ViewerStateStore::pathFor(settings.url);
        QVERIFY(QDir().mkpath(QFileInfo(statePath).absolutePath()));
        QFile file(statePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(contents.replace("URL", settings.url.toString().toUtf8()));
        file.close();

        core::SessionModel model;
        core::SessionClient client(&model);
        QList<core::Event> received;
        connect(&client, &core::SessionClient::eventReceived, this,
                [&](const core::Event &event) { received << event; });
        ui::MainWindow window(&model, &client);
        window.setDisplaySpeed(ui::DisplaySpeed::Instant);
        QTest::ignoreMessage(
            QtWarningMsg, QRegularExpression(QStringLiteral("^ignoring the saved viewer state")));
        window.connectWith(settings);
        QCOMPARE(model.files().size(), qsizetype(0)); // nothing of it shown
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), core::SessionState::Complete, 20000);
        const auto *connected = std::get_if<core::ConnectedEvent>(&received.at(0).payload);
        QVERIFY(connected);
        QCOMPARE(connected->resumeAfter, quint64(0)); // from the start
        QCOMPARE(model.files().size(), qsizetype(1));
        QCOMPARE(model.files().at(0).content, content);

        // The next save replaces it with this session's state.
        QVERIFY(window.close());
        core::ViewerState state(statePath);
        QString error;
        QVERIFY2(state.load(settings.url, &error), qPrintable(error));
        QVERIFY(state.hasState());
        QCOMPARE(state.lastSequence(), client.lastSequence());
    }

    void localDemoAndChatEndpoints_keepNoState_andLeaveTheLastSessionsFileAlone()
    {
        DurablePublisher publishing;
        QVERIFY(publishing.start());
        publishOpening(publishing.session);
        core::SessionModel model;
        core::SessionClient client(&model);
        ui::MainWindow window(&model, &client);
        window.setDisplaySpeed(ui::DisplaySpeed::Instant);
        core::ConnectionSettings settings;
        settings.url = publishing.url();
        window.connectWith(settings);
        QTRY_COMPARE_WITH_TIMEOUT(model.chat().size(), qsizetype(1), 10000);
        const QString statePath = window.viewerStateStore()->path();
        QVERIFY(!statePath.isEmpty());

        // The local demo: the session followed is saved as it is, then nothing more is kept
        // (the demo's events must not end up in that session's file).
        bool demoAsked = false;
        connect(&window, &ui::MainWindow::localDemoRequested, this, [&] {
            demoAsked = true;
            QVERIFY(!window.viewerStateStore()->isFollowing());
            model.clear(); // as the demo's client.connectTo() does
        });
        window.startPage()->demoButton()->click();
        QVERIFY(demoAsked);
        QVERIFY(!window.viewerStateStore()->isFollowing());
        core::ViewerState state(statePath);
        QString error;
        QVERIFY2(state.load(settings.url, &error), qPrintable(error));
        QVERIFY(state.hasState());
        core::SessionModel restored;
        QVERIFY(state.restoreInto(&restored, &error));
        QCOMPARE(restored.chat().size(), qsizetype(1));

        // Pointing the client elsewhere behind the window's back stops the following too.
        window.connectWith(settings);
        QVERIFY(window.viewerStateStore()->isFollowing());
        client.connectTo(QUrl(QStringLiteral("http://127.0.0.1:1/api/sessions/elsewhere")));
        QVERIFY(!window.viewerStateStore()->isFollowing());

        // A chat endpoint: a conversation, no state.
        const QStringList before = QDir(ui::ViewerStateStore::directory()).entryList(QDir::Files);
        core::ConnectionSettings chat;
        chat.url = QUrl(QStringLiteral("http://127.0.0.1:1/v1"));
        chat.dialect = core::Dialect::OpenAi;
        chat.model = QStringLiteral("mock-1");
        window.connectWith(chat);
        QVERIFY(!window.viewerStateStore()->isFollowing());
        QVERIFY(window.close());
        QCOMPARE(QDir(ui::ViewerStateStore::directory()).entryList(QDir::Files), before);
    }
};

QTEST_MAIN(TestDurableWindow)
#include "tst_durablewindow.moc"
