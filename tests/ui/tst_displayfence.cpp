// The display fence and the frame throttle against a real X server (a private Xvfb) that falls
// behind: the GUI thread must go on turning its event loop instead of waiting for the server.

#include "busywork.h"
#include "privatexvfb.h"
#include "ui/displayfence.h"
#include "ui/framethrottle.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPainter>
#include <QTest>
#include <QWidget>
#include <cstdio>
#include <functional>
#include <utility>

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
    std::function<void()> onPaint;
    bool followPending = false;

    void change()
    {
        ++value;
        followPending = true;
        update();
    }
    // Scrolls to the new content, once per change, as the editor follows its insertion point.
    void follow()
    {
        if (std::exchange(followPending, false))
            scroll(0, -1);
    }

protected:
    void paintEvent(QPaintEvent *event) override
    {
        ++paints;
        paintedValue = value;
        if (onPaint)
            onPaint();
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

    // A window changing on every turn (text streaming at full speed). The server stops in
    // the middle of a paint, before Qt hands it the frame: the throttle's next repaint waits
    // for the server to take that frame, with the event loop turning; once the server catches
    // up, the last change is painted. (Without the wait, Qt's own round trip before painting
    // over the frame's pixels would block the thread.)
    void throttle_busy_serverBehindWithTheFrame_loopKeepsTurning()
    {
        ui::FrameThrottle throttle(m_window.get());
        changeEveryTurnFor(100); // busy, and the server keeps up
        bool stopped = false;
        m_window->onPaint = [&] {
            if (!std::exchange(stopped, true)) {
                m_xvfb->pause(kWatchdogMs);
                workFor(20); // still busy after waiting for the server to stop
            }
        };
        changeEveryTurnUntil([&stopped] { return stopped; });
        m_window->onPaint = nullptr;
        expectLoopTurnsWhileServerStopped(&throttle);
    }

    // The window follows its content by scrolling just before each repaint, as the editor
    // does, and the server stops after it has taken the last frame: the scroll is a copy the
    // server makes, which Qt would wait for before painting over those pixels; the throttle
    // waits for that copy instead.
    void throttle_busy_serverBehindWithTheScroll_loopKeepsTurning()
    {
        ui::FrameThrottle throttle(m_window.get());
        connect(&throttle, &ui::FrameThrottle::aboutToRepaint, m_window.get(),
                &CountingWindow::follow);
        stopServerOnceItHasCaughtUp();
        if (QTest::currentTestFailed())
            return;
        expectLoopTurnsWhileServerStopped(&throttle);
    }

    // A repaint asked for while one waits for the server, after that one's aboutToRepaint()
    // (the editor asking to follow text that arrived meanwhile), gets an aboutToRepaint() of
    // its own once the waiting one is painted.
    void repaintRequestedWhileOneWaits_getsItsOwnAboutToRepaint()
    {
        ui::FrameThrottle throttle(m_window.get());
        int moves = 0;
        connect(&throttle, &ui::FrameThrottle::aboutToRepaint, m_window.get(), [&] {
            ++moves;
            m_window->follow();
        });
        stopServerOnceItHasCaughtUp();
        if (QTest::currentTestFailed())
            return;
        const int movesBefore = moves;
        m_window->change();
        QTRY_COMPARE(moves, movesBefore + 1); // and now it waits for the scroll's copy
        m_window->followPending = true;
        throttle.requestRepaint();
        QTest::qWait(50);
        QCOMPARE(moves, movesBefore + 1);
        m_xvfb->resume();
        QVERIFY(!m_xvfb->watchdogFired());
        QTRY_COMPARE(m_window->paintedValue, m_window->value);
        QTRY_VERIFY(!m_window->followPending); // followed, in an aboutToRepaint() of its own
        QVERIFY(moves >= movesBefore + 2);
    }

private:
    // With the server stopped, changes the window on every turn for 300 ms: nothing may wait
    // for the server and nothing is painted meanwhile; after it resumes, the last change is.
    void expectLoopTurnsWhileServerStopped(const ui::FrameThrottle *throttle)
    {
        const int displayWaits = throttle->displayWaits();
        const int paints = m_window->paints;
        const int turns = changeEveryTurnFor(300);
        m_xvfb->resume();
        QVERIFY2(!m_xvfb->watchdogFired(), "the GUI thread waited for the stopped server");
        QVERIFY2(turns > 30, qPrintable(QStringLiteral("%1 loop turns").arg(turns)));
        QCOMPARE(m_window->paints, paints); // painting would have meant waiting
        QVERIFY(throttle->displayWaits() > displayWaits);
        QTRY_COMPARE(m_window->paintedValue, m_window->value);
    }

    // Keeps the thread busy, the window painting, until the server has taken a frame, then
    // stops the server.
    void stopServerOnceItHasCaughtUp()
    {
        changeEveryTurnFor(100);
        const int painted = m_window->paints;
        changeEveryTurnUntil([&] { return m_window->paints > painted; });
        // Without turning the loop, until the server has done everything so far.
        ui::DisplayFence caughtUp;
        caughtUp.place();
        QElapsedTimer waiting;
        waiting.start();
        while (!caughtUp.hasPassed() && waiting.elapsed() < 5000)
            workFor(1);
        QVERIFY(caughtUp.hasPassed());
        m_xvfb->pause(kWatchdogMs);
        workFor(20); // busy again after waiting (a thread that waited paints at once)
    }

    // Changes the window on every event-loop turn until `done`; the number of turns.
    int changeEveryTurnUntil(const std::function<bool()> &done)
    {
        int turns = 0;
        while (!done()) {
            m_window->change();
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
