#pragma once

// A client that behaves as an attacker on loopback would: raw bytes on a socket, no HTTP
// library smoothing anything over. Blocking calls: the server is another process.

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QTcpSocket>
#include <QTest>
#include <functional>

namespace {

// The resident set of a process, in KiB (Linux).
inline qint64 residentKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}

class HostileClient
{
public:
    explicit HostileClient(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        connected = socket.waitForConnected(5000);
    }

    void send(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.waitForBytesWritten(5000);
    }

    // Reads until the server closes or `timeoutMs` passes; true when it closed.
    bool readUntilClosed(int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        while (socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < timeoutMs) {
            socket.waitForReadyRead(50);
            received += socket.readAll();
        }
        received += socket.readAll();
        return socket.state() != QAbstractSocket::ConnectedState;
    }

    // Reads until `done` says the bytes so far suffice, the server closes or time is up.
    void readUntil(const std::function<bool(const QByteArray &)> &done, int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        while (!done(received) && socket.state() == QAbstractSocket::ConnectedState
               && clock.elapsed() < timeoutMs) {
            socket.waitForReadyRead(50);
            received += socket.readAll();
        }
    }

    // Offers `total` bytes in pieces of `piece` (made by `makePiece`) as fast as the server
    // takes them, reading whatever it answers; stops when the connection fails or `timeoutMs`
    // passes. `sample` runs between pieces. Returns the bytes the kernel accepted.
    qint64 offer(qint64 total, const std::function<QByteArray()> &makePiece, int timeoutMs,
                 const std::function<void()> &sample)
    {
        QElapsedTimer clock;
        clock.start();
        qint64 sent = 0;
        while (sent < total && socket.state() == QAbstractSocket::ConnectedState
               && clock.elapsed() < timeoutMs) {
            const QByteArray piece = makePiece();
            if (socket.write(piece) < 0)
                break;
            while (socket.bytesToWrite() > 0 && socket.state() == QAbstractSocket::ConnectedState
                   && clock.elapsed() < timeoutMs) {
                socket.waitForBytesWritten(100);
                received += socket.readAll();
            }
            received += socket.readAll();
            sent += piece.size();
            sample();
        }
        return sent;
    }

    // The status code of the first response received, or 0.
    int status() const
    {
        if (!received.startsWith("HTTP/1.1 ") || received.size() < 12)
            return 0;
        return received.mid(9, 3).toInt();
    }

    QTcpSocket socket;
    QByteArray received;
    bool connected = false;
};

} // namespace
