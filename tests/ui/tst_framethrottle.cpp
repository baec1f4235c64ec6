#include "busywork.h"
#include "ui/framethrottle.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTest>
#include <QWidget>

using namespace inkstream;

namespace {

// A window that counts its paints and remembers the value it last painted.
class CountingWindow final : public QWidget
{
public:
    int paints = 0;
    int value = 0;
    int paintedValue = -1;

protected:
    void paintEvent(QPaintEvent *) override
    {
        ++paints;
        paintedValue = value;
    }
};

// Changes the window on every event-loop turn for `ms`, as text streaming at full speed does.
void changeEveryTurnFor(CountingWindow *window, int ms)
{
    QElapsedTimer running;
    running.start();
    while (running.elapsed() < ms) {
        ++window->value;
        window->update();
        QApplication::processEvents();
    }
}

} // namespace

class TestFrameThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_window = std::make_unique<CountingWindow>();
        m_window->resize(200, 100);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY(m_window->paints > 0);
    }
    void cleanup() { m_window.reset(); }

    // The control: without the throttle the window paints on (nearly) every turn, far more
    // often than once per frame, so the next test's bound means something.
    void unthrottled_paintsOnEveryTurn()
    {
        const int before = m_window->paints;
        changeEveryTurnFor(m_window.get(), 300);
        QVERIFY2(m_window->paints - before > 300 / 16 * 3,
                 qPrintable(QStringLiteral("%1 paints").arg(m_window->paints - before)));
    }

    // Changing on every turn keeps the thread busy: after the first frames, at most one paint
    // per frame, and painting goes on.
    void changesEveryTurn_paintAtMostOncePerFrame_andKeepPainting()
    {
        const ui::FrameThrottle throttle(m_window.get());
        const int interval = throttle.frameIntervalMs();
        QVERIFY(interval >= 1 && interval <= 16);
        changeEveryTurnFor(m_window.get(), 100); // the thread becomes busy
        QElapsedTimer measured;
        measured.start();
        const int before = m_window->paints;
        changeEveryTurnFor(m_window.get(), 300);
        const int paints = m_window->paints - before;
        const qint64 elapsed = measured.elapsed();
        QVERIFY2(paints <= elapsed / interval + 1,
                 qPrintable(QStringLiteral("%1 paints in %2 ms").arg(paints).arg(elapsed)));
        QVERIFY2(paints >= 3, qPrintable(QStringLiteral("%1 paints").arg(paints)));
        QVERIFY(throttle.deferredRepaints() > 0);
        QTRY_COMPARE(m_window->paintedValue, m_window->value); // the last change too
    }

    // While the thread is busy, a change right after a paint is deferred, not lost: it is
    // painted a frame later.
    void busy_changeRightAfterAPaint_isPaintedAtTheNextFrame()
    {
        const ui::FrameThrottle throttle(m_window.get());
        QTest::qWait(50);
        workFor(40);
        const int paints = paintNow();
        const int deferred = throttle.deferredRepaints();
        m_window->value = 42;
        m_window->update();
        QApplication::processEvents();
        QCOMPARE(throttle.deferredRepaints(), deferred + 1);
        QVERIFY(m_window->paintedValue != 42);
        QTRY_COMPARE(m_window->paintedValue, 42);
        QCOMPARE(m_window->paints, paints + 1);
    }

    // A thread that has mostly waited paints a change at once, even right after a paint: a
    // slow stream's deltas reach the screen without waiting for a frame.
    void idle_changeRightAfterAPaint_isPaintedAtOnce()
    {
        const ui::FrameThrottle throttle(m_window.get());
        QTest::qWait(50);
        const int paints = paintNow();
        QTest::qSleep(2); // waiting, not working
        const int deferred = throttle.deferredRepaints();
        m_window->value = 7;
        m_window->update();
        QApplication::processEvents();
        QCOMPARE(m_window->paintedValue, 7);
        QCOMPARE(m_window->paints, paints + 1);
        QCOMPARE(throttle.deferredRepaints(), deferred);
    }

private:
    // Paints the window now, without sleeping between turns; the paint count after it.
    int paintNow()
    {
        const int paints = m_window->paints;
        m_window->update();
        QElapsedTimer waiting;
        waiting.start();
        while (m_window->paints == paints && waiting.elapsed() < 5000)
            QApplication::processEvents();
        return m_window->paints;
    }

    std::unique_ptr<CountingWindow> m_window;
};

QTEST_MAIN(TestFrameThrottle)
#include "tst_framethrottle.moc"
