#include "core/client/pollingtransport.h"

#include "core/client/clientlog.h"
#include "core/client/httpstatusmeaning.h"
#include "core/client/loggableurl.h"
#include "core/client/systemproxyfactory.h"
#include "core/protocol/eventcodec.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace inkstream::core {

PollingTransport::PollingTransport(QObject *parent)
    : Transport(parent)
    , m_manager(new QNetworkAccessManager(this))
{
    m_manager->setAutoDeleteReplies(false);
    m_manager->setProxyFactory(new SystemProxyFactory); // proxies from the environment
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &PollingTransport::poll);
}

PollingTransport::~PollingTransport()
{
    abortConnection();
}

void PollingTransport::setPollInterval(std::chrono::milliseconds interval)
{
    m_pollInterval = std::max(std::chrono::milliseconds(1), interval);
}

bool PollingTransport::checkUrl(const QUrl &url, QString *error) const
{
    return hasScheme(url, QStringLiteral("http"), error);
}

void PollingTransport::resetStatistics()
{
    m_lastSequence = -1;
    m_lastSessionId.clear();
    m_polls = 0;
}

void PollingTransport::startConnection()
{
    m_established = false;
    poll();
}

void PollingTransport::abortConnection()
{
    m_pollTimer.stop();
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void PollingTransport::poll()
{
    kickHeartbeat(); // the wait between polls is not silence
    QNetworkRequest request(url());
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    // A poll that hangs is a dead connection, like a silent stream.
    if (heartbeatTimeout().count() > 0)
        request.setTransferTimeout(int(std::min<qint64>(heartbeatTimeout().count(), INT_MAX)));
    QNetworkReply *reply = m_manager->get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, &PollingTransport::onFinished);
    connect(reply, &QNetworkReply::downloadProgress, this, [this, reply](qint64 received) {
        if (reply == m_reply && received > m_maxSnapshotSize) {
            fail(QStringLiteral("snapshot from %1 larger than %2 bytes")
                     .arg(LoggableUrl::toString(url()))
                     .arg(m_maxSnapshotSize));
        }
    });
}

void PollingTransport::onFinished()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply || sender() != reply)
        return;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->deleteLater();

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString where = LoggableUrl::toString(url());
    if (status == 0) {
        scheduleRetry(QStringLiteral("cannot poll: %1").arg(reply->errorString()));
        return;
    }
    switch (HttpStatusMeaning::classify(status)) {
    case HttpStatusMeaning::Verdict::EndedForGood:
        endForGood(QStringLiteral("the server ended the session for good (HTTP 204)"));
        return;
    case HttpStatusMeaning::Verdict::Refused:
        refuse(HttpStatusMeaning::text(HttpStatusMeaning::refusal(status), status, where));
        return;
    case HttpStatusMeaning::Verdict::Transient:
        scheduleRetry(HttpStatusMeaning::text(QStringLiteral("server error"), status, where));
        return;
    case HttpStatusMeaning::Verdict::Other:
        break;
    }
    if (status != 200) {
        fail(QStringLiteral("the server refused the snapshot (HTTP %1 at %2)")
                 .arg(status)
                 .arg(where));
        return;
    }
    const QByteArray body = reply->readAll();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (!document.isObject()) {
        fail(QStringLiteral("not a snapshot from %1: %2")
                 .arg(where,
                      parseError.error != QJsonParseError::NoError
                          ? parseError.errorString()
                          : QStringLiteral("not a JSON object")));
        return;
    }
    const QJsonObject state = document.object();
    ++m_polls;
    markDelivered(); // a snapshot, changed or not, is the stream
    const quint64 current = generation();
    if (!m_established) {
        m_established = true;
        connectionEstablished();
        if (current != generation())
            return;
    }
    stopHeartbeat(); // restarted by the next poll
    const qint64 sequence = state.value(QStringLiteral("lastSequence")).toInteger(-1);
    const QString sessionId = state.value(QStringLiteral("sessionId")).toString();
    if (sequence != m_lastSequence || sessionId != m_lastSessionId) {
        m_lastSequence = sequence;
        m_lastSessionId = sessionId;
        const QByteArray data = EventCodec::encodeJson(
            Event {quint64(std::max<qint64>(0, sequence)), sessionId, SnapshotEvent {state}});
        markStreaming();
        if (current != generation())
            return;
        Q_EMIT eventReceived(QByteArray(), data, QByteArray());
        if (current != generation())
            return;
    }
    m_pollTimer.start(m_pollInterval);
}

} // namespace inkstream::core
