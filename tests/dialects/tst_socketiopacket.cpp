#include "core/protocol/socketiopacket.h"

#include <QTest>

using namespace inkstream::core;

// Engine.IO v4 / Socket.IO v5 packets as socket.io 4 servers write them, and the frames the
// client writes back.
class TestSocketIoPacket final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void parse_rejects_data();
    void parse_rejects();
    void clientFrames();
};

Q_DECLARE_METATYPE(SocketIoPacket::Engine)
Q_DECLARE_METATYPE(SocketIoPacket::Type)

void TestSocketIoPacket::parse_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<SocketIoPacket::Engine>("engine");
    QTest::addColumn<SocketIoPacket::Type>("type");
    QTest::addColumn<QString>("nsp");
    QTest::addColumn<qint64>("ackId"); // -1: none
    QTest::addColumn<QByteArray>("data");

    using E = SocketIoPacket::Engine;
    using T = SocketIoPacket::Type;
    QTest::newRow("open") << QByteArray(R"(0{"sid":"x","pingInterval":25000})") << E::Open
                          << T::Event << "/" << qint64(-1)
                          << QByteArray(R"({"sid":"x","pingInterval":25000})");
    QTest::newRow("ping") << QByteArray("2") << E::Ping << T::Event << "/" << qint64(-1)
                          << QByteArray();
    QTest::newRow("close") << QByteArray("1") << E::Close << T::Event << "/" << qint64(-1)
                           << QByteArray();
    QTest::newRow("connect ack") << QByteArray(R"(40{"sid":"abc"})") << E::Message << T::Connect
                                 << "/" << qint64(-1) << QByteArray(R"({"sid":"abc"})");
    QTest::newRow("event") << QByteArray(R"(42["model:chunk",{"chunk":"hi"}])") << E::Message
                           << T::Event << "/" << qint64(-1)
                           << QByteArray(R"(["model:chunk",{"chunk":"hi"}])");
    QTest::newRow("event in a namespace with an ack id")
        << QByteArray(R"(42/jobs,17["job:completed",{}])") << E::Message << T::Event << "/jobs"
        << qint64(17) << QByteArray(R"(["job:completed",{}])");
    QTest::newRow("connect error")
        << QByteArray(R"(44{"message":"not authorized"})") << E::Message << T::ConnectError << "/"
        << qint64(-1) << QByteArray(R"({"message":"not authorized"})");
    QTest::newRow("namespace disconnect") << QByteArray("41/jobs,") << E::Message << T::Disconnect
                                          << "/jobs" << qint64(-1) << QByteArray();
    QTest::newRow("binary event") << QByteArray(R"(451-["file",{"_placeholder":true,"num":0}])")
                                  << E::Message << T::BinaryEvent << "/" << qint64(-1)
                                  << QByteArray(R"(["file",{"_placeholder":true,"num":0}])");
}

void TestSocketIoPacket::parse()
{
    QFETCH(QByteArray, frame);
    QFETCH(SocketIoPacket::Engine, engine);
    QFETCH(SocketIoPacket::Type, type);
    QFETCH(QString, nsp);
    QFETCH(qint64, ackId);
    QFETCH(QByteArray, data);
    QString error;
    const std::optional<SocketIoPacket> packet = SocketIoPacket::parse(frame, &error);
    QVERIFY2(packet, qPrintable(error));
    QCOMPARE(packet->engine, engine);
    if (engine == SocketIoPacket::Engine::Message)
        QCOMPARE(packet->type, type);
    QCOMPARE(packet->nsp, nsp);
    QCOMPARE(packet->ackId.value_or(-1), ackId);
    QCOMPARE(packet->data, data);
}

void TestSocketIoPacket::parse_rejects_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << QByteArray() << "empty";
    QTest::newRow("unknown engine type") << QByteArray("9") << "unknown Engine.IO packet type";
    QTest::newRow("message without a type") << QByteArray("4") << "without a valid type";
    QTest::newRow("unknown socket.io type") << QByteArray("47[]") << "without a valid type";
    QTest::newRow("binary without a count") << QByteArray("45[]") << "attachment count";
    QTest::newRow("ack id out of range")
        << QByteArray("4299999999999999999999[]") << "out of range";
}

void TestSocketIoPacket::parse_rejects()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, error);
    QString actual;
    QVERIFY(!SocketIoPacket::parse(frame, &actual));
    QVERIFY2(actual.contains(error), qPrintable(actual));
}

void TestSocketIoPacket::clientFrames()
{
    QCOMPARE(SocketIoPacket::connectFrame(QStringLiteral("/"), QByteArray()), QByteArray("40"));
    QCOMPARE(SocketIoPacket::connectFrame(QStringLiteral("/"), R"({"token":"t"})"),
             QByteArray(R"(40{"token":"t"})"));
    QCOMPARE(SocketIoPacket::connectFrame(QStringLiteral("/jobs"), R"({"token":"t"})"),
             QByteArray(R"(40/jobs,{"token":"t"})"));
    QCOMPARE(SocketIoPacket::ackFrame(QStringLiteral("/"), 5), QByteArray("435[]"));
    QCOMPARE(SocketIoPacket::ackFrame(QStringLiteral("/jobs"), 5), QByteArray("43/jobs,5[]"));
    QCOMPARE(SocketIoPacket::pongFrame(), QByteArray("3"));
}

QTEST_GUILESS_MAIN(TestSocketIoPacket)
#include "tst_socketiopacket.moc"
