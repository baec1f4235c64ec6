// libFuzzer target: Engine.IO / Socket.IO packet parsing on arbitrary WebSocket text frames. A
// packet either parses or is rejected with a reason; a parsed EVENT's payload is then read the
// way SocketIoTransport reads it.
#include "core/protocol/socketiopacket.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <cstdint>
#include <cstdlib>

using namespace inkstream::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray frame(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const std::optional<SocketIoPacket> packet = SocketIoPacket::parse(frame, &error);
    if (!packet) {
        if (error.isEmpty())
            std::abort(); // a rejection always says why
        return 0;
    }
    if (packet->data.size() > frame.size() || packet->nsp.isEmpty())
        std::abort();
    if (packet->engine == SocketIoPacket::Engine::Message
        && packet->type == SocketIoPacket::Type::Event) {
        const QJsonArray arguments = QJsonDocument::fromJson(packet->data).array();
        if (!arguments.isEmpty() && arguments.at(0).isString())
            (void)QJsonDocument(QJsonArray {arguments.at(1)}).toJson(QJsonDocument::Compact);
    }
    if (packet->ackId)
        (void)SocketIoPacket::ackFrame(packet->nsp, *packet->ackId);
    return 0;
}
