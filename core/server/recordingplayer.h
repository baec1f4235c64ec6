#pragma once

#include "core/model/recordingreader.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace inkstream::core {

class Session;

// Publishes a recording into a Session live, with the recorded timing scaled by a speed
// factor, so a saved session can be shown to viewers again (`serve --replay`).
class RecordingPlayer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecordingPlayer)

public:
    RecordingPlayer(Recording recording, Session *session, QObject *parent = nullptr);

    // 2 = twice as fast; 0 = everything at once.
    void setSpeed(double factor) { m_speed = qMax(0.0, factor); }
    void start();
    bool isFinished() const { return m_next >= m_recording.events.size(); }

Q_SIGNALS:
    void finished();

private:
    void publishDue();

    Recording m_recording;
    Session *m_session = nullptr;
    double m_speed = 1.0;
    qsizetype m_next = 0;
    QElapsedTimer m_clock;
    QTimer m_timer;
};

} // namespace inkstream::core
