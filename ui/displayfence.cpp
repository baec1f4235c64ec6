#include "ui/displayfence.h"

#include <QGuiApplication>

#ifdef INKSTREAM_HAVE_XCB
#include <QtGui/qguiapplication_platform.h>
#include <cstdlib>
#include <xcb/xcb.h>
#include <xcb/xcbext.h> // xcb_poll_for_reply: the only reply call that does not wait
#endif

namespace inkstream::ui {

DisplayFence::DisplayFence()
{
#ifdef INKSTREAM_HAVE_XCB
    if (const auto *x11
        = qGuiApp ? qGuiApp->nativeInterface<QNativeInterface::QX11Application>() : nullptr) {
        m_connection = x11->connection();
    }
#endif
}

DisplayFence::~DisplayFence()
{
#ifdef INKSTREAM_HAVE_XCB
    // (Not once the application is gone: it closed the connection.)
    if (m_pending && m_connection && qGuiApp)
        xcb_discard_reply(m_connection, m_pendingSequence); // xcb would keep it otherwise
#endif
}

void DisplayFence::place()
{
#ifdef INKSTREAM_HAVE_XCB
    if (!m_connection || xcb_connection_has_error(m_connection))
        return;
    if (m_pending)
        xcb_discard_reply(m_connection, m_pendingSequence);
    m_pendingSequence = xcb_get_input_focus(m_connection).sequence;
    m_lastKnownSequence = m_pendingSequence;
    xcb_flush(m_connection);
    m_pending = true;
    m_placed.start();
#endif
}

bool DisplayFence::hasPassed()
{
#ifdef INKSTREAM_HAVE_XCB
    if (!m_pending)
        return true;
    if (xcb_connection_has_error(m_connection)) {
        m_pending = false; // nothing will answer; Qt reports the broken connection itself
        return true;
    }
    void *reply = nullptr;
    xcb_generic_error_t *error = nullptr;
    if (xcb_poll_for_reply(m_connection, m_pendingSequence, &reply, &error) == 0)
        return false;
    std::free(reply);
    std::free(error);
    m_pending = false;
#endif
    return true;
}

qint64 DisplayFence::pendingMs() const
{
    return m_pending ? m_placed.elapsed() : 0;
}

bool DisplayFence::hasUnfencedRequests()
{
#ifdef INKSTREAM_HAVE_XCB
    if (!m_connection || xcb_connection_has_error(m_connection))
        return false;
    // Sequence numbers count requests: a no-op right after the last one known means nothing
    // else went out in between. (Unsigned arithmetic carries it across the 32-bit wrap; there,
    // and after some 65,000 requests without a reply, libxcb slips in a request of its own,
    // which reads as "sent": one fence more, no harm.)
    const quint32 sequence = xcb_no_operation(m_connection).sequence;
    if (sequence != m_lastKnownSequence + 1)
        return true; // and stays true until the next place()
    m_lastKnownSequence = sequence;
#endif
    return false;
}

} // namespace inkstream::ui
