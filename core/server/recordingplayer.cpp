#include "core/server/recordingplayer.h"

#include "core/server/serverlog.h"
#include "core/server/session.h"

namespace inkstream::core {

RecordingPlayer::RecordingPlayer(Recording recording, Session *session, QObject *parent)
    : QObject(parent)
    , m_recording(std::move(recording))
    , m_session(session)
    , m_clock(&m_times)
{
    m_times.reserve(m_recording.events.size());
    for (const RecordedEvent &recorded : std::as_const(m_recording.events))
        m_times.append(recorded.atMs);
    connect(&m_clock, &ReplayClock::advanced, this, &RecordingPlayer::publish);
    connect(&m_clock, &ReplayClock::finished, this, &RecordingPlayer::finished);
}

void RecordingPlayer::start()
{
    if (m_recording.events.isEmpty()) {
        Q_EMIT finished();
        return;
    }
    m_clock.play();
}

void RecordingPlayer::publish(qsizetype from, qsizetype to)
{
    for (qsizetype i = from; i < to; ++i) {
        const EventPayload &payload = m_recording.events[i].event.payload;
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
}

} // namespace inkstream::core
