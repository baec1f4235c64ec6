#include "core/server/websocketframes.h"

#include <QCryptographicHash>

namespace inkstream::core {

QByteArray WebSocketFrames::handshakeAnswer(QByteArrayView key)
{
    QByteArray keyed = key.toByteArray();
    keyed.append("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"); // RFC 6455 §1.3
    QByteArray answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: ");
    answer.append(QCryptographicHash::hash(keyed, QCryptographicHash::Sha1).toBase64());
    answer.append("\r\n\r\n");
    return answer;
}

QByteArray WebSocketFrames::frame(Opcode opcode, QByteArrayView payload)
{
    QByteArray bytes;
    const qsizetype size = payload.size();
    bytes.reserve(size + 10);
    bytes.append(char(0x80 | opcode)); // FIN: every frame is a whole message
    if (size < 126) {
        bytes.append(char(size));
    } else if (size <= 0xFFFF) {
        bytes.append(char(126));
        bytes.append(char(size >> 8));
        bytes.append(char(size & 0xFF));
    } else {
        bytes.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            bytes.append(char((quint64(size) >> shift) & 0xFF));
    }
    bytes.append(payload.data(), size);
    return bytes;
}

QByteArray WebSocketFrames::text(QByteArrayView utf8)
{
    return frame(Text, utf8);
}

QByteArray WebSocketFrames::close(quint16 code, QByteArrayView reason)
{
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xFF));
    QByteArrayView kept = reason.first(qMin<qsizetype>(reason.size(), 123));
    // Not in the middle of a UTF-8 sequence.
    while (!kept.isEmpty() && kept.size() < reason.size()
           && (quint8(reason[kept.size()]) & 0xC0) == 0x80)
        kept.chop(1);
    payload.append(kept.data(), kept.size());
    return frame(Close, payload);
}

QByteArray WebSocketFrames::ping(QByteArrayView payload)
{
    return frame(Ping, payload.first(qMin<qsizetype>(payload.size(), 125)));
}

QByteArray WebSocketFrames::pong(QByteArrayView payload)
{
    return frame(Pong, payload.first(qMin<qsizetype>(payload.size(), 125)));
}

} // namespace inkstream::core
