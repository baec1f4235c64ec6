#include "core/client/transportchain.h"

#include "core/client/clientlog.h"
#include "core/client/engineioprobe.h"
#include "core/client/loggableurl.h"
#include "core/client/pollingtransport.h"
#include "core/client/sequencer.h"
#include "core/client/sessionurls.h"
#include "core/client/socketiotransport.h"
#include "core/client/sseclient.h"
#include "core/client/streamgeneration.h"
#include "core/client/websockettransport.h"
#include "core/protocol/endpointdetector.h"

#include <utility>

namespace inkstream::core {

TransportChain::TransportChain(const Sequencer &sequencer, const StreamGeneration &generation,
                               QObject *parent)
    : QObject(parent)
    , m_sequencer(sequencer)
    , m_generation(generation)
{
    createTransport(Transport::Kind::Sse);
}

TransportChain::~TransportChain()
{
    // Nothing the transport does while it is torn down may reach this half-destroyed object.
    m_transport->disconnect(this);
}

QString TransportChain::modeText(Mode mode)
{
    switch (mode) {
    case Mode::Auto:
        return QStringLiteral("auto");
    case Mode::Sse:
        return QStringLiteral("sse");
    case Mode::WebSocket:
        return QStringLiteral("ws");
    case Mode::Polling:
        return QStringLiteral("poll");
    case Mode::SocketIo:
        return QStringLiteral("socketio");
    }
    return QStringLiteral("unknown");
}

bool TransportChain::modeFromText(QStringView text, Mode *mode)
{
    for (Mode candidate : {Mode::Auto, Mode::Sse, Mode::WebSocket, Mode::Polling, Mode::SocketIo}) {
        if (text == modeText(candidate)) {
            *mode = candidate;
            return true;
        }
    }
    return false;
}

void TransportChain::setReconnectPolicy(const ReconnectPolicy &policy)
{
    m_policy = policy;
    m_transport->setReconnectPolicy(policy);
}

void TransportChain::setHeartbeatTimeout(std::chrono::milliseconds timeout)
{
    m_heartbeatTimeout = timeout;
    m_transport->setHeartbeatTimeout(timeout);
}

void TransportChain::setMaxEventSize(qsizetype bytes)
{
    m_maxEventSize = bytes;
    m_transport->setMaxEventSize(bytes);
}

void TransportChain::setPollInterval(std::chrono::milliseconds interval)
{
    m_pollInterval = interval;
    if (auto *polling = qobject_cast<PollingTransport *>(m_transport))
        polling->setPollInterval(interval);
}

QString TransportChain::errorString() const
{
    return m_finalError.isEmpty() ? m_transport->errorString() : m_finalError;
}

void TransportChain::createTransport(Transport::Kind kind)
{
    if (m_transport) {
        m_transport->disconnect(this);
        m_transport->close();
        m_transport->deleteLater();
    }
    switch (kind) {
    case Transport::Kind::Sse:
        m_transport = new SseClient(this);
        break;
    case Transport::Kind::WebSocket:
        m_transport = new WebSocketTransport(this);
        break;
    case Transport::Kind::Polling: {
        auto *polling = new PollingTransport(this);
        polling->setPollInterval(m_pollInterval);
        m_transport = polling;
        break;
    }
    case Transport::Kind::SocketIo: {
        auto *socketIo = new SocketIoTransport(this);
        socketIo->setHeaders(m_request.headers);
        m_transport = socketIo;
        break;
    }
    }
    m_transport->setReconnectPolicy(m_policy);
    m_transport->setHeartbeatTimeout(m_heartbeatTimeout);
    if (auto *sse = qobject_cast<SseClient *>(m_transport)) {
        sse->setRequest(m_request);
        // A posted prompt is never re-sent, so silence cannot be cured by reconnecting; a
        // model may think for long before its first token.
        if (isOneShot())
            sse->setHeartbeatTimeout(std::chrono::milliseconds(0));
    }
    m_transport->setMaxEventSize(m_maxEventSize);
    connect(m_transport, &Transport::eventReceived, this, &TransportChain::eventReceived);
    connect(m_transport, &Transport::stateChanged, this, &TransportChain::stateChanged);
    connect(m_transport, &Transport::eventDropped, this, &TransportChain::eventDropped);
    connect(m_transport, &Transport::retryScheduled, this, &TransportChain::retryScheduled);
}

QUrl TransportChain::endpointFor(Transport::Kind kind) const
{
    switch (kind) {
    case Transport::Kind::Sse:
        if (m_dialect == Dialect::Native
            || (m_dialect == Dialect::Auto && SessionUrls::isNativeSessionUrl(m_sessionUrl)))
            return SessionUrls::streamUrlFor(m_sessionUrl);
        return m_sessionUrl; // a foreign endpoint, as given
    case Transport::Kind::WebSocket:
        return WebSocketTransport::endpointFor(m_sessionUrl);
    case Transport::Kind::Polling:
        return SessionUrls::snapshotUrlFor(m_sessionUrl);
    case Transport::Kind::SocketIo:
        return m_sessionUrl; // the server's URL; the path names the namespace
    }
    return {};
}

void TransportChain::restart(const QUrl &sessionUrl)
{
    m_fallbacks.clear();
    if (EngineIoProbe *probe = std::exchange(m_engineIoProbe, nullptr)) {
        probe->disconnect(this); // its answer is for the URL before
        delete probe;
    }
    m_engineIoProbed = false;
    m_hasConnected = false;
    m_notAStream.clear();
    m_finalError.clear();
    m_sessionUrl = sessionUrl;
}

bool TransportChain::namesSocketIo() const
{
    return (m_mode == Mode::Auto || m_mode == Mode::SocketIo)
        && EndpointDetector::isSocketIoUrl(m_sessionUrl);
}

void TransportChain::openFirst(bool foreignDialect)
{
    // Foreign dialects are SSE streams, or Socket.IO when asked for (or named by the URL).
    const bool sseOnly = foreignDialect || (m_dialect == Dialect::Auto && isOneShot());
    open(m_mode == Mode::SocketIo || namesSocketIo() ? Transport::Kind::SocketIo
             : sseOnly                               ? Transport::Kind::Sse
             : m_mode == Mode::WebSocket             ? Transport::Kind::WebSocket
             : m_mode == Mode::Polling               ? Transport::Kind::Polling
                                                     : Transport::Kind::Sse);
}

void TransportChain::open(Transport::Kind kind)
{
    createTransport(kind);
    // Local numbers of a foreign dialect mean nothing to its server.
    const quint64 last = m_sequencer.lastSequence();
    m_transport->setLastEventId(
        last > 0 && !m_sequencer.hasLocalNumbering() ? QByteArray::number(last) : QByteArray());
    m_streamUrl = endpointFor(kind);
    qCInfo(lcClient, "following %s", qPrintable(LoggableUrl::toString(m_streamUrl)));
    m_transport->open(m_streamUrl);
}

void TransportChain::close()
{
    m_transport->close();
}

bool TransportChain::movesOn(ConnectionState state)
{
    if (state == ConnectionState::Error && shouldProbeEngineIo()) {
        probeEngineIo(state);
        return true;
    }
    if (m_mode != Mode::Auto || m_transport->everConnected()
        || !(m_dialect == Dialect::Native || (m_dialect == Dialect::Auto && !isOneShot()))
        || m_transport->kind() == Transport::Kind::Polling
        || m_transport->kind() == Transport::Kind::SocketIo)
        return false;
    // Auto: a transport that never got through gives way to the next one, unless the server
    // itself answered for the session (401/403/404, 204).
    const bool failed = state == ConnectionState::Error && !m_transport->wasRefused();
    // An answer that was not a stream (a page) says more than what the fallbacks meet next (a
    // 404 for a snapshot beside the page): it is what the user is told if all fail.
    if (const auto *sse = qobject_cast<const SseClient *>(m_transport);
        failed && sse && sse->httpStatus() == 200)
        m_notAStream = m_transport->errorString();
    const bool struggling
        = state == ConnectionState::Retrying && m_transport->attempt() >= kAutoAttempts;
    if (!failed && !struggling)
        return false;
    const Transport::Kind next = m_transport->kind() == Transport::Kind::Sse
        ? Transport::Kind::WebSocket
        : Transport::Kind::Polling;
    const QString message
        = QStringLiteral("%1 did not connect (%2); trying %3")
              .arg(Transport::kindText(m_transport->kind()),
                   failed ? m_transport->errorString() : QStringLiteral("retrying"),
                   Transport::kindText(next));
    qCInfo(lcClient, "%s", qPrintable(message));
    m_fallbacks.append(message);
    QMetaObject::invokeMethod(this, m_generation.guarded([this, next] { open(next); }),
                              Qt::QueuedConnection);
    return true;
}

void TransportChain::noteState(ConnectionState state)
{
    if (state == ConnectionState::Connected)
        m_hasConnected = true;
    if (state == ConnectionState::Error && !m_notAStream.isEmpty())
        m_finalError = QStringLiteral("%1; %2 did not get through either (%3)")
                           .arg(m_notAStream, Transport::kindText(m_transport->kind()),
                                m_transport->errorString());
}

// Auto, on a URL whose server answered the SSE request with an HTTP error before any stream
// (a Socket.IO server's page or its 404): it may still be a Socket.IO server, which tells by
// answering an Engine.IO handshake. Asked once per URL.
bool TransportChain::shouldProbeEngineIo() const
{
    const auto *sse = qobject_cast<const SseClient *>(m_transport);
    return m_mode == Mode::Auto && m_dialect == Dialect::Auto && !m_engineIoProbed && !isOneShot()
        && m_transport->kind() == Transport::Kind::Sse && !m_transport->everConnected()
        && !SessionUrls::isNativeSessionUrl(m_sessionUrl) && sse && sse->httpStatus() != 0;
}

void TransportChain::probeEngineIo(ConnectionState failedState)
{
    m_engineIoProbed = true;
    const QString sseError = m_transport->errorString();
    m_engineIoProbe = new EngineIoProbe(this);
    connect(m_engineIoProbe, &EngineIoProbe::finished, this,
            [this, failedState, sseError, current = m_generation.guard()](bool engineIo,
                                                                          const QString &detail) {
                std::exchange(m_engineIoProbe, nullptr)->deleteLater();
                if (!current)
                    return;
                if (!engineIo) {
                    qCInfo(lcClient, "no Engine.IO handshake at %s (%s)",
                           qPrintable(EngineIoProbe::handshakeUrl(m_sessionUrl)
                                          .toDisplayString(QUrl::RemoveQuery)),
                           qPrintable(detail));
                    Q_EMIT engineIoDeclined(failedState); // what the SSE failure would have done
                    return;
                }
                const QString message
                    = QStringLiteral("sse did not connect (%1); the server answered an "
                                     "Engine.IO handshake (%2): trying socketio")
                          .arg(sseError, detail);
                qCInfo(lcClient, "%s", qPrintable(message));
                m_fallbacks.append(message);
                Q_EMIT engineIoAnswered(detail);
                open(Transport::Kind::SocketIo);
            });
    m_engineIoProbe->start(m_sessionUrl, m_request.headers);
}

} // namespace inkstream::core
