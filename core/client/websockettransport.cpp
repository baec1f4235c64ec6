#include "core/client/websockettransport.h"

#include "core/client/clientlog.h"
#include "core/client/httpstatusmeaning.h"
#include "core/client/loggableurl.h"

#include <QNetworkRequest>
#include <QRegularExpression>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

namespace inkstream::core {

WebSocketTransport::WebSocketTransport(QObject *parent)
    : Transport(parent)
{
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_socket && m_open)
            m_socket->ping();
    });
}

WebSocketTransport::~WebSocketTransport()
{
    abortConnection();
}

bool WebSocketTransport::isSessionEndpoint(const QUrl &url)
{
    static const QRegularExpression pattern(
        QStringLiteral("/api/sessions/[A-Za-z0-9_-]+(/stream|/ws)?/?$"));
    return pattern.match(url.path()).hasMatch();
}

QUrl WebSocketTransport::endpointFor(const QUrl &sessionUrl)
{
    QUrl url = sessionUrl;
    const QString scheme = url.scheme().toLower();
    if (scheme == u"http")
        url.setScheme(QStringLiteral("ws"));
    else if (scheme == u"https")
        url.setScheme(QStringLiteral("wss"));
    if (!isSessionEndpoint(url))
        return url; // a relay's subscriber endpoint, as given
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path.endsWith(QStringLiteral("/stream")) || path.endsWith(QStringLiteral("/ws")))
        path.truncate(path.lastIndexOf(u'/'));
    url.setPath(path + QStringLiteral("/ws"));
    return url;
}

int WebSocketTransport::handshakeStatusFrom(const QString &socketError)
{
    // Qt reports a refused handshake only in words.
    static const QRegularExpression status(QStringLiteral("status code: (\\d{3})"));
    const QRegularExpressionMatch match = status.match(socketError);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

bool WebSocketTransport::checkUrl(const QUrl &url, QString *error) const
{
    return hasScheme(url, QStringLiteral("ws"), error);
}

void WebSocketTransport::startConnection()
{
    m_open = false;
    m_socketError.clear();
    m_handshakeStatus = 0;
    QUrl target = url();
    const bool relay = !isSessionEndpoint(target);
    const QByteArray lastId = lastEventId();
    if (!lastId.isEmpty()) {
        // The publisher reads lastEventId; nchan reads last_event_id by default.
        const QString name
            = relay ? QStringLiteral("last_event_id") : QStringLiteral("lastEventId");
        QUrlQuery query(target);
        query.removeAllQueryItems(name);
        query.addQueryItem(name, QString::fromLatin1(lastId));
        target.setQuery(query);
    }
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    // Beyond the event limit a message is dropped; far beyond it the socket closes, so a
    // server cannot make us hold more than a few times the limit.
    const quint64 hardLimit = quint64(std::max<qsizetype>(4 * maxEventSize(), 64 * 1024));
    socket->setMaxAllowedIncomingMessageSize(hardLimit);
    socket->setMaxAllowedIncomingFrameSize(hardLimit);
    connect(socket, &QWebSocket::connected, this, &WebSocketTransport::onConnected);
    connect(socket, &QWebSocket::disconnected, this, &WebSocketTransport::onDisconnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &WebSocketTransport::onTextMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this, &WebSocketTransport::onBinaryMessage);
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &WebSocketTransport::onSocketError);
    connect(socket, &QWebSocket::pong, this, [this, socket] {
        if (socket == m_socket)
            kickHeartbeat();
    });
    qCDebug(lcClient, "WebSocket %s", qPrintable(target.toString()));
    QNetworkRequest request(target);
    if (relay) {
        QWebSocketHandshakeOptions options;
        options.setSubprotocols({QString::fromLatin1(kNchanMetaProtocol)});
        socket->open(request, options);
    } else {
        socket->open(request);
    }
}

void WebSocketTransport::abortConnection()
{
    m_pingTimer.stop();
    m_open = false;
    if (QWebSocket *socket = m_socket.data()) {
        m_socket = nullptr;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
}

void WebSocketTransport::onConnected()
{
    if (sender() != m_socket)
        return;
    m_open = true;
    m_relayMeta = m_socket->subprotocol() == QLatin1String(kNchanMetaProtocol);
    if (heartbeatTimeout().count() > 0)
        m_pingTimer.start(std::max<qint64>(1, heartbeatTimeout().count() / 3));
    connectionEstablished();
}

void WebSocketTransport::onTextMessage(const QString &message)
{
    if (sender() != m_socket)
        return;
    kickHeartbeat();
    QByteArray data = message.toUtf8();
    QByteArray id;
    if (m_relayMeta) {
        // "id: ...\ncontent-type: ...\n\nDATA": the header block ends at the first blank line.
        const qsizetype end = data.indexOf("\n\n");
        if (end < 0) {
            Q_EMIT eventDropped(QStringLiteral("relay message without its header block dropped"));
            return;
        }
        for (const QByteArray &line : data.left(end).split('\n')) {
            if (line.startsWith("id: "))
                id = line.mid(4).trimmed();
        }
        data.remove(0, end + 2);
        if (!id.isEmpty() && !setLastEventId(id))
            id.clear();
    }
    if (data.size() > maxEventSize()) {
        const QString reason
            = QStringLiteral("WebSocket message of %1 bytes dropped (larger than %2)")
                  .arg(data.size())
                  .arg(maxEventSize());
        Q_EMIT eventDropped(reason);
        return;
    }
    const quint64 current = generation();
    markStreaming();
    if (current != generation())
        return;
    Q_EMIT eventReceived(QByteArray(), data, id);
}

void WebSocketTransport::onBinaryMessage(const QByteArray &message)
{
    if (sender() != m_socket)
        return;
    kickHeartbeat();
    Q_EMIT eventDropped(
        QStringLiteral("binary WebSocket message of %1 bytes ignored (events are text)")
            .arg(message.size()));
}

void WebSocketTransport::onSocketError(QAbstractSocket::SocketError)
{
    QWebSocket *socket = m_socket.data();
    if (!socket || sender() != socket)
        return;
    m_socketError = socket->errorString();
    if (const int status = handshakeStatusFrom(m_socketError))
        m_handshakeStatus = status;
    // Qt 6.4 does not always follow a failed handshake with `disconnected`.
    if (!m_open)
        QMetaObject::invokeMethod(
            this,
            [this, socket] {
                if (socket == m_socket && !m_open)
                    onDisconnected();
            },
            Qt::QueuedConnection);
}

void WebSocketTransport::onDisconnected()
{
    QWebSocket *socket = m_socket.data();
    if (!socket)
        return;
    const bool wasOpen = m_open;
    const QWebSocketProtocol::CloseCode code = socket->closeCode();
    const QString closeReason = socket->closeReason();
    const QString socketError = m_socketError.isEmpty() ? socket->errorString() : m_socketError;
    abortConnection();
    stopHeartbeat();

    if (wasOpen) {
        if (code == QWebSocketProtocol::CloseCodePolicyViolated) {
            // The publisher accepts the upgrade before it can check the request, then refuses
            // with 1008 and a reason that starts with the HTTP status it stands for.
            static const QRegularExpression leadingStatus(QStringLiteral("^(\\d{3})\\b\\s*(.*)$"));
            const QRegularExpressionMatch match = leadingStatus.match(closeReason);
            const int status = match.hasMatch() ? match.captured(1).toInt() : 0;
            const QString detail = match.hasMatch() ? match.captured(2) : closeReason;
            const QString where = LoggableUrl::toString(url());
            switch (HttpStatusMeaning::classify(status)) {
            case HttpStatusMeaning::Verdict::Refused:
                refuse(HttpStatusMeaning::text(HttpStatusMeaning::refusal(status), status, where,
                                               detail));
                return;
            case HttpStatusMeaning::Verdict::Transient:
                scheduleRetry(HttpStatusMeaning::text(
                    QStringLiteral("the server refused the WebSocket for now"), status, where,
                    detail));
                return;
            case HttpStatusMeaning::Verdict::EndedForGood:
            case HttpStatusMeaning::Verdict::Other:
                break;
            }
            fail(QStringLiteral("the server refused the WebSocket (policy violation at %1)%2")
                     .arg(where,
                          closeReason.isEmpty() ? QString() : QStringLiteral(": ") + closeReason));
            return;
        }
        scheduleRetry(
            QStringLiteral("the WebSocket closed (code %1%2)")
                .arg(int(code))
                .arg(closeReason.isEmpty() ? QString() : QStringLiteral(": ") + closeReason));
        return;
    }
    const int status = m_handshakeStatus;
    if (HttpStatusMeaning::classify(status) == HttpStatusMeaning::Verdict::Refused) {
        refuse(HttpStatusMeaning::text(HttpStatusMeaning::refusal(status), status,
                                       LoggableUrl::toString(url())));
        return;
    }
    scheduleRetry(QStringLiteral("cannot open the WebSocket: %1").arg(socketError));
}

} // namespace inkstream::core
