#include "core/client/engineioprobe.h"

#include "core/client/socketiotransport.h"
#include "core/client/systemproxyfactory.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStringList>

namespace inkstream::core {

namespace {
// An open packet is a few hundred bytes; a server that sends more is not answering it.
constexpr qint64 kMaxAnswer = 4096;
} // namespace

EngineIoProbe::EngineIoProbe(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    m_network->setProxyFactory(new SystemProxyFactory); // proxies from the environment
}

EngineIoProbe::~EngineIoProbe()
{
    if (m_reply)
        m_reply->abort();
}

QUrl EngineIoProbe::handshakeUrl(const QUrl &serverUrl)
{
    return SocketIoTransport::engineIoUrl(serverUrl, QStringLiteral("polling"));
}

bool EngineIoProbe::isOpenPacket(const QByteArray &body)
{
    if (!body.startsWith('0'))
        return false;
    const QJsonObject open = QJsonDocument::fromJson(body.mid(1)).object();
    return open.value(QStringLiteral("sid")).isString()
        && !open.value(QStringLiteral("sid")).toString().isEmpty();
}

bool EngineIoProbe::isEngineIoRefusal(const QByteArray &body)
{
    // engine.io's server errors (Server.errorMessages), by code.
    static const QStringList messages {QStringLiteral("Transport unknown"),
                                       QStringLiteral("Session ID unknown"),
                                       QStringLiteral("Bad handshake method"),
                                       QStringLiteral("Bad request"),
                                       QStringLiteral("Forbidden"),
                                       QStringLiteral("Unsupported protocol version")};
    const QJsonObject refusal = QJsonDocument::fromJson(body).object();
    const QJsonValue code = refusal.value(QStringLiteral("code"));
    if (refusal.size() != 2 || !code.isDouble())
        return false;
    const int index = code.toInt(-1);
    return index >= 0 && index < messages.size() && double(index) == code.toDouble()
        && refusal.value(QStringLiteral("message")).toString() == messages.at(index);
}

void EngineIoProbe::start(const QUrl &serverUrl,
                          const QList<std::pair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QNetworkRequest request(handshakeUrl(serverUrl));
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::readyRead, this, [this] {
        if (m_reply && m_reply->bytesAvailable() > kMaxAnswer)
            m_reply->abort(); // finished() follows, with what fit
    });
    connect(m_reply, &QNetworkReply::finished, this, &EngineIoProbe::onFinished);
}

void EngineIoProbe::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_reply = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->read(kMaxAnswer);
    if (status == 200 && isOpenPacket(body)) {
        Q_EMIT finished(true, QStringLiteral("an open packet"));
        return;
    }
    if (status >= 400 && status < 500 && isEngineIoRefusal(body)) {
        Q_EMIT finished(true,
                        QStringLiteral("HTTP %1, Engine.IO's refusal: %2")
                            .arg(status)
                            .arg(QJsonDocument::fromJson(body)
                                     .object()
                                     .value(QStringLiteral("message"))
                                     .toString()));
        return;
    }
    Q_EMIT finished(false,
                    status != 0 ? QStringLiteral("HTTP %1").arg(status) : reply->errorString());
}

} // namespace inkstream::core
