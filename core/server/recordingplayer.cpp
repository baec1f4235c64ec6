#include "core/server/recordingplayer.h"

#include "core/server/serverlog.h"
#include "core/server/session.h"

namespace inkstream::core {

RecordingPlayer::RecordingPlayer(Recording recording, Session *session, QObject *parent)
    : QObject(parent)
    , m_recording(std::move(recording))
    , m_session(session)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RecordingPlayer::publishDue);
}

void RecordingPlayer::start()
{
    m_clock.start();
    publishDue();
}

void RecordingPlayer::publishDue()
{
    const double elapsed = double(m_clock.elapsed());
    while (m_next < m_recording.events.size()) {
        const RecordedEvent &recorded = m_recording.events[m_next];
        if (m_speed > 0 && double(recorded.atMs) / m_speed > elapsed) {
            m_timer.start(qMax(0, int(double(recorded.atMs) / m_speed - elapsed)));
            return;
        }
        ++m_next;
        const EventPayload &payload = recorded.event.payload;
        // Per-subscriber events of the recording viewer's own connection are not the session's.
        if (std::holds_alternative<ConnectedEvent>(payload)
            || std::holds_alternative<ShutdownEvent>(payload))
            continue;
        if (std::holds_alternative<SnapshotEvent>(payload)) {
            qCWarning(lcServer,
                      "the recording holds a snapshot (its viewer joined late or "
                      "re-synced); events before it cannot be replayed one by one");
            continue;
        }
        m_session->publish(payload);
    }
    Q_EMIT finished();
}

} // namespace inkstream::core
