#pragma once

#include "core/model/recordingreader.h"
#include "core/model/replayclock.h"

#include <QObject>

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
    void setSpeed(double factor) { m_clock.setSpeed(factor); }
    void start();
    bool isFinished() const { return m_clock.isAtEnd(); }

Q_SIGNALS:
    void finished();

private:
    void publish(qsizetype from, qsizetype to);

    Recording m_recording;
    QList<qint64> m_times; // the clock's: each event's time
    Session *m_session = nullptr;
    ReplayClock m_clock;
};

} // namespace inkstream::core
