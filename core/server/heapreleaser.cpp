#include "heapreleaser.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace inkstream::core {

HeapReleaser::HeapReleaser(std::chrono::milliseconds quietPeriod, QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(quietPeriod);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        releaseNow();
        Q_EMIT released();
    });
}

void HeapReleaser::scheduleRelease()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void HeapReleaser::releaseNow()
{
#if defined(__GLIBC__)
    // Sanitizer builds replace malloc; glibc's trim then has nothing of theirs to give back.
    malloc_trim(0);
#endif
}

} // namespace inkstream::core
