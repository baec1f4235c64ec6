#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "tests/server/publishertesting.h"

#include <QDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

using namespace inkstream::core;
using namespace inkstream::core::testing;

namespace {

int openFileDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

} // namespace

// Subscribers that come and go by the thousand, while events are being written to them,
// leave nothing behind: no subscriber entry, no socket, no file descriptor. Run under the
// ASan preset in CI, where a write to a freed socket would abort the test.
class TestPublisherCycles final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void thousandsOfConnectAndDisconnectCycles_leaveNothingBehind()
    {
        Fixture f;
        QVERIFY(f.listening);
        const int baseline = openFileDescriptors();

        // Events keep flowing, so many subscribers vanish in the middle of a write.
        QTimer publishing;
        int percent = 0;
        QObject::connect(&publishing, &QTimer::timeout, f.session, [&] {
            f.session->publish(ProgressEvent {percent++ % 101, QStringLiteral("x").repeated(512)});
        });
        publishing.start(1);

        constexpr int kCycles = 1000;
        int webSockets = 0;
        for (int cycle = 0; cycle < kCycles; ++cycle) {
            if (cycle % 5 == 4) {
                QWebSocket socket;
                QUrl url = f.publisher.baseUrl();
                url.setScheme(QStringLiteral("ws"));
                url.setPath(QStringLiteral("/api/sessions/s1/ws"));
                socket.open(url);
                QTRY_COMPARE_WITH_TIMEOUT(f.publisher.webSocketSubscriberCount(), 1, 10000);
                if (cycle % 10 == 4)
                    socket.abort();
                else
                    socket.close();
                ++webSockets;
            } else {
                RawSseClient client(f.publisher.port(), "/api/sessions/s1/stream");
                QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 1, 10000);
                switch (cycle % 3) {
                case 0:
                    client.socket.abort(); // reset, no goodbye
                    break;
                case 1:
                    client.socket.disconnectFromHost(); // orderly close
                    break;
                default:
                    break; // destroyed with unread data
                }
            }
            QTRY_COMPARE_WITH_TIMEOUT(f.publisher.subscriberCount(), 0, 10000);
        }
        publishing.stop();
        QCOMPARE(webSockets, kCycles / 5);
        QVERIFY(f.session->lastSequence() > 0);

        // Server-side sockets are deleted on the next event-loop turns.
        QTRY_COMPARE_WITH_TIMEOUT(openFileDescriptors(), baseline, 10000);
        // The publisher still serves.
        RawSseClient last(f.publisher.port(), "/api/sessions/s1/stream");
        QTRY_VERIFY_WITH_TIMEOUT(!last.events("connected").isEmpty(), 10000);
    }
};

QTEST_GUILESS_MAIN(TestPublisherCycles)
#include "tst_publishercycles.moc"
