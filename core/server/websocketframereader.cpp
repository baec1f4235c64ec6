#include "core/server/websocketframereader.h"

#include "core/server/websocketframes.h"

namespace inkstream::core {

WebSocketFrameReader::WebSocketFrameReader(qint64 maxMessageBytes)
    : m_maxMessageBytes(maxMessageBytes)
{ }

QList<WebSocketFrameReader::Incoming> WebSocketFrameReader::feed(QByteArrayView bytes)
{
    QList<Incoming> out;
    while (!bytes.isEmpty() && !m_ended) {
        if (!m_inPayload) {
            m_header.append(bytes.first(1));
            bytes = bytes.sliced(1);
            if (headerComplete(&out) && m_payloadLeft == 0)
                payloadComplete(&out);
            continue;
        }
        const qsizetype take = qsizetype(qMin<qint64>(m_payloadLeft, bytes.size()));
        if (m_opcode >= WebSocketFrames::Close) {
            const qsizetype offset = m_controlPayload.size();
            for (qsizetype i = 0; i < take; ++i)
                m_controlPayload.append(char(bytes[i] ^ m_mask[(offset + i) % 4]));
        }
        bytes = bytes.sliced(take);
        m_payloadLeft -= take;
        if (m_payloadLeft == 0)
            payloadComplete(&out);
    }
    return out;
}

bool WebSocketFrameReader::headerComplete(QList<Incoming> *out)
{
    if (m_header.size() < 2)
        return false;
    const auto byte = [this](qsizetype i) {
        return quint8(m_header.at(i));
    };
    const quint8 lengthCode = byte(1) & 0x7F;
    const qsizetype lengthBytes = lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
    const bool masked = byte(1) & 0x80;
    if (m_header.size() < 2 + lengthBytes + (masked ? 4 : 0))
        return false;
    m_fin = byte(0) & 0x80;
    m_opcode = byte(0) & 0x0F;
    quint64 length = lengthCode;
    if (lengthBytes > 0) {
        length = 0;
        for (qsizetype i = 0; i < lengthBytes; ++i)
            length = (length << 8) | byte(2 + i);
    }
    if (byte(0) & 0x70) {
        violation(out, 1002, "reserved bits set without an extension");
        return false;
    }
    if (!masked) {
        violation(out, 1002, "a client's frame must be masked");
        return false;
    }
    const bool control = m_opcode >= WebSocketFrames::Close;
    switch (m_opcode) {
    case WebSocketFrames::Continuation:
        if (!m_inMessage) {
            violation(out, 1002, "a continuation without a message");
            return false;
        }
        break;
    case WebSocketFrames::Text:
    case WebSocketFrames::Binary:
        if (m_inMessage) {
            violation(out, 1002, "a new message inside a fragmented one");
            return false;
        }
        m_messageBytes = 0;
        break;
    case WebSocketFrames::Close:
    case WebSocketFrames::Ping:
    case WebSocketFrames::Pong:
        if (!m_fin || length > 125) {
            violation(out, 1002, "a fragmented or oversized control frame");
            return false;
        }
        break;
    default:
        violation(out, 1002, "an unknown opcode");
        return false;
    }
    if (!control) {
        if (length > quint64(m_maxMessageBytes - m_messageBytes)) {
            violation(out, 1009, "message too big");
            return false;
        }
        m_messageBytes += qint64(length);
        m_inMessage = !m_fin;
    }
    for (int i = 0; i < 4; ++i)
        m_mask[i] = byte(2 + lengthBytes + i);
    m_payloadLeft = qint64(length);
    m_controlPayload.clear();
    m_header.clear();
    m_inPayload = true;
    return true;
}

void WebSocketFrameReader::payloadComplete(QList<Incoming> *out)
{
    m_inPayload = false;
    Incoming incoming;
    switch (m_opcode) {
    case WebSocketFrames::Ping:
        incoming.kind = Incoming::Kind::Ping;
        incoming.payload = m_controlPayload;
        break;
    case WebSocketFrames::Pong:
        incoming.kind = Incoming::Kind::Pong;
        incoming.payload = m_controlPayload;
        break;
    case WebSocketFrames::Close:
        if (m_controlPayload.size() == 1) {
            violation(out, 1002, "a close frame with a one-byte payload");
            return;
        }
        incoming.kind = Incoming::Kind::Close;
        incoming.code = m_controlPayload.size() >= 2
            ? quint16((quint8(m_controlPayload.at(0)) << 8) | quint8(m_controlPayload.at(1)))
            : 1005;
        incoming.reason = m_controlPayload.mid(2);
        m_ended = true;
        break;
    default:
        if (m_inMessage)
            return; // more fragments follow
        incoming.kind = Incoming::Kind::Message;
        break;
    }
    out->append(incoming);
}

void WebSocketFrameReader::violation(QList<Incoming> *out, quint16 code, const char *reason)
{
    Incoming incoming;
    incoming.kind = Incoming::Kind::Violation;
    incoming.code = code;
    incoming.reason = reason;
    out->append(incoming);
    m_ended = true;
}

} // namespace inkstream::core
