#include "core/client/sequencer.h"

namespace inkstream::core {

void Sequencer::reset()
{
    const qsizetype maxHeld = m_maxHeldBytes;
    *this = Sequencer();
    m_maxHeldBytes = maxHeld;
}

void Sequencer::resumeAt(quint64 lastSequence, const QString &epoch)
{
    restartStream();
    m_lastSequence = lastSequence;
    m_epoch = epoch;
}

void Sequencer::restartStream()
{
    m_resyncing = false;
    m_held.clear();
    m_heldBytes = 0;
    m_heldOverflow = false;
    m_freshConnection = false;
    m_foreignIds = false;
}

Sequencer::Start Sequencer::connected(const ConnectedEvent &connected, QString *why)
{
    if (connected.epoch.isEmpty())
        return Start::Continue; // nothing said: the first event will tell (Restarted)
    m_freshConnection = false; // the publisher said where the stream starts
    if (m_lastSequence == 0) {
        // Nothing applied of any history yet, so nothing was resumed either.
        m_epoch = connected.epoch;
        return Start::Continue;
    }
    QString reason;
    if (!m_epoch.isEmpty() && m_epoch != connected.epoch)
        reason = QStringLiteral("the session's history changed (epoch %1, was %2)")
                     .arg(connected.epoch, m_epoch);
    else if (m_lastSequence > connected.lastSequence)
        reason = QStringLiteral("the session ends at sequence %1, below the %2 applied (another "
                                "history)")
                     .arg(connected.lastSequence)
                     .arg(m_lastSequence);
    m_epoch = connected.epoch;
    if (!reason.isEmpty()) {
        // What the viewer shows stays; the new history is followed from its start, and its
        // `code start` events rewrite the files they name.
        m_lastSequence = 0;
        m_resyncing = false;
        m_held.clear();
        m_heldBytes = 0;
        m_heldOverflow = false;
        if (why)
            *why = reason;
        return Start::NewHistory;
    }
    if (connected.resumeAfter > m_lastSequence) {
        if (why)
            *why = QStringLiteral("gap: the stream resumes after sequence %1, %2 was applied")
                       .arg(connected.resumeAfter)
                       .arg(m_lastSequence);
        return Start::Gap;
    }
    return Start::Continue;
}

Sequencer::Verdict Sequencer::admit(const Event &event, qsizetype wireBytes, QString *why)
{
    if (m_resyncing) {
        hold(event, wireBytes);
        return Verdict::Held;
    }
    if (event.sequence == 0)
        return Verdict::Apply;
    const bool fresh = std::exchange(m_freshConnection, false);
    // A correct server resumes right after Last-Event-ID; one that starts lower (and said
    // nothing of its history in `connected`) has lost or renumbered it, so what we hold may not
    // be a prefix of its state.
    if (fresh && m_lastSequence > 0 && event.sequence < m_lastSequence) {
        if (why)
            *why = QStringLiteral("the stream restarted at sequence %1 after %2 was applied "
                                  "(publisher restart?)")
                       .arg(event.sequence)
                       .arg(m_lastSequence);
        return Verdict::Restarted;
    }
    if (event.sequence <= m_lastSequence) {
        ++m_duplicatesDropped;
        return Verdict::Duplicate;
    }
    // A catch-up event may start below last + 1 (text the model has is skipped by offset).
    if (event.coversFrom() > m_lastSequence + 1) {
        if (why)
            *why = event.firstSequence != 0 ? QStringLiteral("gap: sequences %1..%2 follow %3")
                                                  .arg(event.firstSequence)
                                                  .arg(event.sequence)
                                                  .arg(m_lastSequence)
                                            : QStringLiteral("gap: sequence %1 follows %2")
                                                  .arg(event.sequence)
                                                  .arg(m_lastSequence);
        return Verdict::Gap;
    }
    m_lastSequence = event.sequence;
    return Verdict::Apply;
}

void Sequencer::advanceTo(quint64 sequence)
{
    if (sequence > m_lastSequence)
        m_lastSequence = sequence;
}

void Sequencer::snapshotApplied(quint64 sequence)
{
    m_lastSequence = sequence;
    m_freshConnection = false;
}

void Sequencer::noteWireId(const QByteArray &wireId, quint64 sequence)
{
    if (!wireId.isEmpty() && sequence != 0 && wireId != QByteArray::number(sequence))
        m_foreignIds = true;
}

void Sequencer::beginResync()
{
    m_resyncing = true;
    m_held.clear();
    m_heldBytes = 0;
    m_heldOverflow = false;
}

QList<Sequencer::HeldEvent> Sequencer::endResync(bool *overflowed)
{
    m_resyncing = false;
    const bool overflow = std::exchange(m_heldOverflow, false);
    if (overflowed)
        *overflowed = overflow;
    m_heldBytes = 0;
    return std::exchange(m_held, {});
}

bool Sequencer::hold(const Event &event, qsizetype wireBytes)
{
    if (m_heldOverflow)
        return false;
    m_held.append({event, wireBytes});
    m_heldBytes += wireBytes;
    if (m_heldBytes > m_maxHeldBytes) {
        m_held.clear();
        m_heldBytes = 0;
        m_heldOverflow = true;
        return false;
    }
    return true;
}

QByteArray Sequencer::resumeId() const
{
    return m_lastSequence > 0 && ownsResumeId() ? QByteArray::number(m_lastSequence) : QByteArray();
}

} // namespace inkstream::core
