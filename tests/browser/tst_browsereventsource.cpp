#include "core/model/sessionmodel.h"
#include "core/server/demoscript.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

using namespace inkstream::core;

namespace {

// Headless Chromium driven over the DevTools protocol: it opens one page and evaluates
// JavaScript in it. Only what the test needs.
class HeadlessChromium
{
public:
    ~HeadlessChromium()
    {
        m_devTools.abort();
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }

    // Starts the browser on `url`; false with a reason when it cannot.
    bool open(const QUrl &url, QString *error)
    {
        const QString program = QStandardPaths::findExecutable(QStringLiteral("chromium"));
        if (program.isEmpty()) {
            *error = QStringLiteral("chromium is not installed (packaging/install-deps.sh test)");
            return false;
        }
        m_process.setProgram(program);
        m_process.setArguments({QStringLiteral("--headless=new"), QStringLiteral("--no-sandbox"),
                                QStringLiteral("--disable-gpu"), QStringLiteral("--no-first-run"),
                                QStringLiteral("--disable-extensions"),
                                QStringLiteral("--remote-debugging-address=127.0.0.1"),
                                QStringLiteral("--remote-debugging-port=0"),
                                QStringLiteral("--user-data-dir=") + m_profile.path(),
                                url.toString()});
        m_process.start();
        if (!m_process.waitForStarted(10000)) {
            *error = QStringLiteral("cannot start chromium: ") + m_process.errorString();
            return false;
        }
        // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr.
        static const QRegularExpression listening(
            QStringLiteral("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/"));
        QByteArray stderrText;
        QRegularExpressionMatch match;
        QDeadlineTimer deadline(30000);
        while (!(match = listening.match(QString::fromUtf8(stderrText))).hasMatch()) {
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning) {
                *error = QStringLiteral("chromium did not open DevTools: ")
                    + QString::fromUtf8(stderrText.right(2000));
                return false;
            }
            QTest::qWait(50);
            stderrText += m_process.readAllStandardError();
        }
        const QString port = match.captured(1);

        // The page target's own DevTools socket.
        QNetworkAccessManager manager;
        QUrl pageSocket;
        while (pageSocket.isEmpty() && !deadline.hasExpired()) {
            QNetworkReply *reply = manager.get(
                QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/json/list").arg(port))));
            QSignalSpy finished(reply, &QNetworkReply::finished);
            finished.wait(10000);
            const QJsonArray targets = QJsonDocument::fromJson(reply->readAll()).array();
            reply->deleteLater();
            for (const QJsonValue &target : targets) {
                const QJsonObject object = target.toObject();
                if (object.value(QStringLiteral("type")) == QStringLiteral("page"))
                    pageSocket
                        = QUrl(object.value(QStringLiteral("webSocketDebuggerUrl")).toString());
            }
            if (pageSocket.isEmpty())
                QTest::qWait(100);
        }
        if (pageSocket.isEmpty()) {
            *error = QStringLiteral("chromium lists no page target");
            return false;
        }
        QObject::connect(&m_devTools, &QWebSocket::textMessageReceived, &m_devTools,
                         [this](const QString &message) {
                             const QJsonObject reply
                                 = QJsonDocument::fromJson(message.toUtf8()).object();
                             m_replies.insert(reply.value(QStringLiteral("id")).toInt(), reply);
                         });
        QSignalSpy connected(&m_devTools, &QWebSocket::connected);
        m_devTools.open(pageSocket);
        if (!connected.wait(10000)) {
            *error = QStringLiteral("cannot reach chromium's DevTools socket");
            return false;
        }
        return true;
    }

    // The JSON value of a JavaScript expression in the page (null on failure).
    QJsonValue evaluate(const QString &expression)
    {
        const int id = ++m_lastId;
        const QJsonObject command {{QStringLiteral("id"), id},
                                   {QStringLiteral("method"), QStringLiteral("Runtime.evaluate")},
                                   {QStringLiteral("params"),
                                    QJsonObject {{QStringLiteral("expression"), expression},
                                                 {QStringLiteral("returnByValue"), true}}}};
        m_devTools.sendTextMessage(
            QString::fromUtf8(QJsonDocument(command).toJson(QJsonDocument::Compact)));
        QDeadlineTimer deadline(10000);
        while (!m_replies.contains(id) && !deadline.hasExpired())
            QTest::qWait(10);
        const QJsonObject reply = m_replies.take(id);
        return reply.value(QStringLiteral("result"))
            .toObject()
            .value(QStringLiteral("result"))
            .toObject()
            .value(QStringLiteral("value"));
    }

private:
    QTemporaryDir m_profile;
    QProcess m_process;
    QWebSocket m_devTools;
    QHash<int, QJsonObject> m_replies;
    int m_lastId = 0;
};

} // namespace

// The browser is the reference client: its own EventSource, on the viewer page the publisher
// serves, must follow a demo session through a cut connection to the same final files.
class TestBrowserEventSource final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventSource_reconnectsByItselfAndEndsWithTheFullContent()
    {
        SessionHub hub;
        Publisher publisher(&hub);
        publisher.setRetryInterval(std::chrono::milliseconds(300));
        QVERIFY(publisher.listen(QHostAddress::LocalHost, 0));
        Session *session = hub.createSession(QStringLiteral("browser"));
        DemoScript demo(session);
        QString error;
        QVERIFY2(demo.load(DemoScript::defaultScriptPath(), &error), qPrintable(error));
        demo.setSpeed(4.0);
        QObject::connect(
            &publisher, &Publisher::subscriberConnected, &demo, [&demo] { demo.start(); },
            Qt::SingleShotConnection);

        QUrl page = publisher.baseUrl();
        page.setPath(QStringLiteral("/view/browser"));
        HeadlessChromium browser;
        QVERIFY2(browser.open(page, &error), qPrintable(error));

        const auto pageState = [&browser] {
            return QJsonDocument::fromJson(
                       browser.evaluate(QStringLiteral("JSON.stringify(window.inkstream || {})"))
                           .toString()
                           .toUtf8())
                .object();
        };
        const auto writtenCharacters = [](const QJsonObject &state) {
            qsizetype total = 0;
            const QJsonObject files = state.value(QStringLiteral("files")).toObject();
            for (auto it = files.begin(); it != files.end(); ++it)
                total += it->toString().size();
            return total;
        };

        // Mid-session: some code has arrived, the session is not complete.
        QJsonObject state;
        QTRY_VERIFY_WITH_TIMEOUT((state = pageState(), writtenCharacters(state) > 200), 60000);
        QVERIFY2(!state.value(QStringLiteral("complete")).toBool(),
                 "the demo finished before the connection could be cut; slow it down");
        QCOMPARE(state.value(QStringLiteral("opens")).toInt(), 1);

        // The network fails: every stream of the session is cut without a goodbye.
        QVERIFY(publisher.dropSubscribers(session->id()) >= 1);

        // EventSource reconnects on its own (Last-Event-ID) and the page ends complete.
        QTRY_VERIFY_WITH_TIMEOUT(
            (state = pageState(), state.value(QStringLiteral("complete")).toBool()), 120000);
        QVERIFY2(state.value(QStringLiteral("opens")).toInt() >= 2,
                 QJsonDocument(state).toJson().constData());

        const QJsonObject files = state.value(QStringLiteral("files")).toObject();
        QCOMPARE(files.size(), session->model()->files().size());
        QVERIFY(files.size() >= 3);
        for (const auto &file : session->model()->files())
            QCOMPARE(files.value(file.name).toString(), file.content);
        QCOMPARE(state.value(QStringLiteral("lastSequence")).toInteger(),
                 qint64(session->lastSequence()));
    }
};

QTEST_GUILESS_MAIN(TestBrowserEventSource)
#include "tst_browsereventsource.moc"
