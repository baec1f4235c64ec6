#include "core/protocol/dialectdecoder.h"
#include "ui/connectdialog.h"
#include "ui/startpage.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

using namespace inkstream;
using namespace inkstream::ui;

class TestConnectDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QSettings().clear(); }

    void url_isCheckedBeforeConnectIsOffered_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("usable");
        QTest::newRow("session URL")
            << QStringLiteral("http://127.0.0.1:8080/api/sessions/a") << true;
        QTest::newRow("https") << QStringLiteral("https://example.org/api/sessions/b") << true;
        QTest::newRow("host and port only, scheme added")
            << QStringLiteral("localhost:8080/api/sessions/c") << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("ftp") << QStringLiteral("ftp://example.org/x") << false;
        QTest::newRow("file") << QStringLiteral("file:///tmp/x") << false;
    }

    void url_isCheckedBeforeConnectIsOffered()
    {
        QFETCH(QString, text);
        QFETCH(bool, usable);
        ConnectDialog dialog({});
        dialog.urlField()->setEditText(text);
        QCOMPARE(!dialog.url().isEmpty(), usable);
        QCOMPARE(dialog.buttons()->button(QDialogButtonBox::Ok)->isEnabled(), usable);
        QCOMPARE(dialog.settings().dialect, core::Dialect::Auto); // recognised from the stream
    }

    // "Tap this server" asks for a tap in front of the URL (docs/tap.md): it needs a usable URL
    // only (no model: the tools that call through the tap name theirs).
    void tap_isOfferedForAnyUsableUrl()
    {
        ConnectDialog dialog({});
        dialog.urlField()->setEditText(QString());
        QVERIFY(!dialog.tapButton()->isEnabled());
        dialog.urlField()->setEditText(QStringLiteral("http://127.0.0.1:11434/v1"));
        dialog.dialectField()->setCurrentIndex(
            dialog.dialectField()->findData(QStringLiteral("openai")));
        QVERIFY(!dialog.buttons()->button(QDialogButtonBox::Ok)->isEnabled()); // no model
        QVERIFY(dialog.tapButton()->isEnabled());
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.tapButton()->click();
        QCOMPARE(accepted.count(), 1);
        QVERIFY(dialog.tapChosen());
        QCOMPARE(dialog.url(), QUrl(QStringLiteral("http://127.0.0.1:11434/v1")));
    }

    // An OpenAI-compatible endpoint needs a model before Connect is offered; chat endpoints
    // are posted to, so the transport choice is off for them.
    void settings_followTheChoices()
    {
        ConnectDialog dialog({});
        dialog.urlField()->setEditText(QStringLiteral("http://127.0.0.1:11434/v1"));
        dialog.dialectField()->setCurrentIndex(
            dialog.dialectField()->findData(QStringLiteral("openai")));
        QVERIFY(dialog.modelField()->isEnabled());
        QVERIFY(!dialog.transportField()->isEnabled());
        QVERIFY(!dialog.buttons()->button(QDialogButtonBox::Ok)->isEnabled());
        dialog.modelField()->setText(QStringLiteral("llama3.2"));
        dialog.tokenField()->setText(QStringLiteral("secret"));
        QVERIFY(dialog.buttons()->button(QDialogButtonBox::Ok)->isEnabled());
        core::ConnectionSettings chosen = dialog.settings();
        QCOMPARE(chosen.dialect, core::Dialect::OpenAi);
        QCOMPARE(chosen.model, QStringLiteral("llama3.2"));
        QCOMPARE(chosen.token, QStringLiteral("secret"));
        QVERIFY(chosen.takesPrompts());

        dialog.dialectField()->setCurrentIndex(
            dialog.dialectField()->findData(QStringLiteral("model-chunk")));
        dialog.transportField()->setCurrentIndex(
            dialog.transportField()->findData(QStringLiteral("socketio")));
        QVERIFY(!dialog.modelField()->isEnabled());
        QVERIFY(dialog.buttons()->button(QDialogButtonBox::Ok)->isEnabled());
        chosen = dialog.settings();
        QCOMPARE(chosen.dialect, core::Dialect::ModelChunk);
        QCOMPARE(chosen.transport, core::SessionClient::TransportMode::SocketIo);
        QVERIFY(!chosen.takesPrompts());
    }

    // Every LLM API is a chat endpoint in the dialog: it asks for the model where the API
    // names one, posts (no transport choice), and takes its key from the field or else from
    // the provider's usual variable.
    void chatApis_areOffered_withModelAndKey_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<bool>("needsModel");
        QTest::addColumn<QString>("keyVariable"); // empty: the API takes no key variable
        QTest::newRow("openai") << QStringLiteral("openai") << true
                                << QStringLiteral("OPENAI_API_KEY");
        QTest::newRow("openai-responses")
            << QStringLiteral("openai-responses") << true << QStringLiteral("OPENAI_API_KEY");
        QTest::newRow("anthropic")
            << QStringLiteral("anthropic") << true << QStringLiteral("ANTHROPIC_API_KEY");
        QTest::newRow("ollama") << QStringLiteral("ollama") << true << QString();
        QTest::newRow("ai-sdk") << QStringLiteral("ai-sdk") << false << QString();
    }

    void chatApis_areOffered_withModelAndKey()
    {
        QFETCH(QString, dialect);
        QFETCH(bool, needsModel);
        QFETCH(QString, keyVariable);
        qunsetenv("INKSTREAM_API_KEY");
        qunsetenv("OPENAI_API_KEY");
        qunsetenv("ANTHROPIC_API_KEY");
        if (!keyVariable.isEmpty())
            qputenv(qPrintable(keyVariable), "from-environment");

        ConnectDialog dialog({});
        dialog.urlField()->setEditText(QStringLiteral("http://127.0.0.1:8080/api/chat"));
        const int entry = dialog.dialectField()->findData(dialect);
        QVERIFY2(entry >= 0, qPrintable(dialect));
        dialog.dialectField()->setCurrentIndex(entry);
        QCOMPARE(dialog.modelField()->isEnabled(), needsModel);
        QVERIFY(!dialog.transportField()->isEnabled());
        QCOMPARE(dialog.buttons()->button(QDialogButtonBox::Ok)->isEnabled(), !needsModel);
        if (needsModel)
            dialog.modelField()->setText(QStringLiteral("some-model"));
        QVERIFY(dialog.buttons()->button(QDialogButtonBox::Ok)->isEnabled());

        core::ConnectionSettings chosen = dialog.settings();
        QCOMPARE(core::DialectDecoder::dialectText(chosen.dialect), dialect);
        QVERIFY(chosen.takesPrompts());
        QCOMPARE(chosen.model, needsModel ? QStringLiteral("some-model") : QString());
        QCOMPARE(chosen.token,
                 keyVariable.isEmpty() ? QString() : QStringLiteral("from-environment"));
        dialog.tokenField()->setText(QStringLiteral("typed-key")); // the field wins
        QCOMPARE(dialog.settings().token, QStringLiteral("typed-key"));
        if (!keyVariable.isEmpty())
            qunsetenv(qPrintable(keyVariable));
    }

    void recentEndpoints_newestFirst_withoutDuplicates_capped()
    {
        for (int i = 0; i < ConnectDialog::maxRecent() + 3; ++i)
            ConnectDialog::rememberEndpoint(
                QUrl(QStringLiteral("http://h%1:8080/api/sessions/s").arg(i)));
        ConnectDialog::rememberEndpoint(QUrl(QStringLiteral("http://h5:8080/api/sessions/s")));
        const QStringList recent = ConnectDialog::recentEndpoints();
        QCOMPARE(recent.size(), ConnectDialog::maxRecent());
        QCOMPARE(recent.constFirst(), QStringLiteral("http://h5:8080/api/sessions/s"));
        QCOMPARE(recent.count(QStringLiteral("http://h5:8080/api/sessions/s")), 1);
        QCOMPARE(recent.at(1), QStringLiteral("http://h10:8080/api/sessions/s"));

        // The dialog offers them, the newest preselected.
        ConnectDialog dialog({});
        QCOMPARE(dialog.urlField()->count(), ConnectDialog::maxRecent());
        QCOMPARE(dialog.url(), QUrl(QStringLiteral("http://h5:8080/api/sessions/s")));
    }

    void currentSession_isPrefilled_andTheTokenIsMasked()
    {
        ConnectDialog::rememberEndpoint(QUrl(QStringLiteral("http://old:1/api/sessions/o")));
        const QUrl current(QStringLiteral("http://now:2/api/sessions/n"));
        ConnectDialog dialog(current);
        QCOMPARE(dialog.url(), current);
        QCOMPARE(dialog.tokenField()->echoMode(), QLineEdit::Password);
    }

    void startPage_offersDemoConnectAndRecent()
    {
        StartPage empty;
        QCOMPARE(empty.recentList()->count(), 1); // "None yet", not selectable
        QCOMPARE(empty.recentList()->item(0)->flags(), Qt::NoItemFlags);

        ConnectDialog::rememberEndpoint(QUrl(QStringLiteral("http://a:1/api/sessions/x")));
        StartPage page;
        QSignalSpy demo(&page, &StartPage::demoRequested);
        QSignalSpy connectAsked(&page, &StartPage::connectRequested);
        QSignalSpy chosen(&page, &StartPage::recentChosen);
        page.demoButton()->click();
        page.connectButton()->click();
        QCOMPARE(demo.size(), 1);
        QCOMPARE(connectAsked.size(), 1);
        QCOMPARE(page.recentList()->count(), 1);
        Q_EMIT page.recentList()->itemActivated(page.recentList()->item(0));
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.at(0).at(0).toUrl(), QUrl(QStringLiteral("http://a:1/api/sessions/x")));
    }

    // Issue 19, 9: long recent URLs are shortened in the middle to fit (they ran on behind the
    // edge, a horizontal scroll bar over them), the whole URL in the tooltip.
    void startPage_longRecentUrls_fitTheList()
    {
        for (int i = 0; i < 12; ++i)
            ConnectDialog::rememberEndpoint(QUrl(
                QStringLiteral("http://a-rather-long-host-name-for-a-publisher.example.internal:"
                               "8080/api/sessions/session-with-a-long-generated-id-%1")
                    .arg(i)));
        StartPage page;
        page.resize(800, 600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QListWidget *list = page.recentList();
        QVERIFY(list->count() >= 8);
        QVERIFY(!list->horizontalScrollBar()->isVisible());
        QCOMPARE(list->textElideMode(), Qt::ElideMiddle);
        for (int i = 0; i < list->count(); ++i) {
            QListWidgetItem *item = list->item(i);
            QCOMPARE(item->toolTip(), item->text());
            const QRect shown = list->visualItemRect(item);
            QVERIFY2(shown.right() < list->viewport()->width(),
                     qPrintable(QStringLiteral("item %1 ends at %2, the list at %3")
                                    .arg(i)
                                    .arg(shown.right())
                                    .arg(list->viewport()->width())));
        }
    }
};

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
