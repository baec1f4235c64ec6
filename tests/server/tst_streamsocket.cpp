#include "core/server/streamsocket.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace inkstream::core;

namespace {

// A connected pair on loopback: `client` as a viewer holds it, `server` as the publisher
// accepted it (not yet taken over).
struct Connection
{
    Connection()
    {
        listener.listen(QHostAddress::LocalHost, 0);
        client.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 8192);
        client.connectToHost(QHostAddress::LocalHost, listener.serverPort());
        if (listener.waitForNewConnection(5000))
            server = listener.nextPendingConnection();
        client.waitForConnected(5000);
    }
    QTcpServer listener;
    QTcpSocket client;
    QTcpSocket *server = nullptr;
};

QByteArray numbered(int bytes)
{
    QByteArray data;
    data.reserve(bytes);
    for (int i = 0; data.size() < bytes; ++i)
        data += QByteArray::number(i) + '\n';
    data.truncate(bytes);
    return data;
}

} // namespace

class TestStreamSocket final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // More than the kernel takes at once is queued and still arrives whole and in order, with
    // bytesWritten telling what went out.
    void writes_arriveInOrder_pastAFullKernel()
    {
        Connection c;
        QVERIFY(c.server);
        QObject owner;
        StreamSocket *stream = StreamSocket::takeOver(c.server, &owner);
        QVERIFY(stream);
        QSignalSpy written(stream, &StreamSocket::bytesWritten);
        const QByteArray data = numbered(8 * 1024 * 1024);
        for (qsizetype at = 0; at < data.size(); at += 65536)
            stream->write(data.mid(at, 65536));
        QVERIFY(stream->bytesToWrite() > 0); // a reader that has not read holds it back
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += c.client.readAll(), received.size() == data.size()),
                                 20000);
        QCOMPARE(received, data);
        QCOMPARE(stream->bytesToWrite(), 0);
        qint64 total = 0;
        for (const QList<QVariant> &arguments : std::as_const(written))
            total += arguments.at(0).toLongLong();
        QVERIFY(total > 0);
        QVERIFY(total <= data.size());
    }

    void peerClosing_endsTheStream()
    {
        Connection c;
        QVERIFY(c.server);
        QObject owner;
        StreamSocket *stream = StreamSocket::takeOver(c.server, &owner);
        QVERIFY(stream);
        QSignalSpy ended(stream, &StreamSocket::disconnected);
        stream->write("hello\n");
        QByteArray received;
        QTRY_COMPARE_WITH_TIMEOUT((received += c.client.readAll(), received), QByteArray("hello\n"),
                                  5000);
        c.client.disconnectFromHost();
        QVERIFY(ended.wait(5000));
        QVERIFY(!stream->isOpen());
        stream->write("nobody reads this"); // no crash, nothing sent
        QCOMPARE(ended.size(), 1);
    }

    // What the peer sends reaches received(); the taken socket says nothing of its own end.
    void received_givesWhatThePeerSends()
    {
        Connection c;
        QVERIFY(c.server);
        QSignalSpy oldSocketEnded(c.server, &QTcpSocket::disconnected);
        QObject owner;
        StreamSocket *stream = StreamSocket::takeOver(c.server, &owner);
        QVERIFY(stream);
        QByteArray got;
        connect(stream, &StreamSocket::received, this,
                [&got](const QByteArray &bytes) { got += bytes; });
        c.client.write("ping from the viewer");
        QTRY_COMPARE_WITH_TIMEOUT(got, QByteArray("ping from the viewer"), 5000);
        QCOMPARE(oldSocketEnded.size(), 0);
        QVERIFY(stream->isOpen());
    }

    // The end waits for what is queued: the reader gets every byte, then the end of stream.
    void closeAfterWriting_deliversEverythingFirst()
    {
        Connection c;
        QVERIFY(c.server);
        QObject owner;
        StreamSocket *stream = StreamSocket::takeOver(c.server, &owner);
        QVERIFY(stream);
        QSignalSpy ended(stream, &StreamSocket::disconnected);
        QSignalSpy clientEnded(&c.client, &QTcpSocket::disconnected);
        const QByteArray data = numbered(2 * 1024 * 1024);
        stream->write(data);
        stream->closeAfterWriting();
        stream->write("too late"); // after the close: dropped
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += c.client.readAll(), clientEnded.size() == 1), 20000);
        received += c.client.readAll();
        QCOMPARE(received, data);
        QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, 5000);
    }

    void abort_dropsTheQueueAndEnds()
    {
        Connection c;
        QVERIFY(c.server);
        QObject owner;
        StreamSocket *stream = StreamSocket::takeOver(c.server, &owner);
        QVERIFY(stream);
        QSignalSpy ended(stream, &StreamSocket::disconnected);
        QSignalSpy clientEnded(&c.client, &QTcpSocket::disconnected);
        stream->write(numbered(8 * 1024 * 1024));
        QVERIFY(stream->bytesToWrite() > 0);
        stream->abort();
        QCOMPARE(ended.size(), 1);
        QCOMPARE(stream->bytesToWrite(), 0);
        QTRY_VERIFY_WITH_TIMEOUT((c.client.readAll(), clientEnded.size() == 1), 10000);
    }

    // Children marked to follow the connection move to the stream; the rest go with the socket.
    void markedChildren_followTheConnection()
    {
        Connection c;
        QVERIFY(c.server);
        auto *follows = new QObject(c.server);
        StreamSocket::markFollowsConnection(follows);
        QPointer<QObject> stays(new QObject(c.server));
        QPointer<QTcpSocket> oldSocket(c.server);
        QObject owner;
        StreamSocket *stream = StreamSocket::takeOver(c.server, &owner);
        QVERIFY(stream);
        QCOMPARE(follows->parent(), stream);
        QTRY_VERIFY_WITH_TIMEOUT(oldSocket.isNull(), 5000);
        QVERIFY(stays.isNull());
        QSignalSpy followerGone(follows, &QObject::destroyed);
        delete stream;
        QCOMPARE(followerGone.size(), 1);
    }

    void takeOver_ofAClosedSocket_isRefused()
    {
        Connection c;
        QVERIFY(c.server);
        c.server->abort();
        QObject owner;
        QCOMPARE(StreamSocket::takeOver(c.server, &owner), nullptr);
    }
};

QTEST_GUILESS_MAIN(TestStreamSocket)
#include "tst_streamsocket.moc"
