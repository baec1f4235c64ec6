// HttpRequestParser and ChunkedBodyDecoder on their own: what they accept, what they refuse
// with which status, and that a request arriving in pieces parses as the whole does.
#include "core/server/chunkedbodydecoder.h"
#include "core/server/httprequestparser.h"

#include <QTest>

using namespace inkstream::core;

class TestHttpRequestParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validRequest_isParsed()
    {
        const QByteArray bytes = "\r\nPOST /api/sessions/s1/files?x=1 HTTP/1.1\r\n"
                                 "Host: 127.0.0.1:8080\r\nContent-Length: 2\r\n"
                                 "X-Twice: a\r\nx-twice: b\r\nConnection: keep-alive\r\n\r\n{}";
        HttpRequest request;
        const auto result = HttpRequestParser::parseHead(bytes, &request);
        QCOMPARE(result.status, HttpRequestParser::Status::Complete);
        QCOMPARE(result.headBytes, bytes.size() - 2);
        QCOMPARE(request.method(), HttpRequest::Method::Post);
        QCOMPARE(request.url().path(), QStringLiteral("/api/sessions/s1/files"));
        QCOMPARE(request.query().queryItemValue(QStringLiteral("x")), QStringLiteral("1"));
        QCOMPARE(request.value("x-twice"), QByteArray("a, b"));
        QCOMPARE(request.bodyFraming(), HttpRequest::BodyFraming::Length);
        QCOMPARE(request.contentLength(), 2);
        QVERIFY(request.keepsAlive());
    }

    void requestInPieces_isIncompleteUntilItsEnd()
    {
        const QByteArray bytes = "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n";
        for (qsizetype cut = 0; cut < bytes.size(); ++cut) {
            HttpRequest request;
            QCOMPARE(HttpRequestParser::parseHead(bytes.left(cut), &request).status,
                     HttpRequestParser::Status::Incomplete);
        }
        HttpRequest request;
        QCOMPARE(HttpRequestParser::parseHead(bytes, &request).status,
                 HttpRequestParser::Status::Complete);
    }

    void keepAlive_followsTheVersion_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("keepsAlive");
        QTest::newRow("1.1") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n\r\n") << true;
        QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: "
                                                 "Close\r\n\r\n")
                                   << false;
        QTest::newRow("1.0") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false;
        QTest::newRow("1.0 keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << true;
    }
    void keepAlive_followsTheVersion()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, keepsAlive);
        HttpRequest request;
        QCOMPARE(HttpRequestParser::parseHead(bytes, &request).status,
                 HttpRequestParser::Status::Complete);
        QCOMPARE(request.keepsAlive(), keepsAlive);
    }

    void invalidHeads_areRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        const QByteArray start = "POST / HTTP/1.1\r\nHost: h\r\n";
        QTest::newRow("two lengths") << start + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n"
                                     << 400;
        QTest::newRow("list of lengths") << start + "Content-Length: 1, 2\r\n\r\n" << 400;
        QTest::newRow("length and encoding")
            << start + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
            << 400;
        QTest::newRow("negative") << start + "Content-Length: -5\r\n\r\n" << 400;
        QTest::newRow("plus sign") << start + "Content-Length: +5\r\n\r\n" << 400;
        QTest::newRow("hex") << start + "Content-Length: 0x10\r\n\r\n" << 400;
        QTest::newRow("huge") << start + "Content-Length: 9999999999999999999999\r\n\r\n" << 400;
        QTest::newRow("empty length") << start + "Content-Length:\r\n\r\n" << 400;
        QTest::newRow("identity") << start + "Transfer-Encoding: identity\r\n\r\n" << 400;
        QTest::newRow("gzip, chunked") << start + "Transfer-Encoding: gzip, chunked\r\n\r\n" << 501;
        QTest::newRow("chunked in 1.0")
            << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
        QTest::newRow("folding") << start + "X: a\r\n b\r\n\r\n" << 400;
        QTest::newRow("space before colon") << start + "X : a\r\n\r\n" << 400;
        QTest::newRow("bare CR") << start + "X: a\rb\r\n\r\n" << 400;
        QTest::newRow("NUL in value") << start + QByteArray("X: a\0b\r\n\r\n", 11) << 400;
        QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two hosts") << start + "Host: i\r\n\r\n" << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: h\r\n\r\n") << 505;
        QTest::newRow("not HTTP") << QByteArray("GET / FTP/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("two words") << QByteArray("GET /\r\n\r\n") << 400;
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("relative target") << QByteArray("GET x HTTP/1.1\r\nHost: h\r\n\r\n") << 400;
        QTest::newRow("head too large") << start + "X: " + QByteArray(20000, 'a') + "\r\n\r\n"
                                        << 431;
        QTest::newRow("head too large, unfinished")
            << start + "X: " + QByteArray(20000, 'a') << 431;
        QTest::newRow("line too long") << "GET /" + QByteArray(20000, 'a') << 414;
        QByteArray many = start;
        for (int i = 0; i < 101; ++i)
            many += "X-" + QByteArray::number(i) + ": 1\r\n";
        QTest::newRow("too many headers") << many + "\r\n" << 431;
        const QByteArray upgrade
            = "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        QTest::newRow("upgrade without key") << upgrade + "Sec-WebSocket-Version: 13\r\n\r\n"
                                             << 400;
        QTest::newRow("upgrade with short key")
            << upgrade + "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n"
            << 400;
        QTest::newRow("upgrade, version 8") << upgrade
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: "
                  "8\r\n\r\n" << 400;
        QTest::newRow("upgrade by POST")
            << QByteArray("POST /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: "
                          "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n")
            << 400;
    }
    void invalidHeads_areRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        HttpRequest request;
        const auto result = HttpRequestParser::parseHead(bytes, &request);
        QCOMPARE(result.status, HttpRequestParser::Status::Invalid);
        QCOMPARE(result.httpStatus, status);
        QVERIFY(!result.reason.isEmpty());
    }

    void webSocketHandshake_isRecognised()
    {
        HttpRequest request;
        const auto result = HttpRequestParser::parseHead(
            "GET /api/sessions/s1/ws?token=t HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\n"
            "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n",
            &request);
        QCOMPARE(result.status, HttpRequestParser::Status::Complete);
        QVERIFY(request.isWebSocketUpgrade());
    }

    void chunkedBody_decodesInAnyPieces()
    {
        const QByteArray encoded = "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n"
                                   "0\r\nTrailer: x\r\n\r\nNEXT";
        for (qsizetype piece = 1; piece <= encoded.size(); ++piece) {
            ChunkedBodyDecoder decoder(1000);
            QByteArray body;
            QByteArray pending;
            qsizetype offset = 0;
            ChunkedBodyDecoder::Status status = ChunkedBodyDecoder::Status::NeedMore;
            while (status == ChunkedBodyDecoder::Status::NeedMore && offset < encoded.size()) {
                pending += encoded.mid(offset, piece);
                offset += piece;
                qsizetype consumed = 0;
                status = decoder.feed(pending, &body, &consumed);
                pending.remove(0, consumed);
            }
            QCOMPARE(status, ChunkedBodyDecoder::Status::Done);
            QCOMPARE(body, QByteArray("Wikipedia in\r\n\r\nchunks."));
            QVERIFY(QByteArray(pending + encoded.mid(offset)).startsWith("NEXT"));
        }
    }

    void chunkedBody_refusals_data()
    {
        QTest::addColumn<QByteArray>("encoded");
        QTest::addColumn<int>("status");
        QTest::newRow("ZZ") << QByteArray("ZZ\r\nab\r\n0\r\n\r\n")
                            << int(ChunkedBodyDecoder::Status::Invalid);
        QTest::newRow("negative") << QByteArray("-1\r\n")
                                  << int(ChunkedBodyDecoder::Status::Invalid);
        QTest::newRow("empty size")
            << QByteArray("\r\n") << int(ChunkedBodyDecoder::Status::Invalid);
        QTest::newRow("bare LF") << QByteArray("2\nab\n")
                                 << int(ChunkedBodyDecoder::Status::Invalid);
        QTest::newRow("data longer than size")
            << QByteArray("2\r\nabc\r\n") << int(ChunkedBodyDecoder::Status::Invalid);
        QTest::newRow("overflowing size")
            << QByteArray("fffffffffffffffff\r\n") << int(ChunkedBodyDecoder::Status::Invalid);
        QTest::newRow("over the limit")
            << QByteArray("65\r\n") << int(ChunkedBodyDecoder::Status::TooLarge);
        QTest::newRow("over the limit in sum")
            << QByteArray("32\r\n" + QByteArray(50, 'a') + "\r\n33\r\n")
            << int(ChunkedBodyDecoder::Status::TooLarge);
        QTest::newRow("endless size line")
            << QByteArray(5000, '0') << int(ChunkedBodyDecoder::Status::Invalid);
    }
    void chunkedBody_refusals()
    {
        QFETCH(QByteArray, encoded);
        QFETCH(int, status);
        ChunkedBodyDecoder decoder(100);
        QByteArray body;
        qsizetype consumed = 0;
        QCOMPARE(int(decoder.feed(encoded, &body, &consumed)), status);
        QVERIFY(!decoder.reason().isEmpty());
        QVERIFY(body.size() <= 100);
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
