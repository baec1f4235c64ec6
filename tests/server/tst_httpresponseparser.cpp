// HttpResponseParser: an upstream's answer head, kept as it came, and how its body is framed;
// what a broken or hostile upstream sends is refused with a reason.

#include "core/server/httpresponseparser.h"

#include <QtTest>

using inkstream::core::HttpResponseParser;
using Framing = HttpResponseParser::Framing;
using Status = HttpResponseParser::Status;

class TestHttpResponseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headersAreKeptAsTheyCame()
    {
        const QByteArray bytes = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                 "X-Request-Id: a\r\nset-cookie: 1\r\nSet-Cookie: 2\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\nbody";
        HttpResponseParser::Head head;
        const auto result = HttpResponseParser::parseHead(bytes, "POST", &head);
        QCOMPARE(result.status, Status::Complete);
        QCOMPARE(result.headBytes, bytes.indexOf("body"));
        QCOMPARE(head.status, 200);
        QCOMPARE(head.reason, QByteArray("OK"));
        QCOMPARE(head.headers.size(), 5);
        QCOMPARE(head.headers.at(0).first, QByteArray("Content-Type"));
        QCOMPARE(head.headers.at(2), std::make_pair(QByteArray("set-cookie"), QByteArray("1")));
        QCOMPARE(head.value("SET-COOKIE"), QByteArray("1, 2"));
        QCOMPARE(head.framing, Framing::Chunked);
        QVERIFY(head.keepAlive);
    }

    void incompleteHeadAsksForMore()
    {
        const QByteArray bytes = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        for (qsizetype cut = 0; cut < bytes.size(); ++cut) {
            HttpResponseParser::Head head;
            QCOMPARE(HttpResponseParser::parseHead(bytes.first(cut), "GET", &head).status,
                     Status::Incomplete);
        }
    }

    void framing_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<Framing>("framing");
        QTest::addColumn<qint64>("length");
        QTest::addColumn<bool>("keepAlive");
        QTest::newRow("length") << QByteArray("GET")
                                << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n")
                                << Framing::Length << qint64(12) << true;
        QTest::newRow("repeated equal lengths")
            << QByteArray("GET") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n")
            << Framing::Length << qint64(3) << true;
        QTest::newRow("until the close")
            << QByteArray("GET") << QByteArray("HTTP/1.1 200 OK\r\n\r\n") << Framing::UntilClose
            << qint64(0) << false;
        QTest::newRow("HTTP/1.0 closes")
            << QByteArray("GET") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n")
            << Framing::Length << qint64(2) << false;
        QTest::newRow("HTTP/1.0 kept alive")
            << QByteArray("GET")
            << QByteArray("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n")
            << Framing::Length << qint64(2) << true;
        QTest::newRow("Connection: close")
            << QByteArray("GET")
            << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n")
            << Framing::Length << qint64(2) << false;
        QTest::newRow("HEAD has no body")
            << QByteArray("HEAD") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n")
            << Framing::None << qint64(0) << true;
        QTest::newRow("204") << QByteArray("POST") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n")
                             << Framing::None << qint64(0) << true;
        QTest::newRow("304") << QByteArray("GET") << QByteArray("HTTP/1.1 304 Not Modified\r\n\r\n")
                             << Framing::None << qint64(0) << true;
        QTest::newRow("chunked wins over a length, and the connection is not reused")
            << QByteArray("GET")
            << QByteArray(
                   "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")
            << Framing::Chunked << qint64(0) << false;
        QTest::newRow("an encoding not ending in chunked: until the close")
            << QByteArray("GET") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")
            << Framing::UntilClose << qint64(0) << false;
    }

    void framing()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, head);
        QFETCH(Framing, framing);
        QFETCH(qint64, length);
        QFETCH(bool, keepAlive);
        HttpResponseParser::Head parsed;
        const auto result = HttpResponseParser::parseHead(head, method, &parsed);
        QCOMPARE(result.status, Status::Complete);
        QCOMPARE(result.headBytes, head.size());
        QCOMPARE(parsed.framing, framing);
        QCOMPARE(parsed.contentLength, length);
        QCOMPARE(parsed.keepAlive, keepAlive);
    }

    void statusLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("reason");
        QTest::newRow("usual") << QByteArray("HTTP/1.1 429 Too Many Requests") << 429
                               << QByteArray("Too Many Requests");
        QTest::newRow("empty reason") << QByteArray("HTTP/1.1 200 ") << 200 << QByteArray();
        QTest::newRow("no reason at all") << QByteArray("HTTP/1.1 500") << 500 << QByteArray();
        QTest::newRow("LF only") << QByteArray("HTTP/1.0 404 Not Found") << 404
                                 << QByteArray("Not Found");
    }

    void statusLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(int, status);
        QFETCH(QByteArray, reason);
        const QByteArray eol = QTest::currentDataTag() == QByteArray("LF only") ? "\n" : "\r\n";
        HttpResponseParser::Head head;
        const QByteArray bytes = line + eol + "Content-Length: 0" + eol + eol;
        const auto result = HttpResponseParser::parseHead(bytes, "GET", &head);
        QCOMPARE(result.status, Status::Complete);
        QCOMPARE(head.status, status);
        QCOMPARE(head.reason, reason);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n")
                                  << QStringLiteral("status line");
        QTest::newRow("HTTP/2 preface")
            << QByteArray("HTTP/2 200\r\n\r\n") << QStringLiteral("status line");
        QTest::newRow("a status of letters")
            << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n") << QStringLiteral("status line");
        QTest::newRow("a status below 100")
            << QByteArray("HTTP/1.1 099 Odd\r\n\r\n") << QStringLiteral("status line");
        QTest::newRow("conflicting lengths")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n")
            << QStringLiteral("conflicting Content-Length");
        QTest::newRow("a length that is no number")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")
            << QStringLiteral("not a number");
        QTest::newRow("line folding")
            << QByteArray("HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\n\r\n") << QStringLiteral("folding");
        QTest::newRow("space before the colon")
            << QByteArray("HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n") << QStringLiteral("valid name");
        QTest::newRow("a control character") << QByteArray("HTTP/1.1 200 OK\r\nX-A: 1\x01\r\n\r\n")
                                             << QStringLiteral("control character");
        QTest::newRow("a head too large") << (QByteArray("HTTP/1.1 200 OK\r\nX-A: ")
                                              + QByteArray(HttpResponseParser::kMaxHeadBytes, 'a'))
                                          << QStringLiteral("exceeds");
        QByteArray many = "HTTP/1.1 200 OK\r\n";
        for (int i = 0; i <= HttpResponseParser::kMaxHeaders; ++i)
            many += "X-" + QByteArray::number(i) + ": 1\r\n";
        QTest::newRow("too many fields") << many + "\r\n" << QStringLiteral("header fields");
    }

    void refused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        HttpResponseParser::Head head;
        const auto result = HttpResponseParser::parseHead(bytes, "GET", &head);
        QCOMPARE(result.status, Status::Invalid);
        QVERIFY2(result.reason.contains(reason), qPrintable(result.reason));
    }
};

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
