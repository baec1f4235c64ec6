#include "core/client/sseclient.h"

#include "core/client/clientlog.h"
#include "core/client/httpstatusmeaning.h"
#include "core/client/loggableurl.h"
#include "core/client/systemproxyfactory.h"
#include "core/protocol/sseparser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace inkstream::core {

namespace {

constexpr qsizetype kMaxErrorBody = 4096;
constexpr qint64 kReadBufferSize = 4 * 1024 * 1024;

// The media type of a Content-Type value, lower case, without parameters.
QByteArray mediaType(const QByteArray &contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.left(semicolon)).trimmed().toLower();
}

// Network failures that no retry can cure.
bool isPermanentNetworkError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::TooManyRedirectsError:
    case QNetworkReply::InsecureRedirectError:
        return true;
    default:
        return false;
    }
}

} // namespace

SseClient::SseClient(QObject *parent)
    : Transport(parent)
    , m_manager(new QNetworkAccessManager(this))
    , m_parser(std::make_unique<SseParser>())
{
    m_manager->setAutoDeleteReplies(false);
    m_manager->setProxyFactory(new SystemProxyFactory); // proxies from the environment
    m_parser->setMaxEventSize(maxEventSize());
    m_parser->setEventHandler([this](const SseEvent &event) {
        m_pending.append(PendingEvent {event.type, event.data, event.lastEventId});
    });
    m_parser->setErrorHandler([this](const QString &message) { m_pendingDrops.append(message); });
    m_parser->setRetryHandler(
        [this](qint64 milliseconds) { setServerRetry(std::chrono::milliseconds(milliseconds)); });
}

SseClient::~SseClient()
{
    abortConnection();
}

void SseClient::setMaxEventSize(qsizetype bytes)
{
    Transport::setMaxEventSize(bytes);
    m_parser->setMaxEventSize(maxEventSize());
}

bool SseClient::checkUrl(const QUrl &url, QString *error) const
{
    return hasScheme(url, QStringLiteral("http"), error);
}

void SseClient::resetStatistics()
{
    m_peakBufferedBytes = 0;
}

void SseClient::startConnection()
{
    m_httpStatus = 0;
    m_streamAccepted = false;
    m_ndjson = false;
    m_lines.reset();
    m_responseHeaders.clear();
    m_errorBody.clear();
    m_networkError.clear();
    m_parser->reset(); // a new connection starts a new stream; the last event id persists

    const QByteArray lastId = lastEventId();
    QNetworkRequest request(url());
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("text/event-stream"));
    request.setRawHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
    // A compressing proxy would buffer the stream; ask for the bytes as they are.
    request.setRawHeader(QByteArrayLiteral("Accept-Encoding"), QByteArrayLiteral("identity"));
    if (!lastId.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Last-Event-ID"), lastId);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::Http2CleartextAllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setTransferTimeout(0); // the stream is open-ended; the heartbeat watches it instead
    for (const auto &[name, value] : m_request.headers)
        request.setRawHeader(name, value);
    if (!m_request.body.isEmpty() && !request.hasRawHeader(QByteArrayLiteral("Content-Type")))
        request.setRawHeader(QByteArrayLiteral("Content-Type"),
                             QByteArrayLiteral("application/json"));

    // Never the headers: they may carry an API key.
    qCDebug(lcClient, "%s %s (Last-Event-ID %s)", m_request.method.constData(),
            qPrintable(LoggableUrl::toString(url())),
            lastId.isEmpty() ? "none" : lastId.constData());
    QNetworkReply *reply = m_request.method == "GET"
        ? m_manager->get(request)
        : m_manager->sendCustomRequest(request, m_request.method, m_request.body);
    m_reply = reply;
    // Back-pressure: a server that sends faster than we parse waits in TCP, not in our memory.
    reply->setReadBufferSize(kReadBufferSize);
    connect(reply, &QNetworkReply::metaDataChanged, this, &SseClient::onMetaDataChanged);
    connect(reply, &QNetworkReply::readyRead, this, &SseClient::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &SseClient::onFinished);
    connect(reply, &QNetworkReply::errorOccurred, this, [this, reply](QNetworkReply::NetworkError) {
        if (reply == m_reply)
            m_networkError = reply->errorString();
    });
}

// Forgets the current reply without reporting anything about it.
void SseClient::abortConnection()
{
    m_pending.clear();
    m_pendingDrops.clear();
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void SseClient::onMetaDataChanged()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply || sender() != reply || m_httpStatus != 0)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0 || (status >= 300 && status < 400 && status != 304))
        return; // not a final response yet (a redirect QNetworkAccessManager follows)
    m_httpStatus = status;
    kickHeartbeat();
    if (status != 200)
        return; // decided in onFinished(), with the body's error message
    const QByteArray contentType = reply->rawHeader(QByteArrayLiteral("Content-Type"));
    const QByteArray media = mediaType(contentType);
    m_ndjson = media == "application/x-ndjson" || media == "application/ndjson";
    if (media != "text/event-stream" && !m_ndjson) {
        // A page, a JSON API, a file: the server answered, and not with a stream. (Auto still
        // tries the other transports: a proxy may strip SSE and pass the rest.)
        fail(QStringLiteral("%1 is not an event stream: the server answered %2 (expected "
                            "text/event-stream)")
                 .arg(LoggableUrl::toString(url()),
                      contentType.isEmpty() ? QStringLiteral("no Content-Type")
                                            : QString::fromLatin1(media)));
        return;
    }
    m_responseHeaders = reply->rawHeaderPairs();
    m_streamAccepted = true;
    connectionEstablished();
}

void SseClient::onReadyRead()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply)
        return;
    kickHeartbeat();
    if (!m_streamAccepted) {
        // An error body (or something before the headers were judged): keep its start only.
        const QByteArray bytes = reply->readAll();
        m_errorBody.append(bytes.left(std::max<qsizetype>(0, kMaxErrorBody - m_errorBody.size())));
        return;
    }
    const QByteArray bytes = reply->readAll();
    m_bytesReceived += bytes.size();
    if (m_ndjson) {
        m_lines.setMaxLineSize(maxEventSize());
        for (const QByteArray &line : m_lines.feed(bytes))
            m_pending.append(PendingEvent {QByteArrayLiteral("message"), line, {}});
        m_pendingDrops.append(m_lines.takeDrops());
        m_peakBufferedBytes = std::max(m_peakBufferedBytes, m_lines.bufferedBytes());
        deliverPending(m_parser->lastEventId());
        return;
    }
    const QByteArray idBefore = m_parser->lastEventId();
    m_parser->feed(bytes);
    m_peakBufferedBytes = std::max(m_peakBufferedBytes, m_parser->bufferedBytes());
    deliverPending(idBefore);
}

// Emits what the parser dispatched. A receiver may close or re-open this client; the parser is
// never re-entered, and events of a replaced connection are dropped.
void SseClient::deliverPending(const QByteArray &idBefore)
{
    const quint64 current = generation();
    const QStringList drops = std::exchange(m_pendingDrops, {});
    for (const QString &reason : drops) {
        qCDebug(lcClient, "%s: %s", qPrintable(LoggableUrl::toString(url())), qPrintable(reason));
        Q_EMIT eventDropped(reason);
        if (current != generation())
            return;
    }
    const QList<PendingEvent> events = std::exchange(m_pending, {});
    for (const PendingEvent &event : events) {
        setStreamLastEventId(event.lastEventId);
        markStreaming();
        if (current != generation())
            return;
        Q_EMIT eventReceived(event.type, event.data, event.lastEventId);
        if (current != generation())
            return;
    }
    // An id-only block moves the last event id without dispatching anything (WHATWG).
    const QByteArray idAfter = m_parser->lastEventId();
    if (idAfter != (events.isEmpty() ? idBefore : events.constLast().lastEventId))
        setStreamLastEventId(idAfter);
}

void SseClient::onFinished()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply || sender() != reply)
        return;
    const quint64 current = generation();
    if (reply->bytesAvailable() > 0)
        onReadyRead();
    if (current != generation())
        return;
    if (m_ndjson && m_streamAccepted) {
        // A last line may lack its newline.
        for (const QByteArray &line : m_lines.finish())
            m_pending.append(PendingEvent {QByteArrayLiteral("message"), line, {}});
        deliverPending(m_parser->lastEventId());
        if (current != generation())
            return;
    }

    const QNetworkReply::NetworkError error = reply->error();
    const QString networkError = m_networkError.isEmpty() ? reply->errorString() : m_networkError;
    if (m_httpStatus == 0)
        m_httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_reply = nullptr;
    reply->disconnect(this);
    reply->deleteLater();
    stopHeartbeat();

    if (m_streamAccepted && isOneShot()) {
        if (error == QNetworkReply::NoError)
            endForGood(QStringLiteral("the server ended the stream"));
        else
            fail(QStringLiteral("the stream broke: %1").arg(networkError));
        return;
    }
    if (m_streamAccepted) {
        scheduleRetry(error == QNetworkReply::NoError
                          ? QStringLiteral("the server ended the stream")
                          : QStringLiteral("the stream broke: %1").arg(networkError));
        return;
    }
    const int status = m_httpStatus;
    if (status == 0) {
        if (isPermanentNetworkError(error) || isOneShot())
            fail(QStringLiteral("cannot connect to %1: %2")
                     .arg(LoggableUrl::toString(url()), networkError));
        else
            scheduleRetry(QStringLiteral("cannot connect: %1").arg(networkError));
        return;
    }
    switch (HttpStatusMeaning::classify(status)) {
    case HttpStatusMeaning::Verdict::EndedForGood:
        endForGood(QStringLiteral("the server ended the stream for good (HTTP 204)"));
        return;
    case HttpStatusMeaning::Verdict::Refused:
        refuse(statusText(HttpStatusMeaning::refusal(status)));
        return;
    case HttpStatusMeaning::Verdict::Transient:
        if (isOneShot())
            break; // a request that posted a prompt is not sent again behind the user's back
        scheduleRetry(statusText(QStringLiteral("server error")));
        return;
    case HttpStatusMeaning::Verdict::Other:
        break;
    }
    fail(statusText(QStringLiteral("the server refused the stream")));
}

QByteArray SseClient::responseHeader(const QByteArray &name) const
{
    for (const auto &[header, value] : m_responseHeaders) {
        if (header.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// "PREFIX (HTTP 404 at URL): detail from the JSON error body".
QString SseClient::statusText(const QString &prefix) const
{
    const QJsonObject body = QJsonDocument::fromJson(m_errorBody).object();
    const QString error = body.value(QStringLiteral("error")).toString();
    const QString detail = body.value(QStringLiteral("detail")).toString();
    const QString explanation = error.isEmpty() || detail.isEmpty()
        ? QString(error + detail)
        : QString(error + QStringLiteral(", ") + detail);
    return HttpStatusMeaning::text(prefix, m_httpStatus, LoggableUrl::toString(url()), explanation);
}

} // namespace inkstream::core
