#pragma once

#include "core/client/connectionstate.h"
#include "core/client/dialectsniffer.h"
#include "core/client/reconnectpolicy.h"
#include "core/client/replayfilter.h"
#include "core/client/sequencer.h"
#include "core/client/snapshotresync.h"
#include "core/client/streamgeneration.h"
#include "core/client/streamrequest.h"
#include "core/client/transport.h"
#include "core/client/transportchain.h"
#include "core/protocol/dialectdecoder.h"
#include "core/protocol/event.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <chrono>

namespace inkstream::core {

class SessionModel;

// Follows a session URL into a SessionModel through a Transport (SSE, WebSocket or snapshot
// polling; see TransportMode): events are decoded with EventCodec and put in order by a
// Sequencer (sequencer()), which says what to apply, drop or hold. An event whose sequences were
// already applied is dropped (counted in duplicatesDropped()); a `snapshot` replaces the model's
// state; a malformed or unknown event is reported (errorOccurred, errors()) and the stream goes
// on. The transport reconnects resuming after the last applied sequence (Last-Event-ID), so
// nothing is lost or doubled. A gap (a sequence jump, an event dropped for its size, or a
// reconnected stream that starts below what was applied without saying where it starts)
// triggers a re-sync: GET .../snapshot (SnapshotFetch, NDJSON when the publisher has it) replaces
// the model, and the live events held meanwhile are applied after it. A re-sync never takes away
// a file or chat message the viewer shows that the snapshot lacks. A `connected` event naming
// another history (epoch) makes the client follow that history from its start, keeping what it
// shows.
//
// The façade over the pieces that do the work: a TransportChain opens the transports and falls
// back between them, a DialectSniffer picks the decoder, the Sequencer orders the events and a
// SnapshotResync re-syncs after a gap; a StreamGeneration stops what a receiver's switch to
// another session left half done.
class SessionClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionClient)

public:
    // Which transport follows the session. Auto: SSE, then WebSocket, then polling, each when
    // the one before never got through (the server answering 401/403/404 or 204 is final).
    // SocketIo follows a Socket.IO v4 server (any dialect; model-chunk is seed 003's) and is
    // never chosen by Auto.
    using TransportMode = TransportChain::Mode; // { Auto, Sse, WebSocket, Polling, SocketIo }

    // The model is not owned; it must outlive the client.
    explicit SessionClient(SessionModel *model, QObject *parent = nullptr);
    ~SessionClient() override;

    // Takes effect with the next connectTo(). Default Sse.
    void setTransportMode(TransportMode mode) { m_chain->setMode(mode); }
    TransportMode transportMode() const { return m_chain->mode(); }
    // The transport in use (in Auto mode, the one it settled on so far).
    Transport::Kind activeTransport() const;
    // Fallbacks taken in Auto mode since connectTo(), one readable line each.
    QStringList fallbacks() const { return m_chain->fallbacks(); }
    static QString transportModeText(TransportMode mode); // "auto", "sse", "ws", "poll", ...
    static bool transportModeFromText(QStringView text, TransportMode *mode);
    // Attempts a transport gets in Auto mode before the next one is tried.
    static constexpr int kAutoAttempts = TransportChain::kAutoAttempts;
    // Between snapshot polls (polling transport). Default 1 s.
    void setPollInterval(std::chrono::milliseconds interval);

    // The stream format (takes effect with the next connectTo()). Default Native. A foreign
    // dialect is decoded by its DialectDecoder over SSE, the URL used as given; its events get
    // local sequence numbers (1, 2, ...) and decoder warnings go to warnings(). Auto decides
    // from the first frames that tell (dialectDetected); a URL of the form
    // .../api/sessions/ID is followed as native.
    void setDialect(Dialect dialect);
    Dialect dialect() const { return m_sniffer->dialect(); }
    // The dialect in use: the requested one, or in Auto what was detected (Auto until then).
    Dialect activeDialect() const { return m_sniffer->activeDialect(); }
    QString dialectReason() const { return m_sniffer->reason(); }
    // Frames Auto holds back before it settles on native when none of them tells.
    static constexpr qsizetype kMaxUndecidedFrames = DialectSniffer::kMaxUndecidedFrames;
    // The request that opens an SSE stream (takes effect with the next connectTo()): a method
    // other than GET sends its body once and never reconnects (a posted prompt); the stream's
    // end then completes the reply.
    void setRequest(const StreamRequest &request);
    // A stream opened with anything but GET (a posted prompt): never re-sent, so never
    // reconnected.
    bool isOneShot() const { return m_request.isOneShot(); }
    // Decoder warnings (things a dialect did not understand), oldest first, at most maxErrors().
    QStringList warnings() const { return m_warnings; }

    // Clears the model and the counters, then follows `sessionUrl`:
    // http://HOST:PORT/api/sessions/ID (the stream is ID/stream) or the .../stream URL itself.
    void connectTo(const QUrl &sessionUrl);
    // Follows `url` like connectTo() but keeps the model and the counters: the next turn of a
    // conversation (ChatConversation) streams into the same session.
    void continueWith(const QUrl &url);
    // Follows `sessionUrl` like connectTo() but keeps the model as it is (a saved state loaded
    // into it, ViewerState) and resumes after `lastSequence` of history `epoch` (empty: not
    // known): only what the model lacks is received. The counters start over.
    void resumeFrom(const QUrl &sessionUrl, quint64 lastSequence, const QString &epoch);
    // Closes the stream (state Disconnected); the model keeps what arrived.
    void disconnectFromSession();
    // Stop for a reply: a foreign dialect's decoder first completes what is open (the reply's
    // message and code block keep what arrived), then the stream closes.
    void stopStream();
    // Applies an event that did not come from the stream (the user's own prompt), numbered
    // after the last one.
    void applyLocalEvent(const EventPayload &payload);
    // The chat message id the next chat dialect decoder gives its reply ("reply-1" when
    // empty); unique per turn of a conversation.
    void setReplyId(const QString &id) { m_sniffer->setReplyId(id); }
    // Manual reconnect with a fresh backoff, resuming after the last applied sequence.
    void reconnectNow();

    ConnectionState state() const;
    QString errorString() const;
    // Whether any transport got through to the session since connectTo(): false while a
    // connection that never succeeded is retried ("could not connect", not "lost").
    bool hasConnected() const { return m_chain->hasConnected(); }
    QUrl sessionUrl() const { return m_chain->sessionUrl(); }
    QUrl streamUrl() const { return m_chain->streamUrl(); } // the endpoint of the transport in use
    SessionModel *model() const { return m_model; }
    Transport *transport() const { return m_chain->transport(); }
    void setReconnectPolicy(const ReconnectPolicy &policy);
    ReconnectPolicy reconnectPolicy() const;
    // No bytes for this long means the connection is dead (abort, reconnect); 0 disables.
    // Default 45 s.
    void setHeartbeatTimeout(std::chrono::milliseconds timeout);
    // A single event larger than this is dropped with an error; the stream goes on. 1 MiB.
    void setMaxEventSize(qsizetype bytes);
    // While Retrying: the attempt about to be made (1-based) and the delay before it.
    int attempt() const;
    std::chrono::milliseconds retryDelay() const;

    quint64 eventsReceived() const { return m_eventsReceived; } // decoded, duplicates included
    int reconnects() const;
    quint64 duplicatesDropped() const
    {
        return m_sequencer.duplicatesDropped() + m_dialectDuplicates;
    }
    // Frames of an id-less stream that a reconnection sent again from its start (skipped).
    quint64 replayedFramesSkipped() const { return m_replay.skipped(); }
    // The order of the session's events: last applied sequence, history, resume id.
    const Sequencer &sequencer() const { return m_sequencer; }
    quint64 lastSequence() const { return m_sequencer.lastSequence(); } // last applied
    QString epoch() const { return m_sequencer.epoch(); } // the history followed, if known
    int resyncs() const { return m_resync->resyncs(); } // re-syncs from GET .../snapshot started
    bool isResyncing() const { return m_sequencer.isResyncing(); }
    // Body bytes of the re-sync answers (GET .../snapshot) received since connectTo().
    qint64 resyncBytes() const { return m_resync->bytesReceived(); }
    // `connected` events that named another history than the one followed (publisher lost
    // its history): each made the client start over from that history's beginning.
    int newHistories() const { return m_newHistories; }
    // Every error so far, oldest first: rejected events and, last, a fatal connection error.
    // Holds at most maxErrors() entries; errorCount() counts them all.
    QStringList errors() const { return m_errors; }
    quint64 errorCount() const { return m_errorCount; }
    static constexpr qsizetype maxErrors() { return 1000; }

    // The stream URL for a session URL: ".../stream" appended to .../api/sessions/ID; any other
    // URL (.../stream itself, an nchan subscriber URL) is kept as it is.
    static QUrl streamUrlFor(const QUrl &sessionUrl);
    // The snapshot URL for a session (or stream) URL: ".../snapshot", query kept.
    static QUrl snapshotUrlFor(const QUrl &sessionUrl);

Q_SIGNALS:
    // A session is about to be followed (connectTo, resumeFrom): what counted the last one
    // (analytics, the event log) starts again. Not for a chat's next turn (continueWith).
    void sessionOpened(const QUrl &url);
    void stateChanged(inkstream::core::ConnectionState state);
    // Every decoded event, before it is applied (or dropped as a duplicate). `wireBytes` is the
    // size of its SSE frame.
    void eventReceived(const inkstream::core::Event &event, qsizetype wireBytes);
    void errorOccurred(const QString &message); // non-fatal: malformed event etc.
    // Auto: the stream's dialect was recognised (`reason` says from what).
    void dialectDetected(inkstream::core::Dialect dialect, const QString &reason);
    // A dialect decoder met something it does not understand; the stream goes on.
    void warningOccurred(const QString &message);
    // The connection dropped; attempt `attempt` follows after `delay`.
    void retryScheduled(int attempt, std::chrono::milliseconds delay, const QString &reason);

private:
    void openStream(const QUrl &sessionUrl);
    void onTransportEvent(const QByteArray &type, const QByteArray &data,
                          const QByteArray &lastEventId);
    void onStateChanged(ConnectionState state);
    void onDialectSettled(Dialect dialect, const QString &reason);
    void dispatchFrame(const SseEvent &frame);
    void decodeNative(const QByteArray &type, const QByteArray &data,
                      const QByteArray &lastEventId);
    void applyDialectOutput(const DialectOutput &output, qsizetype wireBytes);
    void syncResumeId();
    void recordError(const QString &message);
    void reportError(const QString &message);
    void handleEvent(const Event &event, qsizetype wireBytes);
    void handleConnected(const ConnectedEvent &connected);
    void onEventDropped(const QString &reason);
    bool followsNativeSession() const;
    void applyEvent(const Event &event);
    void startResync(const QString &reason);
    void onResyncFailed(const QString &message);
    void finishResync();
    void completeFinishedStream();
    bool isForeignDialect() const { return m_sniffer->decoder() != nullptr; }

    SessionModel *m_model = nullptr;
    Sequencer m_sequencer;
    StreamGeneration m_generation; // next on connectTo(), disconnectFromSession(), new history
    TransportChain *m_chain = nullptr;
    DialectSniffer *m_sniffer = nullptr;
    SnapshotResync *m_resync = nullptr;
    QStringList m_warnings;
    bool m_closing = false;
    StreamRequest m_request;
    ReplayFilter m_replay; // id-less foreign streams that start over on reconnect
    quint64 m_eventsReceived = 0;
    quint64 m_dialectDuplicates = 0; // repeats a dialect decoder recognised
    QStringList m_errors;
    quint64 m_errorCount = 0;
    bool m_applying = false; // model errors raised now belong to the event being applied
    QString m_modelError;
    int m_newHistories = 0;
};

} // namespace inkstream::core
