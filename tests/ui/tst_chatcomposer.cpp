#include "core/client/chatconversation.h"
#include "core/client/connectionsettings.h"
#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "tests/support/nodeserver.h"
#include "ui/chatcomposer.h"
#include "ui/chatpanel.h"
#include "ui/mainwindow.h"
#include "ui/sessionview.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>

using namespace inkstream;

// The window's prompt box against an OpenAI-compatible endpoint (the Node mock of
// tests/dialects/servers/openai.js on loopback): a prompt streams a reply whose code block
// becomes a file, the next prompt carries the history, Stop keeps what arrived, and a wrong
// API key is a clear error that leaves the prompt box usable.
class TestChatComposer : public QObject
{
    Q_OBJECT

private:
    struct Window
    {
        core::SessionModel model;
        core::SessionClient client {&model};
        ui::MainWindow window {&model, &client};
        Window()
        {
            window.setDisplaySpeed(ui::DisplaySpeed::Instant);
            window.show();
        }
        ui::ChatComposer *composer() const { return window.sessionView()->chatComposer(); }
        core::ChatConversation *conversation() const { return window.conversation(); }
        void open(int port, const QString &key)
        {
            core::ConnectionSettings settings;
            settings.url = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(port));
            settings.dialect = core::Dialect::OpenAi;
            settings.model = QStringLiteral("mock-1");
            settings.token = key;
            window.connectWith(settings);
        }
        void type(const QString &prompt)
        {
            composer()->editor()->setPlainText(prompt);
            QTest::keyClick(composer()->editor(), Qt::Key_Return);
        }
        const core::ChatMessage *message(const QString &id) const
        {
            for (const core::ChatMessage &message : model.chat()) {
                if (message.id == id)
                    return &message;
            }
            return nullptr;
        }
    };

private Q_SLOTS:
    void initTestCase()
    {
        QProcess node;
        node.start(QStringLiteral("node"), {QStringLiteral("--version")});
        QVERIFY2(node.waitForFinished(10000) && node.exitCode() == 0, "node is required");
    }

    void prompt_streamsTheReplyAndItsCodeIntoFiles_thenKeepsTheHistory()
    {
        NodeServer server(QStringLiteral("openai.js"));
        const int port = server.port();
        QVERIFY(port > 0);
        Window w;
        QVERIFY(!w.composer()->isVisibleTo(&w.window));
        w.open(port, QStringLiteral("test-key"));
        QVERIFY(w.composer()->isVisibleTo(&w.window));
        QVERIFY(!w.window.showsStartPage());

        w.type(QStringLiteral("Write sum.js"));
        QVERIFY(w.composer()->editor()->toPlainText().isEmpty());
        QVERIFY(w.conversation()->isReplying());
        QVERIFY(w.composer()->stopButton()->isEnabled());
        QVERIFY(!w.composer()->sendButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!w.conversation()->isReplying(), 15000);

        const core::ChatMessage *prompt = w.message(QStringLiteral("prompt-1"));
        QVERIFY(prompt);
        QCOMPARE(prompt->role, core::ChatRole::User);
        QCOMPARE(prompt->text, QStringLiteral("Write sum.js"));
        const core::ChatMessage *reply = w.message(QStringLiteral("reply-1"));
        QVERIFY(reply);
        QVERIFY(reply->text.startsWith(QStringLiteral("Sure. Save this as sum.js:")));
        QCOMPARE(reply->state, core::ChatState::Complete);
        const int sum = w.model.fileIndex(QStringLiteral("sum.js"));
        QVERIFY(sum >= 0);
        QCOMPARE(w.model.files().at(sum).content,
                 QStringLiteral("export function sum(a, b) {\n  return a + b;\n}\n"));
        QCOMPARE(w.model.files().at(sum).state, core::FileState::Complete);
        // The window shows the same: the chat and the file list.
        QTRY_VERIFY_WITH_TIMEOUT(w.window.sessionView()->chatPanel()->transcript().contains(
                                     QStringLiteral("Sure. Save this as sum.js:")),
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.window.displayModel()->fileIndex(QStringLiteral("sum.js")) >= 0,
                                 10000);
        QVERIFY(w.conversation()->timeToFirstTokenMs() >= 0);
        QVERIFY(w.conversation()->tokens() > 10);
        QVERIFY2(w.composer()->statsLabel()->text().contains(QStringLiteral("tok/s")),
                 qPrintable(w.composer()->statsLabel()->text()));
        QVERIFY(w.composer()->sendButton()->isEnabled());

        // The second turn sends the whole conversation: the mock answers from it.
        w.composer()->editor()->setPlainText(QStringLiteral("And again?"));
        QTest::mouseClick(w.composer()->sendButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!w.conversation()->isReplying(), 15000);
        const core::ChatMessage *second = w.message(QStringLiteral("reply-2"));
        QVERIFY(second);
        QVERIFY2(second->text.contains(
                     QStringLiteral("Turn 2: earlier you asked \"Write sum.js\" and I answered 1")),
                 qPrintable(second->text));
        QVERIFY(w.model.fileIndex(QStringLiteral("turn.js")) >= 0);
        QVERIFY(w.model.fileIndex(QStringLiteral("sum.js")) >= 0); // the first reply's file stays
        QCOMPARE(w.conversation()->history().size(), 4);
    }

    void stop_abortsTheReplyAndKeepsWhatArrived()
    {
        NodeServer server(QStringLiteral("openai.js"),
                          {QStringLiteral("--delay"), QStringLiteral("40")});
        const int port = server.port();
        QVERIFY(port > 0);
        Window w;
        w.open(port, QStringLiteral("test-key"));
        w.type(QStringLiteral("Write sum.js"));
        QTRY_VERIFY_WITH_TIMEOUT(w.conversation()->tokens() >= 3, 15000);
        QTest::keyClick(w.composer()->editor(), Qt::Key_Escape);
        QVERIFY(!w.conversation()->isReplying());
        QCOMPARE(w.client.state(), core::ConnectionState::Disconnected);
        const core::ChatMessage *reply = w.message(QStringLiteral("reply-1"));
        QVERIFY(reply);
        QCOMPARE(reply->state, core::ChatState::Complete);
        QVERIFY(!reply->text.isEmpty());
        const QString kept = reply->text;
        QVERIFY(w.message(QStringLiteral("stopped-1")));
        // The next prompt goes out, and nothing more arrives for the stopped reply: the mock
        // sends a chunk every 40 ms, so by the time the next reply has text (its second chunk,
        // sent after the stop) the stopped one would have had more.
        QVERIFY(w.composer()->sendButton()->isEnabled());
        w.type(QStringLiteral("Go on"));
        QVERIFY(w.conversation()->isReplying());
        QTRY_VERIFY_WITH_TIMEOUT(w.message(QStringLiteral("reply-2")), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.message(QStringLiteral("reply-2"))->text.isEmpty(), 15000);
        QCOMPARE(w.message(QStringLiteral("reply-1"))->text, kept);
        w.conversation()->stop();
    }

    void wrongKey_isAClearErrorAndThePromptBoxStaysUsable()
    {
        NodeServer server(QStringLiteral("openai.js"));
        const int port = server.port();
        QVERIFY(port > 0);
        Window w;
        w.open(port, QStringLiteral("not-the-key"));
        w.type(QStringLiteral("Hello"));
        QTRY_VERIFY_WITH_TIMEOUT(!w.conversation()->isReplying(), 15000);
        QCOMPARE(w.client.state(), core::ConnectionState::Error);
        QVERIFY2(w.client.errorString().contains(QStringLiteral("401")),
                 qPrintable(w.client.errorString()));
        QVERIFY(w.composer()->sendButton()->isEnabled());
        QVERIFY(!w.message(QStringLiteral("reply-1")));
        QCOMPARE(w.conversation()->history().size(), 1); // the prompt, no reply
    }

    void send_refusesBlankPromptsAndClosedConversations()
    {
        Window w;
        QString error;
        QVERIFY(!w.conversation()->send(QStringLiteral("hi"), &error));
        QVERIFY(error.contains(QStringLiteral("connect")));
        w.open(1, QString());
        w.composer()->editor()->setPlainText(QStringLiteral("   "));
        QVERIFY(!w.composer()->send());
        QCOMPARE(w.composer()->statsLabel()->text(), QStringLiteral("The prompt is empty."));
    }
};

QTEST_MAIN(TestChatComposer)
#include "tst_chatcomposer.moc"
