#pragma once

#include "core/protocol/event.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <utility>

namespace inkstream::core {

// Puts one session's events in order for a viewer (docs/protocol.md, "Sequences, resume and
// catch-up"). It decides, for every event of the stream, whether it is applied, dropped as a
// duplicate, held while a re-sync is under way, or reveals a gap; it keeps the last applied
// sequence, the history (epoch) it belongs to and the id to resume after. It does nothing
// itself: SessionClient applies, re-syncs and reconnects as told. A viewer that saved its
// state (ViewerState) puts it back with resumeAt().
class Sequencer final
{
public:
    // What to do with an event.
    enum class Verdict {
        Apply, // in order (or not sequenced): apply it; lastSequence() already moved past it
        Duplicate, // everything it brings was applied: drop it (counted)
        Held, // a re-sync is under way: kept for after it (heldEvents())
        Gap, // it starts beyond lastSequence() + 1: re-sync, then admit() it again
        Restarted, // the first event of a fresh connection without epoch information is below
                   // what was applied (the publisher restarted and numbers anew): re-sync
    };
    // What a `connected` event means for this viewer.
    enum class Start {
        Continue, // the stream continues our history
        NewHistory, // another history: lastSequence() is 0 now; reopen without Last-Event-ID
        Gap, // the stream resumes beyond what was applied: re-sync
    };
    struct HeldEvent
    {
        Event event;
        qsizetype wireBytes = 0;
    };

    Sequencer() = default;

    // Forgets everything (a new session): last sequence 0, no epoch, counters 0.
    void reset();
    // Puts back a saved position: the last applied sequence of history `epoch` (empty: not
    // known). Nothing is held afterwards.
    void resumeAt(quint64 lastSequence, const QString &epoch);
    // A new stream of the same session (the URL, transport or dialect changed): keeps the
    // position, drops what is held and what the old stream said about its ids.
    void restartStream();
    // Foreign dialects number their events locally (no Last-Event-ID of ours is sent).
    void setLocalNumbering(bool local) { m_localNumbering = local; }
    bool hasLocalNumbering() const { return m_localNumbering; }

    // The transport (re)connected: until `connected` says where the stream starts, or its first
    // sequenced event arrives, the connection is fresh.
    void connectionOpened() { m_freshConnection = true; }
    // The `connected` event. Without an epoch (older publishers, relays, other systems) it says
    // nothing and the fresh-connection check stays on. With one: a remembered epoch that
    // differs, or a lastSequence below ours, is a new history (`why` says which).
    Start connected(const ConnectedEvent &connected, QString *why = nullptr);
    // Where a sequenced event goes (see Verdict); `why` explains Gap and Restarted.
    Verdict admit(const Event &event, qsizetype wireBytes, QString *why = nullptr);
    // An event of `sequence` was applied outside admit() (a locally numbered one, an event
    // applied after a failed re-sync): the position moves past it.
    void advanceTo(quint64 sequence);
    // A snapshot (a `snapshot` event or a re-sync) put the model at `sequence`, also when that
    // is lower (a restarted publisher): the position is exactly that.
    void snapshotApplied(quint64 sequence);
    // The id a stream `id:` carried for a decoded event: ids that are not our sequences (a
    // relay such as nchan numbers its messages itself) are then kept for resuming.
    void noteWireId(const QByteArray &wireId, quint64 sequence);

    // Re-sync. begin drops anything held before; end returns what was held in arrival order and
    // whether too much arrived to hold (then the stream is to be reopened after the snapshot).
    void beginResync();
    QList<HeldEvent> endResync(bool *overflowed = nullptr);
    // An event of the stream was lost (dropped for its size) while a re-sync is under way: the
    // held events no longer follow on, so the stream is to be reopened after the snapshot.
    void markHeldIncomplete() { m_heldOverflow = true; }
    bool isResyncing() const { return m_resyncing; }
    const QList<HeldEvent> &heldEvents() const { return m_held; }
    qsizetype heldBytes() const { return m_heldBytes; }
    // Live events held during a re-sync are bounded by this many wire bytes; beyond it they are
    // dropped and the stream is reopened after the snapshot instead.
    static constexpr qsizetype maxHeldBytes() { return 64 * 1024 * 1024; }
    void setMaxHeldBytes(qsizetype bytes) { m_maxHeldBytes = bytes; } // tests

    quint64 lastSequence() const { return m_lastSequence; } // last applied
    QString epoch() const { return m_epoch; } // the history followed; empty: not known
    quint64 duplicatesDropped() const { return m_duplicatesDropped; }
    // Whether the ids of this stream are ours to resume with: session sequences, not local
    // numbers (foreign dialect) nor a relay's own ids.
    bool ownsResumeId() const { return !m_localNumbering && !m_foreignIds; }
    // The Last-Event-ID to send: the last applied sequence, empty when there is none (a fresh
    // start, a new history) or when the ids are not ours (see ownsResumeId()).
    QByteArray resumeId() const;

private:
    bool hold(const Event &event, qsizetype wireBytes);

    quint64 m_lastSequence = 0;
    QString m_epoch;
    quint64 m_duplicatesDropped = 0;
    bool m_localNumbering = false;
    bool m_freshConnection = false; // no sequenced event yet on the current connection
    bool m_foreignIds = false; // the stream's ids are not our sequences (nchan): keep them
    bool m_resyncing = false;
    QList<HeldEvent> m_held; // live events that arrived during a re-sync
    qsizetype m_heldBytes = 0;
    qsizetype m_maxHeldBytes = maxHeldBytes();
    bool m_heldOverflow = false;
};

} // namespace inkstream::core
