#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace inkstream::core {

// Reads what a viewer sends over its WebSocket (RFC 6455 §5): masked frames, control frames
// kept (ping, close), data messages measured and dropped, since a viewer has nothing to say to
// a stream. A frame that breaks the protocol or a message over the limit ends the reading with
// the close code to answer (1002, 1009), judged on the frame's header before its payload is
// read, so a hostile peer cannot make the publisher buffer.
class WebSocketFrameReader final
{
public:
    struct Incoming
    {
        enum class Kind { Ping, Pong, Message, Close, Violation };
        Kind kind = Kind::Message;
        QByteArray payload; // Ping, Pong
        quint16 code = 0; // Close (1005 when none was given), Violation (the code to answer)
        QByteArray reason; // Close, Violation
    };

    explicit WebSocketFrameReader(qint64 maxMessageBytes);

    // What the complete frames in `bytes` (after what came before) said. Nothing more is read
    // after a Close or a Violation.
    QList<Incoming> feed(QByteArrayView bytes);

private:
    bool headerComplete(QList<Incoming> *out);
    void payloadComplete(QList<Incoming> *out);
    void violation(QList<Incoming> *out, quint16 code, const char *reason);

    qint64 m_maxMessageBytes;
    QByteArray m_header; // of the frame being read, until complete
    quint8 m_opcode = 0;
    bool m_fin = false;
    quint8 m_mask[4] = {};
    qint64 m_payloadLeft = 0;
    QByteArray m_controlPayload; // a control frame's (at most 125 bytes)
    bool m_inPayload = false;
    bool m_inMessage = false; // a fragmented data message goes on
    qint64 m_messageBytes = 0;
    bool m_ended = false;
};

} // namespace inkstream::core
