#pragma once

#include <QElapsedTimer>
#include <QtGlobal>

struct xcb_connection_t;

namespace inkstream::ui {

// Tells, without waiting, whether the display server has got through everything this process
// sent it up to the last place(). Qt's X11 backing store waits for the server (a round trip)
// before painting over pixels it handed the server in shared memory, so a repaint issued while
// the server is still busy with the last frame blocks the GUI thread until the server gets
// round to it. Asking first lets the caller go on with its event loop instead.
// On X11 a fence is a GetInputFocus request whose reply is polled for; the server answers in
// order, so the reply means it has processed every earlier request. Elsewhere (Wayland has its
// own frame callbacks, offscreen has no server) every fence has always passed. Without shared
// memory (a remote display) Qt does not wait before painting, but a frame sent before the
// server has taken the last one only queues behind it; waiting for the fence there trades a
// round trip per busy frame for not filling the socket. Use it only while the application
// exists (it shares the application's connection).
class DisplayFence final
{
    Q_DISABLE_COPY_MOVE(DisplayFence)

public:
    DisplayFence();
    ~DisplayFence();

    // Whether there is a display server to fence at all.
    bool isActive() const { return m_connection != nullptr; }
    // Marks the requests sent so far (call right after a flush).
    void place();
    // True once the server has processed everything before the last place(), or when nothing
    // was placed. Never blocks.
    bool hasPassed();
    // Milliseconds since the pending fence was placed; 0 when it has passed.
    qint64 pendingMs() const;
    // Whether anything (a scroll's server-side copy, say) has been sent to the server since the
    // last place(), so that a fence placed now would cover more than the last one.
    bool hasUnfencedRequests();

private:
    xcb_connection_t *m_connection = nullptr;
    quint32 m_pendingSequence = 0;
    quint32 m_lastKnownSequence = 0; // of the last fence or of the no-op asking since
    bool m_pending = false;
    QElapsedTimer m_placed;
};

} // namespace inkstream::ui
