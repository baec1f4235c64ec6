#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <optional>

namespace inkstream::core {

// One Engine.IO v4 packet as a WebSocket text frame carries it, with the Socket.IO v5 packet
// inside when it is a message ("4"): `42/chat,17["model:chunk",{...}]` is an Engine.IO
// message holding a Socket.IO EVENT for namespace /chat with ack id 17. Binary packets
// (attachments) are recognised but not decoded.
struct SocketIoPacket
{
    enum class Engine { Open, Close, Ping, Pong, Message, Upgrade, Noop };
    enum class Type { Connect, Disconnect, Event, Ack, ConnectError, BinaryEvent, BinaryAck };

    Engine engine = Engine::Noop;
    Type type = Type::Event; // when engine is Message
    QString nsp = QStringLiteral("/");
    std::optional<qint64> ackId;
    QByteArray data; // the JSON after the header (Open: the handshake object)

    // Parses one frame; on failure returns nullopt and says why in `error`.
    static std::optional<SocketIoPacket> parse(const QByteArray &frame, QString *error);

    // The frames a client sends.
    static QByteArray connectFrame(const QString &nsp, const QByteArray &authJson);
    static QByteArray ackFrame(const QString &nsp, qint64 ackId);
    static QByteArray pongFrame() { return QByteArrayLiteral("3"); }
};

} // namespace inkstream::core
