#include "core/client/sessionclient.h"

#include "core/client/clientlog.h"
#include "core/client/sseclient.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"

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
    , m_sse(new SseClient(this))
{
    Q_ASSERT(model);
    connect(m_sse, &SseClient::eventReceived, this, &SessionClient::onSseEvent);
    connect(m_sse, &SseClient::stateChanged, this, &SessionClient::onStateChanged);
    connect(m_sse, &SseClient::eventDropped, this, [this](const QString &reason) {
        recordError(reason);
        Q_EMIT errorOccurred(reason);
    });
    connect(m_model, &SessionModel::errorReported, this, [this](const QString &message) {
        if (m_applying)
            m_modelError = message;
    });
}

void SessionClient::connectTo(const QUrl &sessionUrl)
{
    ++m_generation;
    m_sse->close();
    m_model->clear();
    m_sessionUrl = sessionUrl;
    m_streamUrl = streamUrlFor(sessionUrl);
    m_eventsReceived = 0;
    m_duplicatesDropped = 0;
    m_lastSequence = 0;
    m_errors.clear();
    m_errorCount = 0;
    m_sse->setLastEventId({});
    qCInfo(lcClient, "following %s", qPrintable(m_streamUrl.toString()));
    m_sse->open(m_streamUrl);
}

void SessionClient::disconnectFromSession()
{
    ++m_generation;
    m_sse->close();
}

void SessionClient::reconnectNow()
{
    m_sse->reconnectNow();
}

ConnectionState SessionClient::state() const
{
    return m_sse->state();
}

QString SessionClient::errorString() const
{
    return m_sse->errorString();
}

void SessionClient::setReconnectPolicy(const ReconnectPolicy &policy)
{
    m_sse->setReconnectPolicy(policy);
}

int SessionClient::reconnects() const
{
    return m_sse->reconnects();
}

QUrl SessionClient::streamUrlFor(const QUrl &sessionUrl)
{
    QUrl url = sessionUrl;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (!path.endsWith(QStringLiteral("/stream")))
        path += QStringLiteral("/stream");
    url.setPath(path);
    return url;
}

void SessionClient::onSseEvent(const QByteArray &type, const QByteArray &data,
                               const QByteArray &lastEventId)
{
    DecodeResult result = EventCodec::decode(type, data, lastEventId);
    if (!result.ok()) {
        const QString message = QStringLiteral("rejected %1 event (id %2): %3")
                                    .arg(QString::fromUtf8(type),
                                         lastEventId.isEmpty() ? QStringLiteral("none")
                                                               : QString::fromUtf8(lastEventId),
                                         result.error);
        recordError(message);
        syncResumeId();
        Q_EMIT errorOccurred(message);
        return;
    }
    const Event &event = *result.event;
    ++m_eventsReceived;
    const quint64 generation = m_generation;
    Q_EMIT eventReceived(event, frameSize(type, data, lastEventId));
    if (generation != m_generation)
        return; // a receiver switched to another session or disconnected

    if (std::holds_alternative<ConnectedEvent>(event.payload)) {
        syncResumeId(); // per subscriber, nothing for the model
        return;
    }
    if (const auto *shutdown = std::get_if<ShutdownEvent>(&event.payload)) {
        // The stream ends next; reconnecting resumes once the publisher is back.
        qCInfo(lcClient, "publisher is shutting down: %s", qPrintable(shutdown->reason));
        syncResumeId();
        return;
    }
    const bool isSnapshot = std::holds_alternative<SnapshotEvent>(event.payload);
    if (!isSnapshot && event.sequence != 0 && event.sequence <= m_lastSequence) {
        ++m_duplicatesDropped;
        qCDebug(lcClient, "dropped duplicate event %llu (applied up to %llu)",
                static_cast<unsigned long long>(event.sequence),
                static_cast<unsigned long long>(m_lastSequence));
        syncResumeId();
        return;
    }

    m_applying = true;
    m_modelError.clear();
    const bool applied = m_model->apply(event);
    m_applying = false;
    // A snapshot is the whole state at its sequence, also when that is lower (publisher restart).
    if (isSnapshot ? applied : event.sequence > m_lastSequence)
        m_lastSequence = event.sequence;
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

// Resume after what the model holds, not after whatever id the stream carried last (the
// SseClient sets that before each event reaches us).
void SessionClient::syncResumeId()
{
    if (m_lastSequence > 0)
        m_sse->setLastEventId(QByteArray::number(m_lastSequence));
}

void SessionClient::onStateChanged(ConnectionState state)
{
    if (state == ConnectionState::Error)
        recordError(m_sse->errorString());
    Q_EMIT stateChanged(state);
}

void SessionClient::recordError(const QString &message)
{
    ++m_errorCount;
    if (m_errors.size() < maxErrors())
        m_errors.append(message);
    qCWarning(lcClient, "%s", qPrintable(message));
}

} // namespace inkstream::core
