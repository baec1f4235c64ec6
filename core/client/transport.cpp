#include "core/client/transport.h"

#include "core/client/clientlog.h"
#include "core/client/loggableurl.h"

namespace inkstream::core {

Transport::Transport(QObject *parent)
    : QObject(parent)
{
    m_retryTimer.setSingleShot(true);
    m_retryTimer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire before the floor
    connect(&m_retryTimer, &QTimer::timeout, this, &Transport::connectNow);
    m_heartbeatTimer.setSingleShot(true);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &Transport::onHeartbeatTimeout);
}

Transport::~Transport() = default;

QString Transport::kindText(Kind kind)
{
    switch (kind) {
    case Kind::Sse:
        return QStringLiteral("sse");
    case Kind::WebSocket:
        return QStringLiteral("ws");
    case Kind::Polling:
        return QStringLiteral("poll");
    case Kind::SocketIo:
        return QStringLiteral("socketio");
    }
    return QStringLiteral("unknown");
}

void Transport::open(const QUrl &url)
{
    dropConnection();
    m_retryTimer.stop();
    m_url = url;
    m_reconnects = 0;
    m_attempt = 0;
    m_everConnected = false;
    m_refused = false;
    m_serverRetry.reset();
    m_errorString.clear();
    resetStatistics();
    QString error;
    if (!checkUrl(url, &error)) {
        fail(error);
        return;
    }
    connectNow();
}

void Transport::close()
{
    dropConnection();
    m_retryTimer.stop();
    if (m_state != ConnectionState::Idle && m_state != ConnectionState::Error)
        setState(ConnectionState::Disconnected);
}

void Transport::reconnectNow()
{
    if (m_url.isEmpty()) {
        qCWarning(lcClient, "reconnectNow() without a URL; call open() first");
        return;
    }
    dropConnection();
    m_retryTimer.stop();
    m_attempt = 0;
    m_refused = false;
    m_errorString.clear();
    connectNow();
}

void Transport::reconnectSoon(const QString &reason)
{
    if (m_url.isEmpty()) {
        qCWarning(lcClient, "reconnectSoon() without a URL; call open() first");
        return;
    }
    dropConnection();
    m_retryTimer.stop();
    scheduleRetry(reason);
}

void Transport::setHeartbeatTimeout(std::chrono::milliseconds timeout)
{
    m_heartbeatTimeout = std::max(std::chrono::milliseconds(0), timeout);
    if (m_heartbeatTimeout.count() == 0)
        m_heartbeatTimer.stop();
    else if (m_heartbeatTimer.isActive())
        m_heartbeatTimer.start(m_heartbeatTimeout);
}

void Transport::setMaxEventSize(qsizetype bytes)
{
    m_maxEventSize = std::max<qsizetype>(1, bytes);
}

bool Transport::setLastEventId(const QByteArray &id)
{
    if (id.contains('\r') || id.contains('\n') || id.contains('\0')) {
        qCWarning(lcClient, "refusing a last event id with CR, LF or NUL");
        return false;
    }
    m_lastEventId = id;
    return true;
}

void Transport::connectNow()
{
    dropConnection();
    startConnection();
    kickHeartbeat();
    setState(ConnectionState::Connecting);
}

void Transport::dropConnection()
{
    ++m_generation;
    m_heartbeatTimer.stop();
    abortConnection();
}

void Transport::connectionEstablished()
{
    if (m_everConnected)
        ++m_reconnects;
    m_everConnected = true;
    kickHeartbeat();
    qCInfo(lcClient, "connected to %s", qPrintable(LoggableUrl::toString(m_url)));
    setState(ConnectionState::Connected);
}

void Transport::markStreaming()
{
    markDelivered();
    if (m_state != ConnectionState::Streaming)
        setState(ConnectionState::Streaming);
}

void Transport::kickHeartbeat()
{
    if (m_heartbeatTimeout.count() > 0)
        m_heartbeatTimer.start(m_heartbeatTimeout);
}

void Transport::stopHeartbeat()
{
    m_heartbeatTimer.stop();
}

void Transport::onHeartbeatTimeout()
{
    const QString reason = QStringLiteral("no data for %1 ms; the connection is presumed dead")
                               .arg(m_heartbeatTimeout.count());
    dropConnection();
    scheduleRetry(reason);
}

void Transport::scheduleRetry(const QString &reason)
{
    m_heartbeatTimer.stop(); // no connection to watch until the next attempt
    ++m_attempt;
    if (!m_policy.allowsAttempt(m_attempt)) {
        fail(QStringLiteral("gave up after %1 attempts: %2").arg(m_attempt - 1).arg(reason));
        return;
    }
    m_retryDelay = m_policy.delayFor(m_attempt, m_serverRetry);
    qCInfo(lcClient, "%s: %s; retry %d in %lld ms", qPrintable(LoggableUrl::toString(m_url)),
           qPrintable(reason), m_attempt, static_cast<long long>(m_retryDelay.count()));
    m_retryTimer.start(m_retryDelay);
    const quint64 generation = m_generation;
    setState(ConnectionState::Retrying);
    if (generation == m_generation && m_retryTimer.isActive())
        Q_EMIT retryScheduled(m_attempt, m_retryDelay, reason);
}

void Transport::fail(const QString &reason)
{
    dropConnection();
    m_retryTimer.stop();
    m_errorString = reason;
    // The session client reports it (or says which transport it tries next): once.
    qCDebug(lcClient, "%s", qPrintable(reason));
    setState(ConnectionState::Error);
    Q_EMIT errorOccurred(reason);
}

void Transport::refuse(const QString &reason)
{
    m_refused = true;
    fail(reason);
}

void Transport::endForGood(const QString &reason)
{
    dropConnection();
    m_retryTimer.stop();
    m_errorString = reason;
    qCInfo(lcClient, "%s: %s", qPrintable(LoggableUrl::toString(m_url)), qPrintable(reason));
    setState(ConnectionState::Disconnected);
}

void Transport::setState(ConnectionState state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

bool Transport::hasScheme(const QUrl &url, const QString &scheme, QString *error)
{
    const QString actual = url.scheme().toLower();
    if (!url.isValid() || (actual != scheme && actual != scheme + u's') || url.host().isEmpty()) {
        const QString article
            = scheme.startsWith(u'h') ? QStringLiteral("an") : QStringLiteral("a");
        *error = QStringLiteral("not %1 %2(s) URL: %3")
                     .arg(article, scheme, LoggableUrl::toString(url));
        return false;
    }
    return true;
}

} // namespace inkstream::core
