#pragma once

#include "core/client/connectionstate.h"
#include "core/client/reconnectpolicy.h"
#include "core/client/streamrequest.h"
#include "core/client/transport.h"
#include "core/protocol/dialectdecoder.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QUrl>
#include <chrono>

namespace inkstream::core {

class EngineIoProbe;
class Sequencer;
class StreamGeneration;

// Opens the transport that follows a session as the mode asks and, in Auto mode, gives way
// from one that never gets through to the next (SSE, WebSocket, polling; Socket.IO when an
// Engine.IO handshake answers).
class TransportChain final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransportChain)

public:
    // See SessionClient::TransportMode.
    enum class Mode { Auto, Sse, WebSocket, Polling, SocketIo };
    // Attempts a transport gets in Auto mode before the next one is tried.
    static constexpr int kAutoAttempts = 2;
    static QString modeText(Mode mode); // "auto", "sse", "ws", "poll", "socketio"
    static bool modeFromText(QStringView text, Mode *mode);

    // A transport opened resumes after `sequencer`'s last sequence; a fallback queued for a
    // `generation` that is over is not taken. Both must outlive the chain.
    TransportChain(const Sequencer &sequencer, const StreamGeneration &generation,
                   QObject *parent = nullptr);
    ~TransportChain() override;

    void setMode(Mode mode) { m_mode = mode; }
    Mode mode() const { return m_mode; }
    // The dialect asked for: native and Auto streams may fall back; a foreign one is SSE's.
    void setDialect(Dialect dialect) { m_dialect = dialect; }
    // The request that opens an SSE stream; its headers go along to Socket.IO and Engine.IO.
    void setRequest(const StreamRequest &request) { m_request = request; }
    // What the next transports get; the current one gets it at once.
    void setReconnectPolicy(const ReconnectPolicy &policy);
    ReconnectPolicy reconnectPolicy() const { return m_policy; }
    void setHeartbeatTimeout(std::chrono::milliseconds timeout);
    void setMaxEventSize(qsizetype bytes);
    qsizetype maxEventSize() const { return m_maxEventSize; }
    void setPollInterval(std::chrono::milliseconds interval);

    Transport *transport() const { return m_transport; }
    QUrl sessionUrl() const { return m_sessionUrl; }
    QUrl streamUrl() const { return m_streamUrl; } // the endpoint of the transport in use
    // Fallbacks taken since restart(), one readable line each.
    QStringList fallbacks() const { return m_fallbacks; }
    // Whether any transport got through since restart().
    bool hasConnected() const { return m_hasConnected; }
    // Why the chain failed: the transport's error, or what the fallbacks met on the way.
    QString errorString() const;

    // A new session URL: fallbacks, the Engine.IO question and the outcome start over.
    void restart(const QUrl &sessionUrl);
    // Whether the mode follows the session URL over Socket.IO (the URL names a Socket.IO server).
    bool namesSocketIo() const;
    // Opens the first transport; `foreignDialect`: the stream is decoded by a dialect decoder.
    void openFirst(bool foreignDialect);
    // Opens `kind` on the session, resuming after what the sequencer applied.
    void open(Transport::Kind kind);
    void close();
    // Whether the transport's `state` makes the chain move on (Auto: a transport that never got
    // through gives way to the next, opened shortly, or the server is asked about Engine.IO):
    // then the state is the chain's affair, not the session's.
    bool movesOn(ConnectionState state);
    // Notes a state the session takes: Connected counts for hasConnected(), Error makes
    // errorString() tell what the fallbacks met.
    void noteState(ConnectionState state);

Q_SIGNALS:
    // The transport's own signals (see Transport).
    void stateChanged(inkstream::core::ConnectionState state);
    void eventReceived(const QByteArray &type, const QByteArray &data,
                       const QByteArray &lastEventId);
    void eventDropped(const QString &reason);
    void retryScheduled(int attempt, std::chrono::milliseconds delay, const QString &reason);
    // The server answered an Engine.IO handshake (`detail` says how): the Socket.IO transport
    // opens right after this.
    void engineIoAnswered(const QString &detail);
    // No Engine.IO handshake answered: the SSE failure `failedState` stands.
    void engineIoDeclined(inkstream::core::ConnectionState failedState);

private:
    void createTransport(Transport::Kind kind);
    QUrl endpointFor(Transport::Kind kind) const;
    bool isOneShot() const { return m_request.isOneShot(); }
    bool shouldProbeEngineIo() const;
    void probeEngineIo(ConnectionState failedState);

    const Sequencer &m_sequencer;
    const StreamGeneration &m_generation;
    Transport *m_transport = nullptr;
    Mode m_mode = Mode::Sse;
    Dialect m_dialect = Dialect::Native;
    StreamRequest m_request;
    ReconnectPolicy m_policy;
    std::chrono::milliseconds m_heartbeatTimeout {45000};
    qsizetype m_maxEventSize = 1024 * 1024;
    std::chrono::milliseconds m_pollInterval {1000};
    QUrl m_sessionUrl;
    QUrl m_streamUrl;
    QStringList m_fallbacks;
    EngineIoProbe *m_engineIoProbe = nullptr; // child; while asking
    bool m_engineIoProbed = false; // for this URL
    bool m_hasConnected = false; // since restart()
    QString m_notAStream; // SSE's "URL is not an event stream" when auto moved on from it
    QString m_finalError; // what errorString() says once every transport failed
};

} // namespace inkstream::core
