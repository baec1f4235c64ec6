#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <chrono>

class QSocketNotifier;
class QTcpSocket;

namespace inkstream::core {

// A long-lived outgoing stream on a connection taken over from its QTcpSocket once the response
// head is decided: the descriptor, one read notifier (to see the peer leave and to take what it
// sends) and a write notifier only while the kernel is full. A QTcpSocket keeps a 16 KiB read
// buffer, three notifiers, an engine and a request parser for the life of the connection;
// an idle viewer of a stream needs none of that, and thousands of them are the common case.
class StreamSocket final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StreamSocket)

public:
    // Takes the connection of `socket` (which is closed and deleted later, silently); its
    // children marked with markFollowsConnection() move to the stream. Null when the
    // descriptor cannot be taken or Qt still holds unsent bytes the kernel would not take.
    static StreamSocket *takeOver(QTcpSocket *socket, QObject *parent);
    // `child` lives as long as the connection, whichever object holds it.
    static void markFollowsConnection(QObject *child);

    ~StreamSocket() override;

    bool isOpen() const { return m_descriptor >= 0 && !m_closing; }
    // Queues `bytes` (shared, not copied) after what is queued; the kernel gets them as it
    // takes them.
    void write(const QByteArray &bytes);
    qint64 bytesToWrite() const { return m_backlogBytes; }
    // Ends the stream once everything queued is written (then reads until the peer closes,
    // at most the linger time, so the end is not turned into a reset).
    void closeAfterWriting(std::chrono::milliseconds linger = std::chrono::seconds(2));
    // Ends it now; what is queued is dropped.
    void abort();

Q_SIGNALS:
    void bytesWritten(qint64 bytes);
    // What the peer sent (for a protocol that reads; SSE ignores it).
    void received(const QByteArray &bytes);
    // The connection is gone (peer closed, error, abort or the end of a close).
    void disconnected();

private:
    explicit StreamSocket(int descriptor, QObject *parent);

    void onReadable();
    void onWritable();
    void sendBacklog();
    void finishClose();
    void release();

    int m_descriptor = -1;
    QSocketNotifier *m_reader = nullptr;
    QSocketNotifier *m_writer = nullptr; // while the kernel is full
    QList<QByteArray> m_backlog;
    qsizetype m_firstOffset = 0; // of m_backlog's first entry, already sent
    qint64 m_backlogBytes = 0;
    bool m_closing = false;
    bool m_shutDown = false;
    std::chrono::milliseconds m_linger {0};
};

} // namespace inkstream::core
