#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace inkstream::core {

// What the publisher sends over a WebSocket (RFC 6455): the handshake's answer and unmasked
// server frames, built as bytes so one turn's frames can be shared by every viewer.
class WebSocketFrames final
{
public:
    // The 101 answer to an opening handshake whose Sec-WebSocket-Key is `key`.
    static QByteArray handshakeAnswer(QByteArrayView key);
    static QByteArray text(QByteArrayView utf8);
    // `reason` is cut to what a control frame holds (123 bytes after the code).
    static QByteArray close(quint16 code, QByteArrayView reason);
    static QByteArray ping(QByteArrayView payload = {});
    static QByteArray pong(QByteArrayView payload);

    enum Opcode : quint8 {
        Continuation = 0x0,
        Text = 0x1,
        Binary = 0x2,
        Close = 0x8,
        Ping = 0x9,
        Pong = 0xA,
    };
    static QByteArray frame(Opcode opcode, QByteArrayView payload);
};

} // namespace inkstream::core
