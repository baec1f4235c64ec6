#include "core/client/sessionclient.h"

#include "core/client/clientlog.h"
#include "core/client/sessionurls.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"

#include <utility>

namespace inkstream::core {

namespace {

// The size of the frame the native SSE writer produces for these fields.
qsizetype frameSize(const QByteArray &type, const QByteArray &data, const QByteArray &id)
{
    qsizetype size = 1; // the blank line that ends the event
    if (!id.isEmpty())
        size += 5 + id.size(); // "id: " ... "\n"
    if (type != "message")
        size += 8 + type.size(); // "event: " ... "\n"
    const qsizetype lines = data.count('\n') + 1;
    return size + data.size() + 6 * lines + 1; // "data: " ... "\n" per line
}

} // namespace

SessionClient::SessionClient(SessionModel *model, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_chain(new TransportChain(m_sequencer, m_generation, this))
    , m_sniffer(new DialectSniffer(this))
    , m_resync(new SnapshotResync(model, &m_sequencer, this))
{
    Q_ASSERT(model);
    connect(m_model, &SessionModel::errorReported, this, [this](const QString &message) {
        if (m_applying)
            m_modelError = message;
    });
    connect(m_chain, &TransportChain::eventReceived, this, &SessionClient::onTransportEvent);
    connect(m_chain, &TransportChain::stateChanged, this, &SessionClient::onStateChanged);
    connect(m_chain, &TransportChain::eventDropped, this, &SessionClient::onEventDropped);
    connect(m_chain, &TransportChain::retryScheduled, this, &SessionClient::retryScheduled);
    // What the SSE failure would have done.
    connect(m_chain, &TransportChain::engineIoDeclined, this, &SessionClient::onStateChanged);
    connect(m_chain, &TransportChain::engineIoAnswered, this, [this](const QString &detail) {
        m_sniffer->settle(Dialect::ModelChunk,
                          QStringLiteral("an Engine.IO handshake at /socket.io/ (%1): "
                                         "Socket.IO, seed 003's model-chunk events")
                              .arg(detail));
    });
    connect(m_sniffer, &DialectSniffer::dialectSettled, this, &SessionClient::onDialectSettled);
    connect(m_resync, &SnapshotResync::snapshotLoaded, this, [this] {
        syncResumeId();
        finishResync();
    });
    connect(m_resync, &SnapshotResync::failed, this, &SessionClient::onResyncFailed);
}

SessionClient::~SessionClient()
{
    // Nothing a child does while it is torn down may reach this half-destroyed object.
    m_resync->cancel();
    m_chain->disconnect(this);
}

QString SessionClient::transportModeText(TransportMode mode)
{
    return TransportChain::modeText(mode);
}

bool SessionClient::transportModeFromText(QStringView text, TransportMode *mode)
{
    return TransportChain::modeFromText(text, mode);
}

Transport::Kind SessionClient::activeTransport() const
{
    return m_chain->transport()->kind();
}

void SessionClient::setPollInterval(std::chrono::milliseconds interval)
{
    m_chain->setPollInterval(interval);
}

void SessionClient::setDialect(Dialect dialect)
{
    m_sniffer->setDialect(dialect);
    m_chain->setDialect(dialect);
}

void SessionClient::setRequest(const StreamRequest &request)
{
    m_request = request.normalised();
    m_chain->setRequest(m_request);
}

void SessionClient::connectTo(const QUrl &sessionUrl)
{
    m_model->clear();
    resumeFrom(sessionUrl, 0, QString());
}

void SessionClient::resumeFrom(const QUrl &sessionUrl, quint64 lastSequence, const QString &epoch)
{
    m_eventsReceived = 0;
    m_dialectDuplicates = 0;
    m_errors.clear();
    m_errorCount = 0;
    m_warnings.clear();
    m_resync->resetCounters();
    m_newHistories = 0;
    m_sequencer.reset();
    m_sequencer.resumeAt(lastSequence, epoch);
    Q_EMIT sessionOpened(sessionUrl);
    openStream(sessionUrl);
}

void SessionClient::continueWith(const QUrl &url)
{
    openStream(url);
}

void SessionClient::applyLocalEvent(const EventPayload &payload)
{
    DialectOutput output;
    output.events.append(payload);
    applyDialectOutput(output, 0);
}

void SessionClient::stopStream()
{
    // What arrived stays; an open reply and its code block complete with it.
    DialectDecoder *decoder = m_sniffer->decoder();
    if (decoder && !decoder->isFinished() && state() != ConnectionState::Idle)
        applyDialectOutput(decoder->finish(), 0);
    disconnectFromSession();
}

void SessionClient::openStream(const QUrl &sessionUrl)
{
    m_generation.next();
    m_chain->close();
    m_resync->cancel();
    m_sequencer.restartStream();
    m_chain->restart(sessionUrl);
    m_replay.reset();
    m_closing = false;
    m_sniffer->restart();
    m_sequencer.setLocalNumbering(isForeignDialect());
    // Auto: a URL that names its API (or a Socket.IO server) tells before any frame.
    m_sniffer->sniffUrl(sessionUrl, m_chain->namesSocketIo());
    m_chain->openFirst(isForeignDialect());
}

void SessionClient::disconnectFromSession()
{
    m_generation.next();
    m_closing = true;
    m_chain->close();
    m_closing = false;
    m_resync->cancel();
    m_sequencer.restartStream();
}

void SessionClient::reconnectNow()
{
    transport()->reconnectNow();
}

ConnectionState SessionClient::state() const
{
    return transport()->state();
}

QString SessionClient::errorString() const
{
    return m_chain->errorString();
}

void SessionClient::setReconnectPolicy(const ReconnectPolicy &policy)
{
    m_chain->setReconnectPolicy(policy);
}

ReconnectPolicy SessionClient::reconnectPolicy() const
{
    return m_chain->reconnectPolicy();
}

void SessionClient::setHeartbeatTimeout(std::chrono::milliseconds timeout)
{
    m_chain->setHeartbeatTimeout(timeout);
}

void SessionClient::setMaxEventSize(qsizetype bytes)
{
    m_chain->setMaxEventSize(bytes);
}

int SessionClient::attempt() const
{
    return transport()->attempt();
}

std::chrono::milliseconds SessionClient::retryDelay() const
{
    return transport()->retryDelay();
}

int SessionClient::reconnects() const
{
    return transport()->reconnects();
}

QUrl SessionClient::snapshotUrlFor(const QUrl &sessionUrl)
{
    return SessionUrls::snapshotUrlFor(sessionUrl);
}

QUrl SessionClient::streamUrlFor(const QUrl &sessionUrl)
{
    return SessionUrls::streamUrlFor(sessionUrl);
}

void SessionClient::onTransportEvent(const QByteArray &type, const QByteArray &data,
                                     const QByteArray &lastEventId)
{
    const QList<SseEvent> frames
        = m_sniffer->sniffFrame(SseEvent {type, data, lastEventId}, transport()->kind());
    const StreamGeneration::Guard current = m_generation.guard();
    for (const SseEvent &frame : frames) {
        if (!current)
            return;
        dispatchFrame(frame);
    }
}

void SessionClient::onDialectSettled(Dialect dialect, const QString &reason)
{
    m_sequencer.setLocalNumbering(isForeignDialect());
    Q_EMIT dialectDetected(dialect, reason);
}

void SessionClient::dispatchFrame(const SseEvent &frame)
{
    DialectDecoder *decoder = m_sniffer->decoder();
    if (!decoder) {
        decodeNative(frame.type, frame.data, frame.lastEventId);
        return;
    }
    if (decoder->isFinished())
        return;
    // A reconnected id-less stream may start over; model-chunk's sequences see to its own.
    if (!isOneShot() && activeDialect() != Dialect::ModelChunk && m_replay.isReplayed(frame))
        return;
    applyDialectOutput(decoder->decode(frame),
                       frameSize(frame.type, frame.data, frame.lastEventId));
}

// Numbers the decoded events locally and applies them; the first carries the frame's bytes.
void SessionClient::applyDialectOutput(const DialectOutput &output, qsizetype wireBytes)
{
    const StreamGeneration::Guard current = m_generation.guard();
    m_dialectDuplicates += quint64(output.duplicates);
    for (const QString &warning : output.warnings) {
        if (m_warnings.size() < maxErrors())
            m_warnings.append(warning);
        qCInfo(lcClient, "%s", qPrintable(warning));
        Q_EMIT warningOccurred(warning);
        if (!current)
            return;
    }
    for (const EventPayload &payload : output.events) {
        if (std::holds_alternative<ConnectedEvent>(payload))
            continue; // per subscriber, nothing for the model
        const Event event {m_sequencer.lastSequence() + 1, QString(), payload};
        ++m_eventsReceived;
        Q_EMIT eventReceived(event, std::exchange(wireBytes, 0));
        if (!current)
            return;
        applyEvent(event);
    }
}

void SessionClient::decodeNative(const QByteArray &type, const QByteArray &data,
                                 const QByteArray &lastEventId)
{
    DecodeResult result = EventCodec::decode(type, data, lastEventId);
    if (!result.ok()) {
        const QString message
            = QStringLiteral("rejected %1 event (id %2): %3")
                  .arg(type.isEmpty() ? QStringLiteral("JSON") : QString::fromUtf8(type),
                       lastEventId.isEmpty() ? QStringLiteral("none")
                                             : QString::fromUtf8(lastEventId),
                       result.error);
        recordError(message);
        syncResumeId();
        Q_EMIT errorOccurred(message);
        return;
    }
    const Event &event = *result.event;
    // A relay (nchan) numbers its messages itself: resume with its ids, not our sequences.
    m_sequencer.noteWireId(lastEventId, event.sequence);
    ++m_eventsReceived;
    const qsizetype wireBytes = type.isEmpty() ? data.size() : frameSize(type, data, lastEventId);
    const StreamGeneration::Guard current = m_generation.guard();
    Q_EMIT eventReceived(event, wireBytes);
    if (!current)
        return; // a receiver switched to another session or disconnected
    handleEvent(event, wireBytes);
}

void SessionClient::handleEvent(const Event &event, qsizetype wireBytes)
{
    if (const auto *connected = std::get_if<ConnectedEvent>(&event.payload)) {
        handleConnected(*connected); // per subscriber, nothing for the model
        return;
    }
    if (const auto *shutdown = std::get_if<ShutdownEvent>(&event.payload)) {
        // The stream ends next; reconnecting resumes once the publisher is back.
        qCInfo(lcClient, "publisher is shutting down: %s", qPrintable(shutdown->reason));
        syncResumeId();
        return;
    }
    if (std::holds_alternative<SnapshotEvent>(event.payload)) {
        // The server sent the whole state itself: no need for ours.
        const bool wasResyncing = m_sequencer.isResyncing();
        if (wasResyncing)
            m_resync->cancel();
        applyEvent(event);
        if (wasResyncing)
            finishResync();
        return;
    }
    QString why;
    switch (m_sequencer.admit(event, wireBytes, &why)) {
    case Sequencer::Verdict::Apply:
        applyEvent(event);
        return;
    case Sequencer::Verdict::Duplicate:
        qCDebug(lcClient, "dropped duplicate event %llu (applied up to %llu)",
                static_cast<unsigned long long>(event.sequence),
                static_cast<unsigned long long>(m_sequencer.lastSequence()));
        syncResumeId();
        return;
    case Sequencer::Verdict::Held:
        return;
    case Sequencer::Verdict::Gap:
    case Sequencer::Verdict::Restarted:
        startResync(why);
        m_sequencer.admit(event, wireBytes); // held until the snapshot is in
        return;
    }
}

void SessionClient::handleConnected(const ConnectedEvent &connected)
{
    QString why;
    switch (m_sequencer.connected(connected, &why)) {
    case Sequencer::Start::Continue:
        syncResumeId();
        return;
    case Sequencer::Start::Gap:
        startResync(why);
        return;
    case Sequencer::Start::NewHistory:
        // This stream resumed after a sequence of another history: start over from the new
        // history's beginning. What the model shows stays; the new history's `code start`
        // events rewrite the files they name.
        ++m_newHistories;
        m_generation.next(); // nothing more of this stream (nor frames held for it) is handled
        qCInfo(lcClient, "%s; following it from its start, keeping what is shown", qPrintable(why));
        m_resync->cancel();
        transport()->setLastEventId(QByteArray());
        transport()->reconnectSoon(why);
        return;
    }
}

// The transport dropped an event for its size: without it the model would wait for a gap that
// may never come (a late joiner's one large `snapshot`), so re-sync at once.
void SessionClient::onEventDropped(const QString &reason)
{
    const StreamGeneration::Guard current = m_generation.guard();
    reportError(reason);
    if (!current || !followsNativeSession())
        return;
    // The stream may have moved its id past the dropped event: resume after what we hold.
    if (m_sequencer.ownsResumeId())
        transport()->setLastEventId(m_sequencer.resumeId());
    if (m_sequencer.isResyncing()) {
        // The events held meanwhile no longer follow on: resume after the snapshot instead.
        m_sequencer.markHeldIncomplete();
        return;
    }
    startResync(QStringLiteral("an event was dropped (%1)").arg(reason));
}

// Whether the stream is an Inkstream session's, whose snapshot endpoint can re-sync it.
bool SessionClient::followsNativeSession() const
{
    if (isForeignDialect() || isOneShot())
        return false;
    return activeDialect() == Dialect::Native
        || (activeDialect() == Dialect::Auto && SessionUrls::isNativeSessionUrl(sessionUrl()));
}

void SessionClient::applyEvent(const Event &event)
{
    const auto *snapshot = std::get_if<SnapshotEvent>(&event.payload);
    m_applying = true;
    m_modelError.clear();
    const bool applied = snapshot
        ? m_model->apply(
            Event {event.sequence, event.sessionId,
                   SnapshotEvent {SnapshotResync::keepShownContent(*m_model, snapshot->state)},
                   event.firstSequence})
        : m_model->apply(event);
    m_applying = false;
    // A snapshot is the whole state at its sequence, also when that is lower (publisher restart).
    if (snapshot) {
        if (applied)
            m_sequencer.snapshotApplied(event.sequence);
    } else {
        m_sequencer.advanceTo(event.sequence);
    }
    syncResumeId();
    if (!applied)
        reportError(QStringLiteral("cannot apply %1 event %2: %3")
                        .arg(eventName(event.payload))
                        .arg(event.sequence)
                        .arg(m_modelError.isEmpty() ? QStringLiteral("rejected by the model")
                                                    : m_modelError));
}

void SessionClient::startResync(const QString &reason)
{
    m_resync->start(snapshotUrlFor(sessionUrl()), reason, m_chain->maxEventSize(),
                    m_request.headers);
}

// Without the snapshot the best left is to go on from the held events, gap or not.
void SessionClient::onResyncFailed(const QString &message)
{
    reportError(message);
    const StreamGeneration::Guard current = m_generation.guard();
    const QList<Sequencer::HeldEvent> held = m_sequencer.endResync();
    for (const Sequencer::HeldEvent &entry : held) {
        if (!current)
            return;
        if (entry.event.sequence == 0 || entry.event.sequence > m_sequencer.lastSequence())
            applyEvent(entry.event);
    }
}

// Applies the live events held during the re-sync, in order, through the usual checks (so a
// further gap starts another re-sync and keeps the rest held).
void SessionClient::finishResync()
{
    bool overflow = false;
    const QList<Sequencer::HeldEvent> held = m_sequencer.endResync(&overflow);
    if (overflow) {
        // Too much arrived meanwhile to hold: resume the stream after the snapshot instead.
        transport()->reconnectSoon(
            QStringLiteral("too much arrived during the re-sync; resuming after the snapshot"));
        return;
    }
    const StreamGeneration::Guard current = m_generation.guard();
    for (const Sequencer::HeldEvent &entry : held) {
        if (!current)
            return;
        const Event &event = entry.event;
        if (!m_sequencer.isResyncing() && event.sequence != 0
            && event.sequence <= m_sequencer.lastSequence())
            continue; // covered by the snapshot
        handleEvent(event, entry.wireBytes);
    }
}

// Resume after what the model holds, not after whatever id the stream carried last (the
// SseClient sets that before each event reaches us).
void SessionClient::syncResumeId()
{
    if (m_sequencer.ownsResumeId() && m_sequencer.lastSequence() > 0)
        transport()->setLastEventId(m_sequencer.resumeId());
}

void SessionClient::onStateChanged(ConnectionState state)
{
    if (state == ConnectionState::Connected)
        m_sniffer->sniffResponse(transport(), streamUrl());
    if (state == ConnectionState::Disconnected && !m_closing && isOneShot()) {
        // The server ended a posted stream: that ends the reply.
        const StreamGeneration::Guard current = m_generation.guard();
        const QList<SseEvent> frames = m_sniffer->settleUndecided();
        for (const SseEvent &frame : frames) {
            if (!current)
                return;
            dispatchFrame(frame);
        }
        if (isForeignDialect() && current)
            applyDialectOutput(m_sniffer->decoder()->finish(), 0);
        if (!current)
            return;
    }
    if (state == ConnectionState::Retrying && isForeignDialect() && !isOneShot()
        && m_sniffer->decoder()->workDone()) {
        completeFinishedStream();
        return;
    }
    if (m_chain->movesOn(state))
        return;
    m_chain->noteState(state);
    if (state == ConnectionState::Connected) {
        m_sequencer.connectionOpened();
        m_replay.connectionOpened();
    }
    if (state == ConnectionState::Error)
        recordError(errorString());
    Q_EMIT stateChanged(state);
}

// An id-less stream that ended after its work was done is over: reconnecting would only have
// the server send it again.
void SessionClient::completeFinishedStream()
{
    const StreamGeneration::Guard current = m_generation.guard();
    DialectOutput output = m_sniffer->decoder()->finish();
    if (m_model->state() != SessionState::Complete && m_model->state() != SessionState::Error)
        output.events.append(SessionEvent {SessionEvent::Type::Complete, {}});
    applyDialectOutput(output, 0);
    if (current)
        disconnectFromSession();
}

void SessionClient::recordError(const QString &message)
{
    ++m_errorCount;
    if (m_errors.size() < maxErrors())
        m_errors.append(message);
    // errorOccurred() carries it to whoever shows it (the window, watch's stderr): logged for
    // debugging only, so it is not said twice.
    qCDebug(lcClient, "%s", qPrintable(message));
}

// A non-fatal error: recorded, then told.
void SessionClient::reportError(const QString &message)
{
    recordError(message);
    Q_EMIT errorOccurred(message);
}

} // namespace inkstream::core
