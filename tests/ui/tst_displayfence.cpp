// The display fence and the frame throttle against a real X server (a private Xvfb) that falls
// behind: the GUI thread must go on turning its event loop instead of waiting for the server.

#include "privatexvfb.h"
#include "ui/displayfence.h"
#include "ui/framethrottle.h"
#include "ui/threadclock.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPainter>
#include <QTest>
#include <QWidget>
#include <cstdio>
#include <functional>

using namespace inkstream;

namespace {

// An opaque window that counts its paints and remembers the value it last painted; opaque, so
// Qt scrolls it on the server (a copy) rather than repainting it.
class CountingWindow final : public QWidget
{
public:
    CountingWindow() { setAttribute(Qt::WA_OpaquePaintEvent); }
    int paints = 0;
    int value = 0;
    int paintedValue = -1;

protected:
    void paintEvent(QPaintEvent *event) override
    {
        ++paints;
        paintedValue = value;
        QPainter painter(this);
        painter.fillRect(event->rect(), QColor::fromHsv(value * 37 % 360, 160, 220));
    }
};

constexpr int kWatchdogMs = 3000;

} // namespace

class TestDisplayFence : public QObject
{
    Q_OBJECT

public:
    explicit TestDisplayFence(PrivateXvfb *xvfb)
        : m_xvfb(xvfb)
    { }

private Q_SLOTS:
    void init()
    {
        m_window = std::make_unique<CountingWindow>();
        m_window->resize(300, 200);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY(m_window->paints > 0);
    }
    void cleanup()
    {
        m_xvfb->resume();
        m_window.reset();
    }

    void fence_isActiveOnX()
    {
        ui::DisplayFence fence;
        QVERIFY2(fence.isActive(),
                 "no X connection for the fence: built without libxcb1-dev "
                 "(packaging/install-deps.sh)?");
        QVERIFY(fence.hasPassed()); // nothing placed yet
        QCOMPARE(fence.pendingMs(), 0);
    }

    // While the server is stopped the fence does not pass, and asking does not wait; it passes
    // once the server answers.
    void fence_serverBehind_notPassedWithoutWaiting_passesOnceItAnswers()
    {
        ui::DisplayFence fence;
        m_xvfb->pause(kWatchdogMs);
        fence.place();
        QElapsedTimer asking;
        asking.start();
        int asked = 0;
        while (asking.elapsed() < 200) {
            QVERIFY(!fence.hasPassed());
            ++asked;
            QTest::qSleep(1);
        }
        QVERIFY(asked > 10);
        QVERIFY(fence.pendingMs() >= 200);
        m_xvfb->resume();
        QVERIFY2(!m_xvfb->watchdogFired(), "hasPassed() waited for the stopped server");
        QTRY_VERIFY(fence.hasPassed());
        QCOMPARE(fence.pendingMs(), 0);
    }

    void unfencedRequests_areWhatWasSentSinceTheLastFence()
    {
        ui::DisplayFence fence;
        fence.place();
        QVERIFY(!fence.hasUnfencedRequests());
        QVERIFY(!fence.hasUnfencedRequests()); // its own asking does not count
        m_window->setWindowTitle(QStringLiteral("changed")); // a ChangeProperty request
        QVERIFY(fence.hasUnfencedRequests());
        QVERIFY(fence.hasUnfencedRequests()); // until the next fence
        fence.place();
        QVERIFY(!fence.hasUnfencedRequests());
        QTRY_VERIFY(fence.hasPassed());
    }

    // A window changing on every turn (text streaming at full speed) follows its content by
    // scrolling just before each repaint, as the editor does. The server stops right after a
    // paint, before it has finished it: the throttle's next repaint waits for it, and the
    // event loop keeps turning; once the server catches up, the last change is painted.
    void throttle_busy_serverBehindWithThePaint_loopKeepsTurning()
    {
        ui::FrameThrottle throttle(m_window.get());
        followContentBeforeRepaints(&throttle);
        changeEveryTurnFor(100); // busy, and the server keeps up
        paintNextTurn();
        // (Stopped between a fence's answer and the paint after it, the server would catch
        // Qt's own wait, which no fence can avoid; right after a paint it cannot.)
        expectLoopTurnsWhileServerStopped(&throttle);
    }

    // The same with a server that had finished the paint when it stopped: the scroll before
    // the next repaint is a copy the server makes, and Qt would wait for it before painting
    // over the pixels; the throttle waits for that copy instead.
    void throttle_busy_serverBehindWithTheScroll_loopKeepsTurning()
    {
        ui::FrameThrottle throttle(m_window.get());
        followContentBeforeRepaints(&throttle);
        changeEveryTurnFor(100);
        paintNextTurn();
        // Busy without turning the loop, until the server has done everything so far.
        ui::DisplayFence caughtUp;
        caughtUp.place();
        const qint64 working = ui::ThreadClock::runningNs();
        volatile quint64 sink = 0;
        while (!caughtUp.hasPassed() || ui::ThreadClock::runningNs() - working < 20000000)
            sink = sink + 1;
        expectLoopTurnsWhileServerStopped(&throttle);
    }

private:
    void followContentBeforeRepaints(ui::FrameThrottle *throttle)
    {
        connect(throttle, &ui::FrameThrottle::aboutToRepaint, m_window.get(),
                [this] { m_window->scroll(0, -1); });
    }

    void paintNextTurn()
    {
        const int painted = m_window->paints;
        changeEveryTurnUntil([&] { return m_window->paints > painted; });
    }

    // Stops the server and changes the window on every turn for 300 ms: nothing may wait for
    // the server, nothing is painted meanwhile, and the last change is painted after it resumes.
    void expectLoopTurnsWhileServerStopped(const ui::FrameThrottle *throttle)
    {
        const int displayWaits = throttle->displayWaits();
        const int paints = m_window->paints;
        m_xvfb->pause(kWatchdogMs);
        const int turns = changeEveryTurnFor(300);
        m_xvfb->resume();
        QVERIFY2(!m_xvfb->watchdogFired(), "the GUI thread waited for the stopped server");
        QVERIFY2(turns > 100, qPrintable(QStringLiteral("%1 loop turns").arg(turns)));
        QCOMPARE(m_window->paints, paints); // painting would have meant waiting
        QVERIFY(throttle->displayWaits() > displayWaits);
        QTRY_COMPARE(m_window->paintedValue, m_window->value);
    }

    // Changes the window on every event-loop turn until `done`; the number of turns.
    int changeEveryTurnUntil(const std::function<bool()> &done)
    {
        int turns = 0;
        while (!done()) {
            ++m_window->value;
            m_window->update();
            QApplication::processEvents();
            ++turns;
        }
        return turns;
    }
    int changeEveryTurnFor(int ms)
    {
        QElapsedTimer running;
        running.start();
        return changeEveryTurnUntil([&running, ms] { return running.elapsed() >= ms; });
    }

    PrivateXvfb *m_xvfb;
    std::unique_ptr<CountingWindow> m_window;
};

int main(int argc, char **argv)
{
    PrivateXvfb xvfb;
    QString error;
    if (!xvfb.start(&error)) {
        std::fprintf(stderr, "FAIL: %s\n", qPrintable(error));
        return 1;
    }
    qputenv("DISPLAY", xvfb.display());
    qputenv("QT_QPA_PLATFORM", "xcb");
    QApplication app(argc, argv);
    TestDisplayFence test(&xvfb);
    return QTest::qExec(&test, argc, argv);
}

#include "tst_displayfence.moc"
