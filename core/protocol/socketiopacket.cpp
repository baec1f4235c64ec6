#include "core/protocol/socketiopacket.h"

namespace inkstream::core {

namespace {

QByteArray namespacePrefix(const QString &nsp)
{
    // The default namespace is implicit; any other is written before the payload with a comma.
    if (nsp.isEmpty() || nsp == u"/")
        return {};
    return nsp.toUtf8() + ',';
}

} // namespace

std::optional<SocketIoPacket> SocketIoPacket::parse(const QByteArray &frame, QString *error)
{
    if (frame.isEmpty()) {
        *error = QStringLiteral("an empty Engine.IO packet");
        return std::nullopt;
    }
    SocketIoPacket packet;
    const char engine = frame.at(0);
    if (engine < '0' || engine > '6') {
        *error = QStringLiteral("unknown Engine.IO packet type '%1'").arg(QLatin1Char(engine));
        return std::nullopt;
    }
    packet.engine = Engine(engine - '0');
    if (packet.engine != Engine::Message) {
        packet.data = frame.mid(1);
        return packet;
    }
    if (frame.size() < 2 || frame.at(1) < '0' || frame.at(1) > '6') {
        *error = QStringLiteral("a Socket.IO packet without a valid type: %1")
                     .arg(QString::fromUtf8(frame.left(40)));
        return std::nullopt;
    }
    packet.type = Type(frame.at(1) - '0');
    qsizetype at = 2;
    if (packet.type == Type::BinaryEvent || packet.type == Type::BinaryAck) {
        const qsizetype dash = frame.indexOf('-', at);
        if (dash < 0) {
            *error = QStringLiteral("a binary Socket.IO packet without its attachment count");
            return std::nullopt;
        }
        at = dash + 1;
    }
    if (at < frame.size() && frame.at(at) == '/') {
        const qsizetype comma = frame.indexOf(',', at);
        const qsizetype end = comma < 0 ? frame.size() : comma;
        packet.nsp = QString::fromUtf8(frame.mid(at, end - at));
        at = comma < 0 ? frame.size() : comma + 1;
    }
    qsizetype digits = at;
    while (digits < frame.size() && frame.at(digits) >= '0' && frame.at(digits) <= '9')
        ++digits;
    if (digits > at) {
        bool ok = false;
        const qint64 id = frame.mid(at, digits - at).toLongLong(&ok);
        if (!ok) {
            *error = QStringLiteral("a Socket.IO ack id out of range");
            return std::nullopt;
        }
        packet.ackId = id;
        at = digits;
    }
    packet.data = frame.mid(at);
    return packet;
}

QByteArray SocketIoPacket::connectFrame(const QString &nsp, const QByteArray &authJson)
{
    return QByteArrayLiteral("40") + namespacePrefix(nsp) + authJson;
}

QByteArray SocketIoPacket::ackFrame(const QString &nsp, qint64 ackId)
{
    return QByteArrayLiteral("43") + namespacePrefix(nsp) + QByteArray::number(ackId)
        + QByteArrayLiteral("[]");
}

} // namespace inkstream::core
