// UpstreamRequest and UpstreamConnections against a real server on loopback that answers with
// scripted bytes: bodies framed every way, kept-alive connections reused (and sent again when
// the server closed one as the request went out), broken and hostile answers, cancellation,
// and a slow reader that stops the upstream rather than buffering it.

#include "core/server/upstreamconnections.h"
#include "core/server/upstreamrequest.h"

#include <QDir>
#include <QFile>
#include <QPointer>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest>
#include <functional>

using inkstream::core::UpstreamConnections;
using inkstream::core::UpstreamRequest;

namespace {

QByteArray fixture(const QString &name)
{
    QFile file(QDir(qEnvironmentVariable("INKSTREAM_SOURCE_DIR"))
                   .filePath(QStringLiteral("tests/fixtures/tls/") + name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Accepts connections as TLS with the fixture's self-signed certificate for 127.0.0.1.
class TlsServer : public QTcpServer
{
protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        socket->setSocketDescriptor(descriptor);
        socket->setLocalCertificate(QSslCertificate(fixture(QStringLiteral("upstream-cert.pem"))));
        socket->setPrivateKey(QSslKey(fixture(QStringLiteral("upstream-key.pem")), QSsl::Rsa));
        socket->startServerEncryption();
        addPendingConnection(socket);
    }
};

// A loopback server that reads each request (head and Content-Length body) and lets the test
// answer it with whatever bytes it likes.
class ScriptedUpstream : public QObject
{
public:
    // `number`: the request's place on its connection, from 0.
    using Answer = std::function<void(QTcpSocket *socket, const QByteArray &request, int number)>;

    explicit ScriptedUpstream(Answer answer, bool tls = false)
        : m_answer(std::move(answer))
        , m_server(tls ? new TlsServer : new QTcpServer)
        , m_scheme(tls ? QStringLiteral("https") : QStringLiteral("http"))
    {
        m_server->listen(QHostAddress::LocalHost);
        connect(m_server.get(), &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                ++connections;
                sockets.append(socket);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
                connect(socket, &QTcpSocket::disconnected, this, [this] { ++disconnections; });
            }
        });
    }
    QUrl url(const QString &path = QStringLiteral("/v1/chat/completions")) const
    {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2%3")
                        .arg(m_scheme)
                        .arg(m_server->serverPort())
                        .arg(path));
    }

    int connections = 0;
    int disconnections = 0;
    QList<QByteArray> requests;
    QList<QPointer<QTcpSocket>> sockets;

private:
    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (;;) {
            const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return;
            qint64 length = 0;
            for (const QByteArray &line : buffer.first(headEnd).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (buffer.size() < headEnd + 4 + length)
                return;
            const QByteArray request = buffer.first(headEnd + 4 + length);
            buffer.remove(0, request.size());
            requests.append(request);
            m_answer(socket, request, m_served[socket]++);
        }
    }

    Answer m_answer;
    std::unique_ptr<QTcpServer> m_server;
    QString m_scheme;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QHash<QTcpSocket *, int> m_served;
};

// Writes `pieces` one per event-loop turn (a few milliseconds apart), then maybe closes.
void writeApart(QTcpSocket *socket, QList<QByteArray> pieces, bool closeAfter)
{
    if (pieces.isEmpty()) {
        if (closeAfter)
            socket->disconnectFromHost();
        return;
    }
    socket->write(pieces.takeFirst());
    socket->flush();
    QTimer::singleShot(2, socket,
                       [socket, pieces, closeAfter] { writeApart(socket, pieces, closeAfter); });
}

// Runs one request to its end; what it read, in order.
struct Outcome
{
    QByteArray body;
    int status = 0;
    UpstreamRequest::Failure failure = UpstreamRequest::Failure::None;
    QString error;
    bool finished = false;
};

Outcome run(UpstreamConnections *connections, const QUrl &url, const QByteArray &method = "POST",
            const QByteArray &body = "{}")
{
    Outcome outcome;
    UpstreamRequest request(connections);
    QObject::connect(&request, &UpstreamRequest::readyRead, &request,
                     [&] { outcome.body += request.readAll(); });
    QObject::connect(&request, &UpstreamRequest::finished, &request, [&] {
        outcome.finished = true;
        outcome.body += request.readAll();
        outcome.status = request.hasHead() ? request.head().status : 0;
        outcome.failure = request.failure();
        outcome.error = request.errorString();
    });
    request.start(method, url, {{"content-type", "application/json"}}, body);
    if (!QTest::qWaitFor([&] { return outcome.finished; }, 10000))
        outcome.error = QStringLiteral("(the request did not finish in 10 s)");
    return outcome;
}

const QByteArray kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

} // namespace

class TestUpstreamRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theRequestGoesOutAsGiven()
    {
        ScriptedUpstream upstream(
            [](QTcpSocket *socket, const QByteArray &, int) { socket->write(kOk); });
        UpstreamConnections connections;
        const QUrl url = upstream.url(QStringLiteral("/v1/chat/completions?api-version=2"));
        const Outcome outcome = run(&connections, url, "POST", "{\"a\":1}");
        QVERIFY(outcome.finished);
        QCOMPARE(upstream.requests.size(), 1);
        QCOMPARE(upstream.requests.first(),
                 "POST /v1/chat/completions?api-version=2 HTTP/1.1\r\nHost: 127.0.0.1:"
                     + QByteArray::number(url.port())
                     + "\r\ncontent-type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
    }

    void bodies_areDecodedHoweverFramed_data()
    {
        QTest::addColumn<QList<QByteArray>>("pieces");
        QTest::addColumn<bool>("closeAfter");
        QTest::newRow("length") << QList<QByteArray> {"HTTP/1.1 200 OK\r\nContent-Length: 11",
                                                      "\r\n\r\nhello", " world"}
                                << false;
        QTest::newRow("chunked, split anywhere")
            << QList<QByteArray> {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5",
                                  "\r\nhel", "lo\r\n6;ext=1\r", "\n world\r\n0\r\n",
                                  "X-Trailer: 1\r\n\r\n"}
            << false;
        QTest::newRow("until the close")
            << QList<QByteArray> {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello", " world"}
            << true;
        QTest::newRow("after an interim answer")
            << QList<QByteArray> {"HTTP/1.1 100 Continue\r\n\r\n",
                                  "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"}
            << false;
    }

    void bodies_areDecodedHoweverFramed()
    {
        QFETCH(QList<QByteArray>, pieces);
        QFETCH(bool, closeAfter);
        ScriptedUpstream upstream([&](QTcpSocket *socket, const QByteArray &, int) {
            writeApart(socket, pieces, closeAfter);
        });
        UpstreamConnections connections;
        const Outcome outcome = run(&connections, upstream.url());
        QVERIFY(outcome.finished);
        QCOMPARE(outcome.failure, UpstreamRequest::Failure::None);
        QCOMPARE(outcome.status, 200);
        QCOMPARE(outcome.body, QByteArray("hello world"));
    }

    void keptAliveConnections_areReused()
    {
        ScriptedUpstream upstream(
            [](QTcpSocket *socket, const QByteArray &, int) { socket->write(kOk); });
        UpstreamConnections connections;
        for (int i = 0; i < 3; ++i) {
            const Outcome outcome = run(&connections, upstream.url());
            QCOMPARE(outcome.body, QByteArray("ok"));
            QCOMPARE(connections.idleCount(), 1);
        }
        QCOMPARE(upstream.connections, 1);
        QCOMPARE(upstream.requests.size(), 3);
    }

    // The race every keep-alive client meets: the server closes an idle connection just as a
    // request goes out on it. Unanswered, the request goes again on a new connection.
    void aConnectionClosedAsTheRequestWentOut_isRetriedOnANewOne()
    {
        ScriptedUpstream upstream([](QTcpSocket *socket, const QByteArray &, int number) {
            if (number == 0)
                socket->write(kOk);
            else
                socket->disconnectFromHost(); // read, never answered
        });
        UpstreamConnections connections;
        QCOMPARE(run(&connections, upstream.url()).body, QByteArray("ok"));
        const Outcome second = run(&connections, upstream.url());
        QCOMPARE(second.failure, UpstreamRequest::Failure::None);
        QCOMPARE(second.body, QByteArray("ok"));
        QCOMPARE(upstream.connections, 2);
        QCOMPARE(upstream.requests.size(), 3);
    }

    // A fresh connection is not retried: its server saw the request and chose not to answer.
    void aNewConnectionClosedUnanswered_isNoAnswer()
    {
        ScriptedUpstream upstream(
            [](QTcpSocket *socket, const QByteArray &, int) { socket->disconnectFromHost(); });
        UpstreamConnections connections;
        const Outcome outcome = run(&connections, upstream.url());
        QVERIFY(outcome.finished);
        QCOMPARE(outcome.failure, UpstreamRequest::Failure::NoAnswer);
        QCOMPARE(outcome.status, 0);
        QVERIFY(!outcome.error.isEmpty());
        QCOMPARE(upstream.requests.size(), 1);
    }

    void idleConnectionsTheServerCloses_areDropped()
    {
        ScriptedUpstream upstream([](QTcpSocket *socket, const QByteArray &, int) {
            socket->write(kOk);
            QTimer::singleShot(20, socket, [socket] { socket->disconnectFromHost(); });
        });
        UpstreamConnections connections;
        QCOMPARE(run(&connections, upstream.url()).body, QByteArray("ok"));
        QTRY_COMPARE_WITH_TIMEOUT(connections.idleCount(), 0, 5000);
    }

    void aRefusedConnection_isNoAnswer()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        UpstreamConnections connections;
        const Outcome outcome
            = run(&connections, QUrl(QStringLiteral("http://127.0.0.1:%1/v1/models").arg(port)),
                  "GET", {});
        QVERIFY(outcome.finished);
        QCOMPARE(outcome.failure, UpstreamRequest::Failure::NoAnswer);
        QVERIFY2(outcome.error.contains(u"refused", Qt::CaseInsensitive),
                 qPrintable(outcome.error));
    }

    void anAnswerThatIsNotHttp_isNoAnswer()
    {
        ScriptedUpstream upstream([](QTcpSocket *socket, const QByteArray &, int) {
            socket->write("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        });
        UpstreamConnections connections;
        const Outcome outcome = run(&connections, upstream.url());
        QCOMPARE(outcome.failure, UpstreamRequest::Failure::NoAnswer);
        QVERIFY2(outcome.error.contains(u"not HTTP"), qPrintable(outcome.error));
        QCOMPARE(connections.idleCount(), 0);
    }

    void aBodyCutShort_isCutWithWhatArrived_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::newRow("length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
                                              "0123456789");
        QTest::newRow("chunked") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                                               "\r\na\r\n0123456789\r\n");
        QTest::newRow("malformed chunk")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789"
                          "\r\nzz\r\n");
    }

    void aBodyCutShort_isCutWithWhatArrived()
    {
        QFETCH(QByteArray, answer);
        ScriptedUpstream upstream([&](QTcpSocket *socket, const QByteArray &, int) {
            writeApart(socket, {answer}, true);
        });
        UpstreamConnections connections;
        const Outcome outcome = run(&connections, upstream.url());
        QVERIFY(outcome.finished);
        QCOMPARE(outcome.status, 200);
        QCOMPARE(outcome.failure, UpstreamRequest::Failure::Cut);
        QCOMPARE(outcome.body, QByteArray("0123456789"));
        QCOMPARE(connections.idleCount(), 0);
    }

    // https: the system's trust decides; an upstream it does not trust gets no request.
    void tls_isVerified()
    {
        ScriptedUpstream upstream(
            [](QTcpSocket *socket, const QByteArray &, int) { socket->write(kOk); }, true);
        UpstreamConnections connections;
        const Outcome untrusted = run(&connections, upstream.url());
        QCOMPARE(untrusted.failure, UpstreamRequest::Failure::NoAnswer);
        QVERIFY2(untrusted.error.contains(u"certificate", Qt::CaseInsensitive),
                 qPrintable(untrusted.error));
        QCOMPARE(upstream.requests.size(), 0);

        const QSslConfiguration before = QSslConfiguration::defaultConfiguration();
        QSslConfiguration trusting = before;
        trusting.addCaCertificate(QSslCertificate(fixture(QStringLiteral("upstream-cert.pem"))));
        QSslConfiguration::setDefaultConfiguration(trusting);
        const Outcome trusted = run(&connections, upstream.url());
        const Outcome again = run(&connections, upstream.url());
        QSslConfiguration::setDefaultConfiguration(before);
        QCOMPARE(trusted.failure, UpstreamRequest::Failure::None);
        QCOMPARE(trusted.body, QByteArray("ok"));
        QCOMPARE(again.body, QByteArray("ok"));
        QCOMPARE(upstream.requests.size(), 2);
        QCOMPARE(upstream.connections, 2); // the refused one, then one kept alive for both
    }

    // Cancelling closes the connection: the upstream sees its client go (no orphaned reply).
    void abortingClosesTheConnection()
    {
        ScriptedUpstream upstream([](QTcpSocket *socket, const QByteArray &, int) {
            socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        });
        UpstreamConnections connections;
        UpstreamRequest request(&connections);
        QSignalSpy readyRead(&request, &UpstreamRequest::readyRead);
        request.start("POST", upstream.url(), {}, "{}");
        QVERIFY(readyRead.wait(10000));
        QCOMPARE(request.readAll(), QByteArray("hello"));
        request.abort();
        QVERIFY(!request.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(upstream.disconnections, 1, 10000);
        QCOMPARE(connections.idleCount(), 0);
    }

    // A reader that takes nothing leaves the rest with the upstream: this side holds at most
    // its buffer (and the kernel's), and everything arrives once it reads.
    void aSlowReader_holdsTheUpstreamBack()
    {
        const qint64 size = 48 * 1024 * 1024;
        QByteArray body(size, Qt::Uninitialized);
        for (qint64 i = 0; i < size; ++i)
            body[i] = char('a' + i % 26);
        ScriptedUpstream upstream([&](QTcpSocket *socket, const QByteArray &, int) {
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(size)
                          + "\r\n\r\n");
            socket->write(body);
        });
        UpstreamConnections connections;
        UpstreamRequest request(&connections);
        QSignalSpy readyRead(&request, &UpstreamRequest::readyRead);
        QSignalSpy finished(&request, &UpstreamRequest::finished);
        request.start("GET", upstream.url(), {}, {});
        QVERIFY(readyRead.wait(10000));
        // Long enough for loopback to move all 48 MiB many times over, were nothing holding it.
        QTest::qWait(300);
        QCOMPARE(finished.count(), 0);
        QVERIFY(request.hasPendingBody());
        QVERIFY(!upstream.sockets.isEmpty());
        const qint64 unsent = upstream.sockets.first()->bytesToWrite();
        QVERIFY2(unsent > size / 2, qPrintable(QString::number(unsent)));
        QByteArray received;
        QObject::connect(&request, &UpstreamRequest::readyRead, &request,
                         [&] { received += request.readAll(); });
        received += request.readAll();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        received += request.readAll();
        QCOMPARE(request.failure(), UpstreamRequest::Failure::None);
        QCOMPARE(received.size(), size);
        QVERIFY(received == body);
    }
};

QTEST_GUILESS_MAIN(TestUpstreamRequest)
#include "tst_upstreamrequest.moc"
