#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "core/server/filestreamer.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "ui/connectionindicator.h"
#include "ui/elidinglabel.h"

#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>
#include <QToolButton>
#include <memory>

using namespace inkstream;
using namespace std::chrono_literals;

// The connection bar against real endpoints on loopback: a port nobody listens on, and the
// embedded publisher.
class TestConnectionIndicator : public QObject
{
    Q_OBJECT

private:
    // A free port, closed again: connections to it are refused. 0 when none could be had.
    static quint16 refusingPort()
    {
        QTcpServer unused;
        if (!unused.listen(QHostAddress::LocalHost, 0))
            return 0;
        return unused.serverPort();
    }

    // Retries `delay` apart (not the server's retry hint), at most `maxAttempts` (0: no limit).
    static core::ReconnectPolicy policyOf(std::chrono::milliseconds delay, int maxAttempts = 0)
    {
        core::ReconnectPolicy policy;
        policy.baseDelay = delay;
        policy.maxAttempts = maxAttempts;
        policy.serverRetryIsBase = false;
        return policy;
    }

    // The embedded publisher on a loopback port with one session, and the bar of a client that
    // follows it (connectTo() is the test's).
    struct Following
    {
        core::SessionHub hub;
        core::Publisher publisher {&hub};
        core::Session *session = nullptr;
        core::SessionModel model;
        core::SessionClient client {&model};
        ui::ConnectionIndicator indicator {&client};

        // False when the publisher could not listen (its errorString() says why).
        bool listen()
        {
            if (!publisher.listen(QHostAddress::LocalHost, 0))
                return false;
            session = hub.createSession();
            return true;
        }
    };

private Q_SLOTS:
    // The status bar's texts end in "…" only when there is no room: at its size hint a label
    // shows its text whole (a fraction of a pixel short, the stats lost their last word).
    void elidingLabel_atItsSizeHint_isWhole()
    {
        ui::ElidingLabel label;
        label.setFullText(QStringLiteral("Live"));
        label.resize(200, 20);
        label.show();
        QVERIFY(QTest::qWaitForWindowExposed(&label));
        QString text = QStringLiteral("native · SSE");
        for (int i = 0; i < 40; ++i) {
            text += QStringLiteral(" · %1 events/s · latency %2 ms").arg(i * 7).arg(i % 9);
            label.setFullText(text.right(20 + i * 3));
            label.resize(label.sizeHint());
            QVERIFY2(!label.isElided(), qPrintable(label.text()));
        }
        label.resize(label.sizeHint().width() / 2, label.height());
        QVERIFY(label.isElided());
        QVERIFY(label.text().endsWith(QChar(0x2026)));
    }

    void idle_saysNotConnected_withoutStatsOrReconnect()
    {
        core::SessionModel model;
        core::SessionClient client(&model);
        ui::ConnectionIndicator indicator(&client);
        QCOMPARE(indicator.text(), QStringLiteral("Not connected"));
        QVERIFY(indicator.statsText().isEmpty());
        QVERIFY(indicator.reconnectButton()->isHidden());
    }

    // Issue 19, 1: a connection that never succeeded is not "lost": the bar says it could not
    // connect, to which host, and why.
    void neverConnected_saysCouldNotConnect_withHostReasonAndCountdown()
    {
        const quint16 port = refusingPort();
        QVERIFY(port != 0);

        core::SessionModel model;
        core::SessionClient client(&model);
        client.setReconnectPolicy(policyOf(4s));
        ui::ConnectionIndicator indicator(&client);
        client.connectTo(QUrl(QStringLiteral("http://127.0.0.1:%1/api/sessions/gone").arg(port)));

        const QRegularExpression countdown(
            QStringLiteral("^Could not connect to 127\\.0\\.0\\.1:%1 \\(Connection refused\\) · "
                           "retrying in [1-4] s, attempt 1$")
                .arg(port));
        QTRY_VERIFY2(countdown.match(indicator.text()).hasMatch(), qPrintable(indicator.text()));
        QVERIFY2(indicator.statsText().startsWith(QStringLiteral("native · SSE")),
                 qPrintable(indicator.statsText()));
        QVERIFY(!indicator.reconnectButton()->isHidden());
        // The countdown counts down between attempts.
        QTRY_VERIFY_WITH_TIMEOUT(indicator.text().contains(QStringLiteral("retrying in 2 s")),
                                 4000);
    }

    // ... and one that had got through and then dropped is "lost".
    void connectionLost_afterStreaming_saysLost()
    {
        core::SessionHub hub;
        auto publisher = std::make_unique<core::Publisher>(&hub);
        QVERIFY2(publisher->listen(QHostAddress::LocalHost, 0),
                 qPrintable(publisher->errorString()));
        core::Session *session = hub.createSession();
        const QUrl url = publisher->sessionUrl(session->id());
        core::SessionModel model;
        core::SessionClient client(&model);
        client.setReconnectPolicy(policyOf(4s));
        ui::ConnectionIndicator indicator(&client);
        client.connectTo(url);
        QTRY_COMPARE(client.state(), core::ConnectionState::Streaming);
        publisher.reset(); // the publisher goes away mid-stream
        QTRY_VERIFY2(
            indicator.text().startsWith(
                QStringLiteral("Connection to 127.0.0.1:%1 lost · retrying in ").arg(url.port())),
            qPrintable(indicator.text()));
    }

    // A connection refused for good names the host and the reason.
    void neverConnected_givenUp_saysWhy()
    {
        const quint16 port = refusingPort();
        QVERIFY(port != 0);
        core::SessionModel model;
        core::SessionClient client(&model);
        client.setReconnectPolicy(policyOf(10ms, 1));
        ui::ConnectionIndicator indicator(&client);
        client.connectTo(QUrl(QStringLiteral("http://127.0.0.1:%1/api/sessions/gone").arg(port)));
        QTRY_COMPARE(client.state(), core::ConnectionState::Error);
        QVERIFY2(indicator.text().startsWith(
                     QStringLiteral("Could not connect to 127.0.0.1:%1: ").arg(port)),
                 qPrintable(indicator.text()));
        QVERIFY2(indicator.text().contains(QStringLiteral("Connection refused")),
                 qPrintable(indicator.text()));
    }

    void reconnectButton_resumesTheStream()
    {
        Following live;
        QVERIFY2(live.listen(), qPrintable(live.publisher.errorString()));
        live.client.connectTo(live.publisher.sessionUrl(live.session->id()));
        QTRY_COMPARE(live.client.state(), core::ConnectionState::Streaming);
        QVERIFY(live.indicator.reconnectButton()->isHidden());
        QVERIFY(live.indicator.connectLatency().has_value());
        QVERIFY(live.indicator.statsText().contains(QStringLiteral("latency")));

        live.client.disconnectFromSession();
        QVERIFY(live.indicator.text().startsWith(QStringLiteral("Disconnected")));
        QVERIFY(!live.indicator.reconnectButton()->isHidden());
        QTest::mouseClick(live.indicator.reconnectButton(), Qt::LeftButton);
        QTRY_COMPARE(live.client.state(), core::ConnectionState::Streaming);
        QVERIFY(live.indicator.reconnectButton()->isHidden());
        QVERIFY(live.indicator.text().startsWith(QStringLiteral("Live · 127.0.0.1:")));
    }

    void streaming_showsEventAndTokenRates()
    {
        Following live;
        QVERIFY2(live.listen(), qPrintable(live.publisher.errorString()));
        live.client.connectTo(live.publisher.sessionUrl(live.session->id()));
        QTRY_COMPARE(live.client.state(), core::ConnectionState::Streaming);

        // 5 characters every 10 ms: about 100 code deltas (events and tokens) a second.
        live.session->fileStreamer()->enqueue(QStringLiteral("rates.py"),
                                              QStringLiteral("x = 1\n").repeated(400),
                                              core::ChunkOptions {5, 10, false});
        QTRY_VERIFY_WITH_TIMEOUT(live.indicator.eventsPerSecond() > 20, 5000);
        QVERIFY(live.indicator.tokensPerSecond() > 20);
        QVERIFY(live.indicator.tokensPerSecond() <= live.indicator.eventsPerSecond());
        QVERIFY2(live.indicator.statsText().contains(QStringLiteral("events/s"))
                     && live.indicator.statsText().contains(QStringLiteral("tokens/s")),
                 qPrintable(live.indicator.statsText()));
    }
};

QTEST_MAIN(TestConnectionIndicator)
#include "tst_connectionindicator.moc"
