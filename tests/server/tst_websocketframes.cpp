#include "core/server/websocketframereader.h"
#include "core/server/websocketframes.h"

#include <QTest>

using namespace inkstream::core;
using Incoming = WebSocketFrameReader::Incoming;

namespace {

// A client's frame: masked, as RFC 6455 §5.3 requires of it.
QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool fin = true,
                       bool masked = true)
{
    QByteArray frame = WebSocketFrames::frame(WebSocketFrames::Opcode(opcode), payload);
    if (!fin)
        frame[0] = char(quint8(frame[0]) & 0x7F);
    if (!masked)
        return frame;
    const qsizetype header = frame.size() - payload.size();
    const char mask[4] = {'\x11', '\x22', '\x33', '\x44'};
    QByteArray result = frame.left(header);
    result[1] = char(quint8(result[1]) | 0x80);
    result.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        result.append(char(payload[i] ^ mask[i % 4]));
    return result;
}

QList<Incoming> feedBytewise(WebSocketFrameReader &reader, const QByteArray &bytes)
{
    QList<Incoming> said;
    for (char byte : bytes)
        said += reader.feed(QByteArrayView(&byte, 1));
    return said;
}

} // namespace

class TestWebSocketFrames final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handshakeAnswer_acceptsTheRfcExample()
    {
        // RFC 6455 §1.3's example key and answer.
        const QByteArray answer = WebSocketFrames::handshakeAnswer("dGhlIHNhbXBsZSBub25jZQ==");
        QVERIFY(answer.startsWith("HTTP/1.1 101 "));
        QVERIFY(answer.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        QVERIFY(answer.endsWith("\r\n\r\n"));
    }

    void frames_useTheShortestLength_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("header");
        QTest::newRow("125") << 125 << 2;
        QTest::newRow("126") << 126 << 4;
        QTest::newRow("65535") << 65535 << 4;
        QTest::newRow("65536") << 65536 << 10;
    }
    void frames_useTheShortestLength()
    {
        QFETCH(int, size);
        QFETCH(int, header);
        const QByteArray frame = WebSocketFrames::text(QByteArray(size, 'x'));
        QCOMPARE(frame.size(), size + header);
        QCOMPARE(quint8(frame[0]), quint8(0x81)); // FIN, text
        QCOMPARE(quint8(frame[1]) & 0x80, 0); // a server's frames are not masked
    }

    void close_cutsItsReasonToAControlFrame()
    {
        const QByteArray reason = QString(200, QChar(0x00E9)).toUtf8(); // two bytes each
        const QByteArray frame = WebSocketFrames::close(1008, reason);
        QCOMPARE(quint8(frame[0]), quint8(0x88));
        const int length = quint8(frame[1]);
        QVERIFY(length <= 125);
        QCOMPARE((quint8(frame[2]) << 8) | quint8(frame[3]), 1008);
        // Whole characters only.
        QVERIFY(QString::fromUtf8(frame.mid(4)).toUtf8() == frame.mid(4));
        QCOMPARE(length % 2, 0);
    }

    void reader_givesPingsPongsCloseAndDropsMessages()
    {
        WebSocketFrameReader reader(1024);
        const QByteArray bytes = clientFrame(0x9, "are you there") + clientFrame(0x1, "hello")
            + clientFrame(0x2, "abc", false) + clientFrame(0x0, "def") + clientFrame(0xA, "pong")
            + clientFrame(0x8, QByteArray("\x03\xe8", 2) + "bye") + clientFrame(0x9, "after");
        const QList<Incoming> said = feedBytewise(reader, bytes);
        QCOMPARE(said.size(), 5);
        QCOMPARE(said[0].kind, Incoming::Kind::Ping);
        QCOMPARE(said[0].payload, QByteArray("are you there"));
        QCOMPARE(said[1].kind, Incoming::Kind::Message);
        QCOMPARE(said[2].kind, Incoming::Kind::Message); // the fragmented one, once
        QCOMPARE(said[3].kind, Incoming::Kind::Pong);
        QCOMPARE(said[4].kind, Incoming::Kind::Close);
        QCOMPARE(said[4].code, quint16(1000));
        QCOMPARE(said[4].reason, QByteArray("bye"));
    }

    void reader_refusesWhatBreaksTheProtocol_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::newRow("unmasked") << clientFrame(0x1, "abc", true, false) << 1002;
        QTest::newRow("reserved bits")
            << QByteArray(1, char(0xC1)) + clientFrame(0x1, "abc").mid(1) << 1002;
        QTest::newRow("unknown opcode") << clientFrame(0x3, "abc") << 1002;
        QTest::newRow("continuation first") << clientFrame(0x0, "abc") << 1002;
        QTest::newRow("message inside a message")
            << clientFrame(0x1, "a", false) + clientFrame(0x1, "b") << 1002;
        QTest::newRow("fragmented ping") << clientFrame(0x9, "a", false) << 1002;
        QTest::newRow("one-byte close") << clientFrame(0x8, "x") << 1002;
        QTest::newRow("over the limit") << clientFrame(0x2, QByteArray(2000, 'x')) << 1009;
        QTest::newRow("fragments over the limit") << clientFrame(0x1, QByteArray(600, 'x'), false)
                + clientFrame(0x0, QByteArray(600, 'x'))
                                                  << 1009;
    }
    void reader_refusesWhatBreaksTheProtocol()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        WebSocketFrameReader reader(1024);
        const QList<Incoming> said = reader.feed(bytes);
        QVERIFY(!said.isEmpty());
        QCOMPARE(said.last().kind, Incoming::Kind::Violation);
        QCOMPARE(int(said.last().code), code);
        QVERIFY(reader.feed(clientFrame(0x9, "more")).isEmpty()); // nothing after it
    }

    // The limit is judged on the header: a huge declared length is refused before any payload.
    void reader_refusesAHugeFrameOnItsHeader()
    {
        WebSocketFrameReader reader(64 * 1024);
        QByteArray header("\x82\xFF", 2);
        for (int shift = 56; shift >= 0; shift -= 8)
            header.append(char((quint64(300'000'000) >> shift) & 0xFF));
        header.append("\x01\x02\x03\x04", 4);
        const QList<Incoming> said = reader.feed(header);
        QCOMPARE(said.size(), 1);
        QCOMPARE(said[0].code, quint16(1009));
    }
};

QTEST_GUILESS_MAIN(TestWebSocketFrames)
#include "tst_websocketframes.moc"
