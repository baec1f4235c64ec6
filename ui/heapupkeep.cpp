#include "ui/heapupkeep.h"

#include "ui/uilog.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QPointer>
#include <QThreadPool>
#include <cstdlib> // defines __GLIBC__ with glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace inkstream::ui {

HeapUpkeep::HeapUpkeep(QObject *parent)
    : QObject(parent)
{
    m_check.setInterval(kCheckMs);
    connect(&m_check, &QTimer::timeout, this, &HeapUpkeep::check);
    m_check.start();
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);
}

bool HeapUpkeep::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::Wheel:
        m_sinceInput.start();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void HeapUpkeep::install(QObject *parent)
{
#if defined(__GLIBC__)
    // Setting the threshold at all switches glibc's dynamic adjustment off.
    mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
    new HeapUpkeep(parent);
#else
    Q_UNUSED(parent);
#endif
}

qsizetype HeapUpkeep::freeBytes()
{
#if defined(__GLIBC__)
    const struct mallinfo2 info = mallinfo2();
    return qsizetype(info.fordblks);
#else
    return 0;
#endif
}

void HeapUpkeep::check()
{
#if defined(__GLIBC__)
    if (m_trimming || (m_sinceInput.isValid() && m_sinceInput.elapsed() < kQuietMs))
        return; // (the next check)
    m_trimming = true;
    // Both on a pool thread: they walk the heap (mallinfo2 1–2 ms, malloc_trim up to ~20 ms for
    // a 200 MiB heap the first time), and the GUI thread waits only if it allocates meanwhile.
    QThreadPool::globalInstance()->start([self = QPointer<HeapUpkeep>(this),
                                          baseline = m_freeBaseline] {
        qsizetype free = freeBytes();
        if (free - baseline > kSlackBytes) {
            QElapsedTimer trim;
            trim.start();
            malloc_trim(0);
            qCDebug(lcUi).nospace()
                << "returned the heap's free pages (" << (free - baseline) / 1024
                << " KiB freed since the last look) in " << trim.elapsed() << " ms";
            free = freeBytes();
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, free, baseline] {
                if (!self)
                    return;
                self->m_trimming = false;
                self->m_freeBaseline = free - baseline > kSlackBytes ? free : qMin(baseline, free);
            },
            Qt::QueuedConnection);
    });
#endif
}

} // namespace inkstream::ui
