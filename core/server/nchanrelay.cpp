#include "core/server/nchanrelay.h"

#include "core/protocol/eventcodec.h"
#include "core/server/serverlog.h"
#include "core/server/session.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <algorithm>

namespace inkstream::core {

namespace {

constexpr std::chrono::milliseconds kFirstRetryDelay {200};
constexpr int kTransferTimeoutMs = 10000;

bool isTransient(int status, QNetworkReply::NetworkError error)
{
    if (status == 0)
        return error != QNetworkReply::NoError; // no answer: connection refused, timeout, ...
    return status == 408 || status == 429 || status >= 500;
}

} // namespace

NchanRelay::NchanRelay(Session *session, const QUrl &publishUrl, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_publishUrl(publishUrl)
    , m_manager(new QNetworkAccessManager(this))
{
    m_manager->setAutoDeleteReplies(false);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &NchanRelay::sendNext);
    connect(session, &Session::eventPublished, this,
            [this](const Event &event, const QByteArray &) { enqueue(event); });
}

NchanRelay::~NchanRelay()
{
    if (QNetworkReply *reply = m_reply.data()) {
        reply->disconnect(this);
        reply->abort();
        delete reply;
    }
}

QUrl NchanRelay::publishUrlFor(const QString &urlTemplate, const QString &sessionId)
{
    QString text = urlTemplate;
    text.replace(QStringLiteral("{id}"), sessionId);
    text.replace(QStringLiteral("{session}"), sessionId);
    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https")
        || url.host().isEmpty())
        return {};
    return url;
}

bool NchanRelay::isIdle() const
{
    return m_queue.isEmpty() && !m_reply;
}

void NchanRelay::enqueue(const Event &event)
{
    if (m_queue.size() >= m_maxQueued) {
        ++m_dropped;
        if (!std::exchange(m_overflowing, true))
            fail(QStringLiteral("relay to %1 is %2 events behind; dropping events from "
                                "sequence %3 on (viewers will see a gap)")
                     .arg(m_publishUrl.toString())
                     .arg(m_queue.size())
                     .arg(event.sequence));
        return;
    }
    m_overflowing = false;
    m_queue.append(
        {event.sequence, eventName(event.payload).toUtf8(), EventCodec::encodeJson(event)});
    if (!m_reply && !m_retryTimer.isActive())
        sendNext();
}

void NchanRelay::sendNext()
{
    if (m_reply || m_queue.isEmpty())
        return;
    const Pending &next = m_queue.constFirst();
    QNetworkRequest request(m_publishUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("X-EventSource-Event"), next.name);
    if (!m_token.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"),
                             QByteArrayLiteral("Bearer ") + m_token);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setTransferTimeout(kTransferTimeoutMs);
    m_reply = m_manager->post(request, next.body);
    connect(m_reply.data(), &QNetworkReply::finished, this, &NchanRelay::onFinished);
}

void NchanRelay::onFinished()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply || sender() != reply)
        return;
    m_reply = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const Pending &front = m_queue.constFirst();
    if (status >= 200 && status < 300) {
        const quint64 sequence = front.sequence;
        m_queue.removeFirst();
        m_attempt = 0;
        m_lastRelayedSequence = sequence;
        ++m_relayed;
        Q_EMIT eventRelayed(sequence);
        if (m_queue.isEmpty())
            Q_EMIT idle();
        else
            sendNext();
        return;
    }
    const QString reason = status == 0
        ? reply->errorString()
        : QStringLiteral("HTTP %1 %2")
              .arg(status)
              .arg(QString::fromUtf8(reply->readAll().left(200)).simplified());
    if (isTransient(status, reply->error())) {
        ++m_retries;
        const auto delay = std::min<std::chrono::milliseconds>(
            m_maxRetryDelay, kFirstRetryDelay * (qint64(1) << std::min(m_attempt, 10)));
        ++m_attempt;
        // One warning when the trouble starts, then every 10th attempt: a down relay must not
        // flood.
        if (m_attempt == 1 || m_attempt % 10 == 0)
            fail(QStringLiteral("relay of event %1 to %2 failed (attempt %3): %4; retrying in "
                                "%5 ms, %6 queued")
                     .arg(front.sequence)
                     .arg(m_publishUrl.toString())
                     .arg(m_attempt)
                     .arg(reason)
                     .arg(qint64(delay.count()))
                     .arg(m_queue.size()));
        m_retryTimer.start(delay);
        return;
    }
    ++m_refused;
    fail(QStringLiteral("relay refused event %1 at %2: %3; skipping it")
             .arg(front.sequence)
             .arg(m_publishUrl.toString(), reason));
    m_queue.removeFirst();
    m_attempt = 0;
    if (m_queue.isEmpty())
        Q_EMIT idle();
    else
        sendNext();
}

void NchanRelay::fail(const QString &message)
{
    m_lastError = message;
    qCWarning(lcServer, "%s", qPrintable(message));
    Q_EMIT errorOccurred(message);
}

} // namespace inkstream::core
