#include "core/client/sessionclient.h"

#include "core/client/clientlog.h"
#include "core/client/engineioprobe.h"
#include "core/client/loggableurl.h"
#include "core/client/pollingtransport.h"
#include "core/client/snapshotfetch.h"
#include "core/client/socketiotransport.h"
#include "core/client/sseclient.h"
#include "core/client/systemproxyfactory.h"
#include "core/client/websockettransport.h"
#include "core/model/languageguesser.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/endpointdetector.h"
#include "core/protocol/eventcodec.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
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

// .../api/sessions/ID (or its /stream): an Inkstream publisher.
bool isNativeSessionUrl(const QUrl &url)
{
    static const QRegularExpression pattern(
        QStringLiteral("/api/sessions/[A-Za-z0-9_-]+(/stream)?/?$"));
    return pattern.match(url.path()).hasMatch();
}

} // namespace

SessionClient::SessionClient(SessionModel *model, QObject *parent)
    : QObject(parent)
    , m_model(model)
{
    Q_ASSERT(model);
    connect(m_model, &SessionModel::errorReported, this, [this](const QString &message) {
        if (m_applying)
            m_modelError = message;
    });
    createTransport(Transport::Kind::Sse);
}

SessionClient::~SessionClient()
{
    // Nothing a child does while it is torn down may reach this half-destroyed object.
    cancelResync();
    m_transport->disconnect(this);
}

void SessionClient::createTransport(Transport::Kind kind)
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
    connect(m_transport, &Transport::eventReceived, this, &SessionClient::onTransportEvent);
    connect(m_transport, &Transport::stateChanged, this, &SessionClient::onStateChanged);
    connect(m_transport, &Transport::eventDropped, this, &SessionClient::onEventDropped);
    connect(m_transport, &Transport::retryScheduled, this, &SessionClient::retryScheduled);
}

QUrl SessionClient::endpointFor(Transport::Kind kind) const
{
    switch (kind) {
    case Transport::Kind::Sse:
        if (m_dialect == Dialect::Native
            || (m_dialect == Dialect::Auto && isNativeSessionUrl(m_sessionUrl)))
            return streamUrlFor(m_sessionUrl);
        return m_sessionUrl; // a foreign endpoint, as given
    case Transport::Kind::WebSocket:
        return WebSocketTransport::endpointFor(m_sessionUrl);
    case Transport::Kind::Polling:
        return snapshotUrlFor(m_sessionUrl);
    case Transport::Kind::SocketIo:
        return m_sessionUrl; // the server's URL; the path names the namespace
    }
    return {};
}

// Opens `kind` on the current session, resuming after what the model holds.
void SessionClient::openTransport(Transport::Kind kind)
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

void SessionClient::setTransportMode(TransportMode mode)
{
    m_mode = mode;
}

Transport::Kind SessionClient::activeTransport() const
{
    return m_transport->kind();
}

QString SessionClient::transportModeText(TransportMode mode)
{
    switch (mode) {
    case TransportMode::Auto:
        return QStringLiteral("auto");
    case TransportMode::Sse:
        return QStringLiteral("sse");
    case TransportMode::WebSocket:
        return QStringLiteral("ws");
    case TransportMode::Polling:
        return QStringLiteral("poll");
    case TransportMode::SocketIo:
        return QStringLiteral("socketio");
    }
    return QStringLiteral("unknown");
}

bool SessionClient::transportModeFromText(QStringView text, TransportMode *mode)
{
    for (TransportMode candidate :
         {TransportMode::Auto, TransportMode::Sse, TransportMode::WebSocket, TransportMode::Polling,
          TransportMode::SocketIo}) {
        if (text == transportModeText(candidate)) {
            *mode = candidate;
            return true;
        }
    }
    return false;
}

void SessionClient::setPollInterval(std::chrono::milliseconds interval)
{
    m_pollInterval = interval;
    if (auto *polling = qobject_cast<PollingTransport *>(m_transport))
        polling->setPollInterval(interval);
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
    m_resyncs = 0;
    m_resyncBytes = 0;
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
    if (m_decoder && !m_decoder->isFinished() && m_transport->state() != ConnectionState::Idle)
        applyDialectOutput(m_decoder->finish(), 0);
    disconnectFromSession();
}

std::unique_ptr<DialectDecoder> SessionClient::makeDecoder(Dialect dialect) const
{
    auto decoder = DialectDecoder::create(dialect, &LanguageGuesser::extensionForLanguage);
    if (decoder && !m_replyId.isEmpty())
        decoder->setReplyId(m_replyId);
    return decoder;
}

void SessionClient::openStream(const QUrl &sessionUrl)
{
    ++m_generation;
    m_transport->close();
    cancelResync();
    m_sequencer.restartStream();
    m_fallbacks.clear();
    delete m_engineIoProbe;
    m_engineIoProbed = false;
    m_hasConnected = false;
    m_notAStream.clear();
    m_finalError.clear();
    m_sessionUrl = sessionUrl;
    m_undecided.clear();
    m_replay.reset();
    m_closing = false;
    m_activeDialect = m_dialect;
    m_dialectReason = m_dialect == Dialect::Auto ? QString() : QStringLiteral("requested");
    m_decoder = makeDecoder(m_dialect);
    m_sequencer.setLocalNumbering(m_decoder != nullptr);
    // Auto: a URL that names its API (or a Socket.IO server) tells before any frame.
    const bool socketIoUrl = (m_mode == TransportMode::Auto || m_mode == TransportMode::SocketIo)
        && EndpointDetector::isSocketIoUrl(sessionUrl);
    if (m_dialect == Dialect::Auto && !isNativeSessionUrl(sessionUrl)
        && (socketIoUrl || !EndpointDetector::isSocketIoUrl(sessionUrl))) {
        if (const auto detection = EndpointDetector::fromUrl(sessionUrl))
            settleDialect(detection->dialect, detection->reason);
    }
    // Foreign dialects are SSE streams, or Socket.IO when asked for (or named by the URL).
    const bool sseOnly = m_decoder || (m_dialect == Dialect::Auto && isOneShot());
    openTransport(m_mode == TransportMode::SocketIo || socketIoUrl ? Transport::Kind::SocketIo
                      : sseOnly                                    ? Transport::Kind::Sse
                      : m_mode == TransportMode::WebSocket         ? Transport::Kind::WebSocket
                      : m_mode == TransportMode::Polling           ? Transport::Kind::Polling
                                                                   : Transport::Kind::Sse);
}

void SessionClient::disconnectFromSession()
{
    ++m_generation;
    m_closing = true;
    m_transport->close();
    m_closing = false;
    cancelResync();
    m_sequencer.restartStream();
}

void SessionClient::reconnectNow()
{
    m_transport->reconnectNow();
}

ConnectionState SessionClient::state() const
{
    return m_transport->state();
}

QString SessionClient::errorString() const
{
    return m_finalError.isEmpty() ? m_transport->errorString() : m_finalError;
}

void SessionClient::setReconnectPolicy(const ReconnectPolicy &policy)
{
    m_policy = policy;
    m_transport->setReconnectPolicy(policy);
}

ReconnectPolicy SessionClient::reconnectPolicy() const
{
    return m_policy;
}

void SessionClient::setHeartbeatTimeout(std::chrono::milliseconds timeout)
{
    m_heartbeatTimeout = timeout;
    m_transport->setHeartbeatTimeout(timeout);
}

void SessionClient::setMaxEventSize(qsizetype bytes)
{
    m_maxEventSize = bytes;
    m_transport->setMaxEventSize(bytes);
}

int SessionClient::attempt() const
{
    return m_transport->attempt();
}

std::chrono::milliseconds SessionClient::retryDelay() const
{
    return m_transport->retryDelay();
}

int SessionClient::reconnects() const
{
    return m_transport->reconnects();
}

QUrl SessionClient::snapshotUrlFor(const QUrl &sessionUrl)
{
    QUrl url = sessionUrl;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path.endsWith(QStringLiteral("/stream")))
        path.chop(7);
    url.setPath(path + QStringLiteral("/snapshot"));
    return url;
}

QUrl SessionClient::streamUrlFor(const QUrl &sessionUrl)
{
    QUrl url = sessionUrl;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    // Only a publisher's session URL (.../api/sessions/ID) gets /stream; any other URL is a
    // stream already (an nchan subscriber location, for example) and is followed as it is.
    const QStringList segments = path.split(u'/');
    const bool isSessionUrl = segments.size() >= 3 && segments.at(segments.size() - 3) == u"api"
        && segments.at(segments.size() - 2) == u"sessions";
    if (isSessionUrl)
        url.setPath(path + QStringLiteral("/stream"));
    return url;
}

void SessionClient::onTransportEvent(const QByteArray &type, const QByteArray &data,
                                     const QByteArray &lastEventId)
{
    if (m_activeDialect != Dialect::Auto) {
        dispatchFrame(type, data, lastEventId);
        return;
    }
    // WebSocket and polling carry native events; SSE and Socket.IO carry any dialect.
    if (m_transport->kind() != Transport::Kind::Sse
        && m_transport->kind() != Transport::Kind::SocketIo) {
        settleDialect(Dialect::Native,
                      QStringLiteral("the %1 transport carries native events")
                          .arg(Transport::kindText(m_transport->kind())));
        dispatchFrame(type, data, lastEventId);
        return;
    }
    const SseEvent frame {type, data, lastEventId};
    m_undecided.append(frame);
    if (const auto detection = DialectDecoder::detect(frame))
        settleDialect(detection->dialect, detection->reason);
    else if (m_undecided.size() >= kMaxUndecidedFrames)
        settleDialect(Dialect::Native,
                      QStringLiteral("none of the first %1 frames told another "
                                     "dialect")
                          .arg(m_undecided.size()));
    else
        return;
    const quint64 generation = m_generation;
    const QList<SseEvent> frames = std::exchange(m_undecided, {});
    for (const SseEvent &held : frames) {
        if (generation != m_generation)
            return;
        dispatchFrame(held.type, held.data, held.lastEventId);
    }
}

void SessionClient::settleDialect(Dialect dialect, const QString &reason)
{
    m_activeDialect = dialect;
    m_dialectReason = reason;
    m_decoder = makeDecoder(dialect);
    m_sequencer.setLocalNumbering(m_decoder != nullptr);
    qCInfo(lcClient, "dialect %s (%s)", qPrintable(DialectDecoder::dialectText(dialect)),
           qPrintable(reason));
    Q_EMIT dialectDetected(dialect, reason);
}

void SessionClient::dispatchFrame(const QByteArray &type, const QByteArray &data,
                                  const QByteArray &lastEventId)
{
    if (!m_decoder) {
        decodeNative(type, data, lastEventId);
        return;
    }
    if (m_decoder->isFinished())
        return;
    const SseEvent frame {type, data, lastEventId};
    // A reconnected id-less stream may start over; model-chunk's sequences see to its own.
    if (!isOneShot() && m_activeDialect != Dialect::ModelChunk && m_replay.isReplayed(frame))
        return;
    applyDialectOutput(m_decoder->decode(frame), frameSize(type, data, lastEventId));
}

// Numbers the decoded events locally and applies them; the first carries the frame's bytes.
void SessionClient::applyDialectOutput(const DialectOutput &output, qsizetype wireBytes)
{
    const quint64 generation = m_generation;
    m_dialectDuplicates += quint64(output.duplicates);
    for (const QString &warning : output.warnings) {
        if (m_warnings.size() < maxErrors())
            m_warnings.append(warning);
        qCInfo(lcClient, "%s", qPrintable(warning));
        Q_EMIT warningOccurred(warning);
        if (generation != m_generation)
            return;
    }
    for (const EventPayload &payload : output.events) {
        if (std::holds_alternative<ConnectedEvent>(payload))
            continue; // per subscriber, nothing for the model
        const Event event {m_sequencer.lastSequence() + 1, QString(), payload};
        ++m_eventsReceived;
        Q_EMIT eventReceived(event, std::exchange(wireBytes, 0));
        if (generation != m_generation)
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
    const quint64 generation = m_generation;
    Q_EMIT eventReceived(event, wireBytes);
    if (generation != m_generation)
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
            cancelResync();
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
        ++m_generation; // nothing more of this stream (nor frames held for it) is handled
        qCInfo(lcClient, "%s; following it from its start, keeping what is shown", qPrintable(why));
        cancelResync();
        m_transport->setLastEventId(QByteArray());
        m_transport->reconnectSoon(why);
        return;
    }
}

// The transport dropped an event for its size: without it the model would wait for a gap that
// may never come (a late joiner's one large `snapshot`), so re-sync at once.
void SessionClient::onEventDropped(const QString &reason)
{
    const quint64 generation = m_generation;
    recordError(reason);
    Q_EMIT errorOccurred(reason);
    if (generation != m_generation || !followsNativeSession())
        return;
    // The stream may have moved its id past the dropped event: resume after what we hold.
    if (m_sequencer.ownsResumeId())
        m_transport->setLastEventId(m_sequencer.resumeId());
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
    if (m_decoder || isOneShot())
        return false;
    return m_activeDialect == Dialect::Native
        || (m_activeDialect == Dialect::Auto && isNativeSessionUrl(m_sessionUrl));
}

void SessionClient::applyEvent(const Event &event)
{
    const auto *snapshot = std::get_if<SnapshotEvent>(&event.payload);
    m_applying = true;
    m_modelError.clear();
    const bool applied = snapshot
        ? m_model->apply(Event {event.sequence, event.sessionId,
                                SnapshotEvent {keepShownContent(snapshot->state)},
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
    if (!applied) {
        const QString message
            = QStringLiteral("cannot apply %1 event %2: %3")
                  .arg(eventName(event.payload))
                  .arg(event.sequence)
                  .arg(m_modelError.isEmpty() ? QStringLiteral("rejected by the model")
                                              : m_modelError);
        recordError(message);
        Q_EMIT errorOccurred(message);
    }
}

// `snapshot` with the files and chat messages the model shows that it lacks kept, in the order
// they are shown (the snapshot's own ones follow): a publisher that lost its history must not
// take away what a viewer shows. Within one history a snapshot holds everything the viewer has,
// and this changes nothing.
QJsonObject SessionClient::keepShownContent(const QJsonObject &snapshot) const
{
    const QString filesKey = QStringLiteral("files");
    const QString chatKey = QStringLiteral("chat");
    const QString nameKey = QStringLiteral("name");
    const QString idKey = QStringLiteral("id");
    auto byKey = [](const QJsonArray &entries, const QString &key) {
        QHash<QString, QJsonValue> map;
        for (const QJsonValue &entry : entries)
            map.insert(entry.toObject().value(key).toString(), entry);
        return map;
    };
    const QJsonArray files = snapshot.value(filesKey).toArray();
    const QJsonArray chat = snapshot.value(chatKey).toArray();
    const QHash<QString, QJsonValue> incomingFiles = byKey(files, nameKey);
    const QHash<QString, QJsonValue> incomingChat = byKey(chat, idKey);
    const bool filesMissing
        = std::any_of(m_model->files().cbegin(), m_model->files().cend(),
                      [&](const SessionFile &file) { return !incomingFiles.contains(file.name); });
    const bool chatMissing = std::any_of(
        m_model->chat().cbegin(), m_model->chat().cend(),
        [&](const ChatMessage &message) { return !incomingChat.contains(message.id); });
    if (!filesMissing && !chatMissing)
        return snapshot;

    const QJsonObject shown = m_model->toSnapshot();
    // The viewer's entries in its order, each replaced by the snapshot's when it has one, then
    // the snapshot's other entries in its order.
    auto merge = [](const QJsonArray &shownEntries, const QJsonArray &incoming,
                    const QHash<QString, QJsonValue> &incomingByKey, const QString &key) {
        QJsonArray merged;
        QSet<QString> taken;
        for (const QJsonValue &entry : shownEntries) {
            const QString id = entry.toObject().value(key).toString();
            taken.insert(id);
            merged.append(incomingByKey.value(id, entry));
        }
        for (const QJsonValue &entry : incoming) {
            if (!taken.contains(entry.toObject().value(key).toString()))
                merged.append(entry);
        }
        return merged;
    };
    QJsonObject merged = snapshot;
    if (filesMissing)
        merged.insert(filesKey,
                      merge(shown.value(filesKey).toArray(), files, incomingFiles, nameKey));
    if (chatMissing)
        merged.insert(chatKey, merge(shown.value(chatKey).toArray(), chat, incomingChat, idKey));
    qCInfo(lcClient, "the snapshot lacks files or chat messages shown; they are kept");
    return merged;
}

void SessionClient::startResync(const QString &reason)
{
    cancelResync();
    m_sequencer.beginResync();
    ++m_resyncs;
    const QUrl url = snapshotUrlFor(m_sessionUrl);
    qCInfo(lcClient, "%s; re-syncing from %s", qPrintable(reason),
           qPrintable(LoggableUrl::toString(url)));
    if (!m_manager) {
        m_manager = new QNetworkAccessManager(this);
        m_manager->setAutoDeleteReplies(false);
        m_manager->setProxyFactory(new SystemProxyFactory); // proxies from the environment
    }
    m_fetch = new SnapshotFetch(m_manager, this);
    m_fetch->setMaxLineSize(m_maxEventSize);
    m_fetch->setHeaders(m_request.headers); // a token, if the stream needs one
    connect(m_fetch, &SnapshotFetch::finished, this, &SessionClient::onSnapshotFinished);
    m_fetch->start(url);
}

void SessionClient::onSnapshotFinished()
{
    SnapshotFetch *fetch = m_fetch;
    if (!fetch || sender() != fetch)
        return;
    m_fetch = nullptr;
    fetch->deleteLater();
    m_resyncBytes += fetch->bytesReceived();
    QString error = fetch->errorString();
    if (error.isEmpty()) {
        m_applying = true;
        const bool loaded = m_model->loadSnapshot(keepShownContent(fetch->state()), &error);
        m_applying = false;
        if (loaded) {
            m_sequencer.snapshotApplied(m_model->lastSequence());
            syncResumeId();
            qCInfo(lcClient, "re-synced at sequence %llu (%s, %lld bytes)",
                   static_cast<unsigned long long>(m_sequencer.lastSequence()),
                   fetch->isNdjson() ? "NDJSON" : "JSON",
                   static_cast<long long>(fetch->bytesReceived()));
        }
    }
    if (!error.isEmpty()) {
        // Without the snapshot the best left is to go on from the held events, gap or not.
        const QString message
            = QStringLiteral("re-sync from %1 failed: %2")
                  .arg(LoggableUrl::toString(snapshotUrlFor(m_sessionUrl)), error);
        recordError(message);
        Q_EMIT errorOccurred(message);
        const quint64 generation = m_generation;
        const QList<Sequencer::HeldEvent> held = m_sequencer.endResync();
        for (const Sequencer::HeldEvent &entry : held) {
            if (generation != m_generation)
                return;
            if (entry.event.sequence == 0 || entry.event.sequence > m_sequencer.lastSequence())
                applyEvent(entry.event);
        }
        return;
    }
    finishResync();
}

// Applies the live events held during the re-sync, in order, through the usual checks (so a
// further gap starts another re-sync and keeps the rest held).
void SessionClient::finishResync()
{
    bool overflow = false;
    const QList<Sequencer::HeldEvent> held = m_sequencer.endResync(&overflow);
    if (overflow) {
        // Too much arrived meanwhile to hold: resume the stream after the snapshot instead.
        m_transport->reconnectSoon(
            QStringLiteral("too much arrived during the re-sync; resuming after the snapshot"));
        return;
    }
    const quint64 generation = m_generation;
    for (const Sequencer::HeldEvent &entry : held) {
        if (generation != m_generation)
            return;
        const Event &event = entry.event;
        if (!m_sequencer.isResyncing() && event.sequence != 0
            && event.sequence <= m_sequencer.lastSequence())
            continue; // covered by the snapshot
        handleEvent(event, entry.wireBytes);
    }
}

// Stops the snapshot download under way, if any; what is held stays with the sequencer.
void SessionClient::cancelResync()
{
    if (SnapshotFetch *fetch = std::exchange(m_fetch, nullptr)) {
        fetch->disconnect(this);
        fetch->abort();
        fetch->deleteLater();
    }
}

// Resume after what the model holds, not after whatever id the stream carried last (the
// SseClient sets that before each event reaches us).
void SessionClient::syncResumeId()
{
    if (m_sequencer.ownsResumeId() && m_sequencer.lastSequence() > 0)
        m_transport->setLastEventId(m_sequencer.resumeId());
}

void SessionClient::onStateChanged(ConnectionState state)
{
    if (state == ConnectionState::Connected && m_activeDialect == Dialect::Auto) {
        // The answer's Content-Type and headers may tell before the first frame.
        if (const auto *sse = qobject_cast<const SseClient *>(m_transport)) {
            if (const auto detection
                = EndpointDetector::fromResponse(m_streamUrl, [sse](const QByteArray &name) {
                      return sse->responseHeader(name);
                  }))
                settleDialect(detection->dialect, detection->reason);
        }
    }
    if (state == ConnectionState::Disconnected && !m_closing && isOneShot()) {
        // The server ended a posted stream: that ends the reply.
        const quint64 generation = m_generation;
        if (m_activeDialect == Dialect::Auto && !m_undecided.isEmpty()) {
            settleDialect(Dialect::Native,
                          QStringLiteral("the stream ended before a frame told its dialect"));
            const QList<SseEvent> frames = std::exchange(m_undecided, {});
            for (const SseEvent &held : frames) {
                if (generation != m_generation)
                    return;
                dispatchFrame(held.type, held.data, held.lastEventId);
            }
        }
        if (m_decoder && generation == m_generation)
            applyDialectOutput(m_decoder->finish(), 0);
        if (generation != m_generation)
            return;
    }
    if (state == ConnectionState::Retrying && m_decoder && !isOneShot() && m_decoder->workDone()) {
        completeFinishedStream();
        return;
    }
    if (state == ConnectionState::Error && shouldProbeEngineIo()) {
        probeEngineIo(state);
        return;
    }
    if (m_mode == TransportMode::Auto && !m_transport->everConnected()
        && (m_dialect == Dialect::Native || (m_dialect == Dialect::Auto && !isOneShot()))
        && m_transport->kind() != Transport::Kind::Polling
        && m_transport->kind() != Transport::Kind::SocketIo) {
        // Auto: a transport that never got through gives way to the next one, unless the
        // server itself answered for the session (401/403/404, 204).
        const bool failed = state == ConnectionState::Error && !m_transport->wasRefused();
        // An answer that was not a stream (a page) says more than what the fallbacks meet next
        // (a 404 for a snapshot beside the page): it is what the user is told if all fail.
        if (const auto *sse = qobject_cast<const SseClient *>(m_transport);
            failed && sse && sse->httpStatus() == 200)
            m_notAStream = m_transport->errorString();
        const bool struggling
            = state == ConnectionState::Retrying && m_transport->attempt() >= kAutoAttempts;
        if (failed || struggling) {
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
            QMetaObject::invokeMethod(
                this,
                [this, next, generation = m_generation] {
                    if (generation == m_generation)
                        openTransport(next);
                },
                Qt::QueuedConnection);
            return;
        }
    }
    if (state == ConnectionState::Connected) {
        m_hasConnected = true;
        m_sequencer.connectionOpened();
        m_replay.connectionOpened();
    }
    if (state == ConnectionState::Error) {
        if (!m_notAStream.isEmpty())
            m_finalError = QStringLiteral("%1; %2 did not get through either (%3)")
                               .arg(m_notAStream, Transport::kindText(m_transport->kind()),
                                    m_transport->errorString());
        recordError(errorString());
    }
    Q_EMIT stateChanged(state);
}

// Auto, on a URL whose server answered the SSE request with an HTTP error before any stream
// (a Socket.IO server's page or its 404): it may still be a Socket.IO server, which tells by
// answering an Engine.IO handshake. Asked once per URL.
bool SessionClient::shouldProbeEngineIo() const
{
    return m_mode == TransportMode::Auto && m_dialect == Dialect::Auto && !m_engineIoProbed
        && !isOneShot() && m_transport->kind() == Transport::Kind::Sse
        && !m_transport->everConnected() && !isNativeSessionUrl(m_sessionUrl)
        && qobject_cast<const SseClient *>(m_transport)
        && qobject_cast<const SseClient *>(m_transport)->httpStatus() != 0;
}

void SessionClient::probeEngineIo(ConnectionState failedState)
{
    m_engineIoProbed = true;
    const QString sseError = m_transport->errorString();
    m_engineIoProbe = new EngineIoProbe(this);
    connect(m_engineIoProbe, &EngineIoProbe::finished, this,
            [this, failedState, sseError, generation = m_generation](bool engineIo,
                                                                     const QString &detail) {
                m_engineIoProbe->deleteLater();
                m_engineIoProbe = nullptr;
                if (generation != m_generation)
                    return;
                if (!engineIo) {
                    qCInfo(lcClient, "no Engine.IO handshake at %s (%s)",
                           qPrintable(EngineIoProbe::handshakeUrl(m_sessionUrl)
                                          .toDisplayString(QUrl::RemoveQuery)),
                           qPrintable(detail));
                    onStateChanged(failedState); // what the SSE failure would have done
                    return;
                }
                const QString message
                    = QStringLiteral("sse did not connect (%1); the server answered an "
                                     "Engine.IO handshake (%2): trying socketio")
                          .arg(sseError, detail);
                qCInfo(lcClient, "%s", qPrintable(message));
                m_fallbacks.append(message);
                settleDialect(Dialect::ModelChunk,
                              QStringLiteral("an Engine.IO handshake at /socket.io/ (%1): "
                                             "Socket.IO, seed 003's model-chunk events")
                                  .arg(detail));
                openTransport(Transport::Kind::SocketIo);
            });
    m_engineIoProbe->start(m_sessionUrl, m_request.headers);
}

// An id-less stream that ended after its work was done is over: reconnecting would only have
// the server send it again.
void SessionClient::completeFinishedStream()
{
    const quint64 generation = m_generation;
    DialectOutput output = m_decoder->finish();
    if (m_model->state() != SessionState::Complete && m_model->state() != SessionState::Error)
        output.events.append(SessionEvent {SessionEvent::Type::Complete, {}});
    applyDialectOutput(output, 0);
    if (generation == m_generation)
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

} // namespace inkstream::core
