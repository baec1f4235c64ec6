#pragma once

#include "core/protocol/event.h"
#include "core/server/sessionlog.h"

#include <QHash>
#include <QString>
#include <deque>
#include <memory>
#include <optional>

namespace inkstream::core {

// Turns the session log after a viewer's last sequence into catch-up events (docs/protocol.md,
// "Catch-up"): deltas of one file (or chat message) are merged into pieces of at most
// kPieceCharacters, progress updates into the latest one, everything else passes as it is. A
// piece is given out at the place of its first event; each event carries `from` and `seq` so
// that the viewer holds at least every sequence up to `seq` once it has applied it (text merged
// from further on comes again after a cut, and offsets make it harmless). Reading is lazy: a
// subscriber asks for the next event only when its socket has room, so a catch-up of any size
// costs memory for kLookahead events at most.
class CatchUpReader final
{
public:
    static constexpr qsizetype kPieceCharacters = 4096;
    static constexpr quint64 kLookahead = 2048; // events a piece may gather over

    CatchUpReader(const SessionLog *log, quint64 after);

    // The next catch-up event up to `limit` (the last sequence it may cover); nothing when
    // everything up to `limit` has been given out, or the log could not be read (error()).
    std::optional<Event> next(quint64 limit);
    // The sequence the events given out so far bring a viewer to.
    quint64 position() const { return m_position; }
    QString error() const { return m_error; }

private:
    struct Piece
    {
        Event event; // sequence: its first event's
        QString key; // what it merges with; empty: nothing
        bool open = false;
    };

    void absorb(Event event);
    // A text delta (code or chat) joins the open piece it continues, or opens one.
    template<typename Payload> void absorbText(Event event, const QString &key, bool joinable);
    void add(Event event, const QString &key, bool open);
    void close(const QString &key);
    void closeOlderThan(quint64 sequence);
    void closeAll();
    Event takeFront();

    std::unique_ptr<SessionLog::Reader> m_reader;
    std::deque<Piece> m_pieces; // by first sequence
    QHash<QString, qsizetype> m_openPieces; // key -> absolute index (m_taken + position)
    qsizetype m_taken = 0; // pieces given out
    quint64 m_walked = 0; // the last sequence read from the log
    quint64 m_position = 0;
    QString m_error;
};

} // namespace inkstream::core
