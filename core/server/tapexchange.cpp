#include "core/server/tapexchange.h"

#include "core/server/httpconnection.h"
#include "core/server/httprequest.h"
#include "core/server/httpresponse.h"
#include "core/server/serverlog.h"
#include "core/server/servermetrics.h"
#include "core/server/tapreplypublisher.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QScopedValueRollback>
#include <QTcpSocket>

namespace inkstream::core {

namespace {

// Headers of one connection (RFC 9110 §7.6.1), not of the message: never passed on. The length
// and framing are the caller's connection's own.
bool isHopByHop(const QByteArray &name)
{
    static const QByteArrayList names {"connection",
                                       "keep-alive",
                                       "proxy-connection",
                                       "proxy-authenticate",
                                       "proxy-authorization",
                                       "te",
                                       "trailer",
                                       "transfer-encoding",
                                       "upgrade",
                                       "content-length"};
    return names.contains(name.toLower());
}

// QNetworkReply's errors that are the upstream's HTTP status, not a broken transfer.
bool isHttpStatusError(QNetworkReply::NetworkError error)
{
    const int code = int(error);
    return (code >= 201 && code <= 299) || (code >= 401 && code <= 499);
}

} // namespace

TapExchange::TapExchange(const HttpRequest &request, QTcpSocket *caller, const QUrl &upstreamUrl,
                         Headers headers, std::unique_ptr<TapReplyPublisher> publisher,
                         ServerMetrics *metrics, QObject *parent)
    : QObject(parent)
    , m_caller(caller)
    , m_upstreamUrl(upstreamUrl)
    , m_method(request.methodName())
    , m_body(request.body())
    , m_headers(std::move(headers))
    , m_route(QStringLiteral("tap"))
    , m_callerKeepsAlive(request.keepsAlive())
    , m_callerHttp11(request.minorVersion() >= 1)
    , m_publisher(std::move(publisher))
    , m_metrics(metrics)
{
    m_noBody = request.method() == HttpRequest::Method::Head;
}

TapExchange::~TapExchange()
{
    if (m_reply)
        m_reply->abort();
}

void TapExchange::start(QNetworkAccessManager *network)
{
    if (!m_caller || m_caller->state() != QAbstractSocket::ConnectedState) {
        onCallerGone();
        return;
    }
    // Every token counts: a piece of a reply is sent the moment it is written.
    m_caller->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_caller, &QTcpSocket::disconnected, this, &TapExchange::onCallerGone);

    QNetworkRequest request(m_upstreamUrl);
    for (const auto &[name, value] : std::as_const(m_headers))
        request.setRawHeader(name, value);
    // The bytes as the upstream sends them (nothing to undo before they are passed on), and its
    // redirects are the caller's to follow.
    request.setRawHeader(QByteArrayLiteral("Accept-Encoding"), QByteArrayLiteral("identity"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    m_reply = network->sendCustomRequest(request, m_method, m_body);
    m_body.clear();
    m_reply->setReadBufferSize(kMaxPendingBytes);
    connect(m_reply, &QNetworkReply::readyRead, this, [this] { onReadyRead(); });
    connect(m_caller, &QTcpSocket::bytesWritten, this, [this] {
        if (m_reply && m_reply->bytesAvailable() > 0)
            onReadyRead();
    });
    connect(m_reply, &QNetworkReply::finished, this, &TapExchange::onUpstreamFinished);
}

void TapExchange::writeHead()
{
    m_headWritten = true;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QByteArray reason
        = m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
    if (reason.isEmpty())
        reason = HttpResponse::reasonPhrase(status);
    m_noBody = m_noBody || status == 204 || status == 304 || (status >= 100 && status < 200);
    QByteArray head = QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(status) + ' ' + reason
        + QByteArrayLiteral("\r\n");
    QByteArray contentType;
    for (const auto &[name, value] : m_reply->rawHeaderPairs()) {
        if (name.compare("content-type", Qt::CaseInsensitive) == 0)
            contentType = value;
        if (!isHopByHop(name))
            head += name + QByteArrayLiteral(": ") + value + QByteArrayLiteral("\r\n");
    }
    const QByteArray length = m_reply->rawHeader(QByteArrayLiteral("Content-Length"));
    m_closeAfter = !m_callerKeepsAlive;
    if (!length.isEmpty()) {
        head += QByteArrayLiteral("Content-Length: ") + length + QByteArrayLiteral("\r\n");
    } else if (!m_noBody) {
        if (m_callerHttp11) {
            m_chunked = true;
            head += QByteArrayLiteral("Transfer-Encoding: chunked\r\n");
        } else {
            m_closeAfter = true; // HTTP/1.0: the end of the body is the end of the connection
        }
    }
    if (m_closeAfter)
        head += QByteArrayLiteral("Connection: close\r\n");
    head += QByteArrayLiteral("\r\n");
    if (m_publisher)
        m_publisher->responseStarted(status, contentType);
    if (m_caller) {
        m_caller->write(head);
        m_caller->flush();
    }
    m_metrics->countResponse(m_route, status);
    m_metrics->countBytesSent(head.size());
    qCDebug(lcServer, "tap: %s %s -> %d", m_method.constData(), qPrintable(m_upstreamUrl.path()),
            status);
}

void TapExchange::writeBody(const QByteArray &bytes)
{
    if (bytes.isEmpty() || m_noBody || !m_caller)
        return;
    if (m_chunked) {
        m_caller->write(QByteArray::number(bytes.size(), 16) + QByteArrayLiteral("\r\n") + bytes
                        + QByteArrayLiteral("\r\n"));
    } else {
        m_caller->write(bytes);
    }
    m_caller->flush();
    m_metrics->countBytesSent(bytes.size());
}

void TapExchange::onReadyRead(bool drain)
{
    // flush() may emit bytesWritten at once, which asks for more: one read at a time.
    if (m_done || !m_reply || m_reading)
        return;
    const QScopedValueRollback reading(m_reading, true);
    if (!m_headWritten)
        writeHead();
    if (m_done)
        return; // the caller went away as the head was written
    if (!drain && m_caller && m_caller->bytesToWrite() > kMaxPendingBytes)
        return; // read on once the caller took some (bytesWritten)
    const QByteArray bytes = m_reply->readAll();
    writeBody(bytes); // the caller first: publishing never delays a token
    if (m_publisher)
        m_publisher->feed(bytes);
}

void TapExchange::onUpstreamFinished()
{
    if (m_done || !m_reply)
        return;
    const QNetworkReply::NetworkError error = m_reply->error();
    const bool answered = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).isValid();
    if (!answered) {
        answerBadGateway(m_reply->errorString());
        return;
    }
    onReadyRead(true);
    if (error != QNetworkReply::NoError && !isHttpStatusError(error)) {
        // The upstream broke off mid-answer: the caller's answer breaks off the same way.
        qCInfo(lcServer, "tap: the upstream broke off %s: %s", qPrintable(m_upstreamUrl.path()),
               qPrintable(m_reply->errorString()));
        if (m_publisher)
            m_publisher->fail(
                QStringLiteral("the upstream broke off the reply: %1").arg(m_reply->errorString()));
        end(Ending::Cut);
        return;
    }
    if (m_chunked && m_caller)
        m_caller->write(QByteArrayLiteral("0\r\n\r\n"));
    if (m_publisher)
        m_publisher->finish();
    end(Ending::Complete);
}

void TapExchange::answerBadGateway(const QString &reason)
{
    qCWarning(
        lcServer, "tap: the upstream %s cannot be reached: %s",
        qPrintable(m_upstreamUrl.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery).toString()),
        qPrintable(reason));
    const QByteArray body
        = QJsonDocument(QJsonObject {{QStringLiteral("error"),
                                      QJsonObject {{QStringLiteral("message"),
                                                    QStringLiteral("the tap's upstream cannot be "
                                                                   "reached: %1")
                                                        .arg(reason)},
                                                   {QStringLiteral("type"),
                                                    QStringLiteral("upstream_unreachable")}}}})
              .toJson(QJsonDocument::Compact);
    m_headWritten = true;
    m_closeAfter = !m_callerKeepsAlive;
    if (m_caller) {
        m_caller->write(HttpResponse::head(502,
                                           {{QByteArrayLiteral("Content-Type"), "application/json"},
                                            {QByteArrayLiteral("Content-Length"),
                                             QByteArray::number(body.size())}})
                        + body);
        m_caller->flush();
    }
    m_metrics->countResponse(m_route, 502);
    if (m_publisher) {
        m_publisher->responseStarted(502, QByteArrayLiteral("application/json"));
        m_publisher->feed(body);
        m_publisher->finish();
    }
    end(Ending::Complete);
}

void TapExchange::onCallerGone()
{
    if (m_done)
        return;
    if (m_reply && m_reply->isRunning()) {
        qCInfo(lcServer, "tap: the caller went away; cancelling %s %s", m_method.constData(),
               qPrintable(m_upstreamUrl.path()));
        m_reply->disconnect(this);
        m_reply->abort();
    }
    if (m_publisher)
        m_publisher->stop();
    end(Ending::CallerGone);
}

void TapExchange::end(Ending ending)
{
    m_done = true;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->deleteLater();
    }
    if (m_caller) {
        disconnect(m_caller, nullptr, this, nullptr);
        if (ending == Ending::CallerGone) {
            m_caller->abort();
        } else if (ending == Ending::Cut) {
            // No last chunk: the caller sees the answer end early, as the upstream's did.
            m_caller->disconnectFromHost();
        } else if (HttpConnection *connection = HttpConnection::of(m_caller)) {
            connection->answerWritten(m_closeAfter);
        } else if (m_closeAfter) {
            m_caller->disconnectFromHost();
        }
    }
    Q_EMIT finished(this);
    deleteLater();
}

} // namespace inkstream::core
