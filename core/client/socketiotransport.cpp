#include "core/client/socketiotransport.h"

#include "core/client/clientlog.h"
#include "core/client/httpstatusmeaning.h"
#include "core/client/loggableurl.h"
#include "core/client/websockettransport.h"
#include "core/protocol/socketiopacket.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QUrlQuery>
#include <QWebSocket>

namespace inkstream::core {

namespace {

QString packetText(const QByteArray &data)
{
    return QString::fromUtf8(data.left(120));
}

} // namespace

SocketIoTransport::SocketIoTransport(QObject *parent)
    : Transport(parent)
{ }

SocketIoTransport::~SocketIoTransport()
{
    abortConnection();
}

void SocketIoTransport::setHeaders(const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    m_headers = headers;
}

QUrl SocketIoTransport::engineIoUrl(const QUrl &serverUrl, const QString &transport)
{
    QUrl url = serverUrl;
    const QString scheme = url.scheme().toLower();
    const bool secure = scheme == u"https" || scheme == u"wss";
    if (transport == u"websocket")
        url.setScheme(secure ? QStringLiteral("wss") : QStringLiteral("ws"));
    else
        url.setScheme(secure ? QStringLiteral("https") : QStringLiteral("http"));
    url.setPath(QStringLiteral("/socket.io/"));
    QUrlQuery query(serverUrl);
    query.removeAllQueryItems(QStringLiteral("EIO"));
    query.removeAllQueryItems(QStringLiteral("transport"));
    query.addQueryItem(QStringLiteral("EIO"), QStringLiteral("4"));
    query.addQueryItem(QStringLiteral("transport"), transport);
    url.setQuery(query);
    url.setFragment(QString());
    return url;
}

QUrl SocketIoTransport::endpointFor(const QUrl &serverUrl)
{
    return engineIoUrl(serverUrl, QStringLiteral("websocket"));
}

QString SocketIoTransport::namespaceFor(const QUrl &serverUrl)
{
    QString path = serverUrl.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path.isEmpty() || path == u"/socket.io")
        return QStringLiteral("/");
    return path;
}

bool SocketIoTransport::checkUrl(const QUrl &url, QString *error) const
{
    QString ignored;
    if (hasScheme(url, QStringLiteral("ws"), &ignored))
        return true;
    return hasScheme(url, QStringLiteral("http"), error);
}

void SocketIoTransport::startConnection()
{
    m_socketOpen = false;
    m_joined = false;
    m_socketError.clear();
    m_namespace = namespaceFor(url());
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    const quint64 hardLimit = quint64(std::max<qsizetype>(4 * maxEventSize(), 64 * 1024));
    socket->setMaxAllowedIncomingMessageSize(hardLimit);
    socket->setMaxAllowedIncomingFrameSize(hardLimit);
    connect(socket, &QWebSocket::connected, this, [this, socket] {
        if (socket == m_socket)
            m_socketOpen = true; // Engine.IO's open packet comes next
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        if (socket == m_socket)
            onDisconnected();
    });
    connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &text) {
        if (socket == m_socket)
            onTextMessage(text);
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [this, socket](const QByteArray &message) {
                if (socket != m_socket)
                    return;
                kickHeartbeat();
                Q_EMIT eventDropped(
                    QStringLiteral("Socket.IO binary attachment of %1 bytes ignored (events are "
                                   "JSON text)")
                        .arg(message.size()));
            });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &SocketIoTransport::onSocketError);
    const QUrl endpoint = endpointFor(url());
    qCDebug(lcClient, "Socket.IO %s, namespace %s", qPrintable(endpoint.toString()),
            qPrintable(m_namespace));
    QNetworkRequest request(endpoint);
    for (const auto &[name, value] : m_headers)
        request.setRawHeader(name, value);
    socket->open(request);
}

void SocketIoTransport::abortConnection()
{
    m_socketOpen = false;
    m_joined = false;
    if (QWebSocket *socket = m_socket.data()) {
        m_socket = nullptr;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
}

void SocketIoTransport::send(const QByteArray &frame)
{
    if (m_socket)
        m_socket->sendTextMessage(QString::fromUtf8(frame));
}

void SocketIoTransport::onTextMessage(const QString &message)
{
    kickHeartbeat();
    const QByteArray frame = message.toUtf8();
    if (frame.size() > maxEventSize()) {
        Q_EMIT eventDropped(QStringLiteral("Socket.IO packet of %1 bytes dropped (larger than %2)")
                                .arg(frame.size())
                                .arg(maxEventSize()));
        return;
    }
    QString error;
    const std::optional<SocketIoPacket> packet = SocketIoPacket::parse(frame, &error);
    if (!packet) {
        Q_EMIT eventDropped(QStringLiteral("Socket.IO: %1").arg(error));
        return;
    }
    onPacket(*packet);
}

void SocketIoTransport::onPacket(const SocketIoPacket &packet)
{
    switch (packet.engine) {
    case SocketIoPacket::Engine::Open:
        onOpenPacket(packet.data);
        return;
    case SocketIoPacket::Engine::Ping:
        // Engine.IO v4: the server pings, the client answers; no answer and the server drops us.
        send(SocketIoPacket::pongFrame());
        ++m_pongsSent;
        return;
    case SocketIoPacket::Engine::Close: {
        const quint64 current = generation();
        abortConnection();
        if (current == generation())
            scheduleRetry(QStringLiteral("the Socket.IO server closed the connection"));
        return;
    }
    case SocketIoPacket::Engine::Pong:
    case SocketIoPacket::Engine::Upgrade:
    case SocketIoPacket::Engine::Noop:
        return;
    case SocketIoPacket::Engine::Message:
        break;
    }
    if (packet.nsp != m_namespace)
        return; // another namespace multiplexed on this connection
    switch (packet.type) {
    case SocketIoPacket::Type::Connect:
        if (!m_joined) {
            m_joined = true;
            connectionEstablished();
        }
        return;
    case SocketIoPacket::Type::ConnectError: {
        const QJsonObject detail = QJsonDocument::fromJson(packet.data).object();
        const QString reason = detail.value(QStringLiteral("message")).toString();
        refuse(QStringLiteral("the Socket.IO server refused namespace %1 at %2: %3")
                   .arg(m_namespace, LoggableUrl::toString(url()),
                        reason.isEmpty() ? packetText(packet.data) : reason));
        return;
    }
    case SocketIoPacket::Type::Disconnect:
        endForGood(QStringLiteral("the Socket.IO server closed namespace %1").arg(m_namespace));
        return;
    case SocketIoPacket::Type::Event:
        onEventPacket(packet);
        return;
    case SocketIoPacket::Type::Ack:
        return; // we emit nothing that asks for one
    case SocketIoPacket::Type::BinaryEvent:
    case SocketIoPacket::Type::BinaryAck:
        Q_EMIT eventDropped(QStringLiteral("Socket.IO binary event ignored (events are JSON "
                                           "text): %1")
                                .arg(packetText(packet.data)));
        return;
    }
}

void SocketIoTransport::onOpenPacket(const QByteArray &handshake)
{
    const QJsonObject open = QJsonDocument::fromJson(handshake).object();
    const qint64 interval = open.value(QStringLiteral("pingInterval")).toInteger();
    const qint64 timeout = open.value(QStringLiteral("pingTimeout")).toInteger();
    if (interval > 0) {
        m_pingInterval = std::chrono::milliseconds(interval);
        // The server pings every `interval` and gives up on us `timeout` later: silence
        // beyond both means it is gone (what socket.io-client does, too).
        setHeartbeatTimeout(std::chrono::milliseconds(interval + std::max<qint64>(timeout, 0)));
        kickHeartbeat();
    }
    QByteArray auth;
    for (const auto &[name, value] : m_headers) {
        if (name.compare("authorization", Qt::CaseInsensitive) == 0
            && value.startsWith("Bearer ")) {
            auth = QJsonDocument(QJsonObject {{QStringLiteral("token"),
                                               QString::fromUtf8(value.mid(7).trimmed())}})
                       .toJson(QJsonDocument::Compact);
        }
    }
    send(SocketIoPacket::connectFrame(m_namespace, auth));
}

void SocketIoTransport::onEventPacket(const SocketIoPacket &packet)
{
    const QJsonDocument document = QJsonDocument::fromJson(packet.data);
    const QJsonArray arguments = document.array();
    if (!document.isArray() || arguments.isEmpty() || !arguments.at(0).isString()) {
        Q_EMIT eventDropped(QStringLiteral("Socket.IO event without a name: %1")
                                .arg(packetText(packet.data)));
        return;
    }
    if (packet.ackId)
        send(SocketIoPacket::ackFrame(m_namespace, *packet.ackId));
    const QByteArray name = arguments.at(0).toString().toUtf8();
    const QJsonValue first = arguments.size() > 1 ? arguments.at(1) : QJsonValue();
    QByteArray data;
    if (first.isObject())
        data = QJsonDocument(first.toObject()).toJson(QJsonDocument::Compact);
    else if (first.isArray())
        data = QJsonDocument(first.toArray()).toJson(QJsonDocument::Compact);
    else // a scalar: as the JSON text of a one-element array, without the brackets
        data = QJsonDocument(QJsonArray {first}).toJson(QJsonDocument::Compact).chopped(1).mid(1);
    const quint64 current = generation();
    markStreaming();
    if (current != generation())
        return;
    Q_EMIT eventReceived(name, data, QByteArray());
}

void SocketIoTransport::onSocketError(QAbstractSocket::SocketError)
{
    QWebSocket *socket = m_socket.data();
    if (!socket || sender() != socket)
        return;
    m_socketError = socket->errorString();
    if (!m_socketOpen)
        QMetaObject::invokeMethod(
            this,
            [this, socket] {
                if (socket == m_socket && !m_socketOpen)
                    onDisconnected();
            },
            Qt::QueuedConnection);
}

void SocketIoTransport::onDisconnected()
{
    QWebSocket *socket = m_socket.data();
    if (!socket)
        return;
    const bool wasOpen = m_socketOpen;
    const QString socketError = m_socketError.isEmpty() ? socket->errorString() : m_socketError;
    abortConnection();
    stopHeartbeat();
    const int status = wasOpen ? 0 : WebSocketTransport::handshakeStatusFrom(socketError);
    if (status == 401 || status == 403) {
        refuse(HttpStatusMeaning::text(HttpStatusMeaning::refusal(status), status,
                                       LoggableUrl::toString(url())));
        return;
    }
    if (status == 404) {
        refuse(QStringLiteral("no Socket.IO server at %1 (HTTP 404)")
                   .arg(LoggableUrl::toString(url())));
        return;
    }
    scheduleRetry(wasOpen ? QStringLiteral("the Socket.IO connection closed")
                          : QStringLiteral("cannot open the Socket.IO connection: %1")
                                .arg(socketError));
}

} // namespace inkstream::core
