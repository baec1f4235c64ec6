#include "core/server/tapexchange.h"

#include "core/server/httpconnection.h"
#include "core/server/httprequest.h"
#include "core/server/httpresponse.h"
#include "core/server/serverlog.h"
#include "core/server/servermetrics.h"
#include "core/server/tapreplypublisher.h"
#include "core/server/upstreamrequest.h"

#include <QJsonDocument>
#include <QJsonObject>
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
    if (m_upstream)
        m_upstream->abort();
}

void TapExchange::start(UpstreamConnections *connections)
{
    if (!m_caller || m_caller->state() != QAbstractSocket::ConnectedState) {
        onCallerGone();
        return;
    }
    // Every token counts: a piece of a reply is sent the moment it is written.
    m_caller->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_caller, &QTcpSocket::disconnected, this, &TapExchange::onCallerGone);

    // The bytes as the upstream sends them (nothing to undo before they are passed on).
    m_headers.append({QByteArrayLiteral("accept-encoding"), QByteArrayLiteral("identity")});
    m_upstream = new UpstreamRequest(connections, this);
    connect(m_upstream, &UpstreamRequest::headReceived, this, [this] { onReadyRead(); });
    connect(m_upstream, &UpstreamRequest::readyRead, this, [this] { onReadyRead(); });
    connect(m_caller, &QTcpSocket::bytesWritten, this, [this] {
        if (m_upstream && m_upstream->hasPendingBody())
            onReadyRead();
    });
    connect(m_upstream, &UpstreamRequest::finished, this, &TapExchange::onUpstreamFinished);
    m_upstream->start(m_method, m_upstreamUrl, m_headers, m_body);
    m_body.clear();
}

void TapExchange::writeHead()
{
    m_headWritten = true;
    const HttpResponseParser::Head &answer = m_upstream->head();
    const int status = answer.status;
    QByteArray reason = answer.reason;
    if (reason.isEmpty())
        reason = HttpResponse::reasonPhrase(status);
    m_noBody = m_noBody || answer.framing == HttpResponseParser::Framing::None;
    QByteArray head = QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(status) + ' ' + reason
        + QByteArrayLiteral("\r\n");
    QByteArray contentType;
    QByteArray declaredLength;
    for (const auto &[name, value] : answer.headers) {
        if (name.compare("content-type", Qt::CaseInsensitive) == 0)
            contentType = value;
        if (name.compare("content-length", Qt::CaseInsensitive) == 0 && declaredLength.isEmpty())
            declaredLength = value;
        if (!isHopByHop(name))
            head += name + QByteArrayLiteral(": ") + value + QByteArrayLiteral("\r\n");
    }
    m_closeAfter = !m_callerKeepsAlive;
    if (answer.framing == HttpResponseParser::Framing::Length) {
        head += QByteArrayLiteral("Content-Length: ") + QByteArray::number(answer.contentLength)
            + QByteArrayLiteral("\r\n");
    } else if (m_noBody) {
        // A HEAD answer declares the length its GET would have.
        if (!declaredLength.isEmpty() && status >= 200 && status != 204)
            head += QByteArrayLiteral("Content-Length: ") + declaredLength
                + QByteArrayLiteral("\r\n");
    } else if (m_callerHttp11) {
        m_chunked = true;
        head += QByteArrayLiteral("Transfer-Encoding: chunked\r\n");
    } else {
        m_closeAfter = true; // HTTP/1.0: the end of the body is the end of the connection
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
    if (m_done || !m_upstream || !m_upstream->hasHead() || m_reading)
        return;
    const QScopedValueRollback reading(m_reading, true);
    if (!m_headWritten)
        writeHead();
    if (m_done)
        return; // the caller went away as the head was written
    if (!drain && m_caller && m_caller->bytesToWrite() > kMaxPendingBytes)
        return; // read on once the caller took some (bytesWritten)
    const QByteArray bytes = m_upstream->readAll();
    writeBody(bytes); // the caller first: publishing never delays a token
    if (m_publisher)
        m_publisher->feed(bytes);
}

void TapExchange::onUpstreamFinished()
{
    if (m_done || !m_upstream)
        return;
    if (!m_upstream->hasHead()) {
        answerBadGateway(m_upstream->errorString());
        return;
    }
    onReadyRead(true);
    if (m_upstream->failure() == UpstreamRequest::Failure::Cut) {
        // The upstream broke off mid-answer: the caller's answer breaks off the same way.
        qCInfo(lcServer, "tap: the upstream broke off %s: %s", qPrintable(m_upstreamUrl.path()),
               qPrintable(m_upstream->errorString()));
        if (m_publisher)
            m_publisher->fail(QStringLiteral("the upstream broke off the reply: %1")
                                  .arg(m_upstream->errorString()));
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
    if (m_upstream && m_upstream->isRunning()) {
        qCInfo(lcServer, "tap: the caller went away; cancelling %s %s", m_method.constData(),
               qPrintable(m_upstreamUrl.path()));
        m_upstream->disconnect(this);
        m_upstream->abort();
    }
    if (m_publisher)
        m_publisher->stop();
    end(Ending::CallerGone);
}

void TapExchange::end(Ending ending)
{
    m_done = true;
    if (m_upstream) {
        m_upstream->disconnect(this);
        m_upstream->deleteLater();
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
