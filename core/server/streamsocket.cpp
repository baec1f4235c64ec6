#include "core/server/streamsocket.h"

#include <QMetaMethod>
#include <QSocketNotifier>
#include <QTcpSocket>
#include <QTimer>
#include <QVariant>
#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace inkstream::core {

namespace {
const char *const kFollowsConnection = "inkstreamFollowsConnection";
} // namespace

StreamSocket *StreamSocket::takeOver(QTcpSocket *socket, QObject *parent)
{
#ifdef Q_OS_UNIX
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return nullptr;
    if (socket->bytesToWrite() > 0)
        socket->flush(); // an earlier answer on this connection, still in Qt's buffer
    if (socket->bytesToWrite() > 0)
        return nullptr;
    const int descriptor = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (descriptor < 0)
        return nullptr;
    auto *stream = new StreamSocket(descriptor, parent);
    const QObjectList children = socket->children();
    for (QObject *child : children) {
        if (child->property(kFollowsConnection).toBool())
            child->setParent(stream);
    }
    // Closing Qt's descriptor leaves the connection open on the duplicate. Its signals would
    // announce an end that has not happened.
    socket->blockSignals(true);
    socket->abort();
    socket->deleteLater();
    return stream;
#else
    Q_UNUSED(socket);
    Q_UNUSED(parent);
    return nullptr;
#endif
}

void StreamSocket::markFollowsConnection(QObject *child)
{
    child->setProperty(kFollowsConnection, true);
}

StreamSocket::StreamSocket(int descriptor, QObject *parent)
    : QObject(parent)
    , m_descriptor(descriptor)
    , m_reader(new QSocketNotifier(descriptor, QSocketNotifier::Read, this))
{
    connect(m_reader, &QSocketNotifier::activated, this, &StreamSocket::onReadable);
}

StreamSocket::~StreamSocket()
{
#ifdef Q_OS_UNIX
    if (m_descriptor >= 0)
        ::close(m_descriptor);
#endif
}

void StreamSocket::write(const QByteArray &bytes)
{
#ifdef Q_OS_UNIX
    if (m_descriptor < 0 || m_closing || bytes.isEmpty())
        return;
    qsizetype sent = 0;
    if (m_backlog.isEmpty()) {
        const ssize_t written = ::send(m_descriptor, bytes.constData(), size_t(bytes.size()),
                                       MSG_NOSIGNAL | MSG_DONTWAIT);
        if (written == bytes.size())
            return;
        if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            // Told on the next turn, as a socket reports a failed write: the caller is
            // still using what the end would delete.
            m_closing = true;
            QMetaObject::invokeMethod(this, &StreamSocket::release, Qt::QueuedConnection);
            return;
        }
        sent = written > 0 ? written : 0;
        m_firstOffset = sent;
    }
    m_backlog.append(bytes);
    m_backlogBytes += bytes.size() - sent;
    if (!m_writer) {
        m_writer = new QSocketNotifier(m_descriptor, QSocketNotifier::Write, this);
        connect(m_writer, &QSocketNotifier::activated, this, &StreamSocket::onWritable);
    }
    m_writer->setEnabled(true);
#else
    Q_UNUSED(bytes);
#endif
}

void StreamSocket::onWritable()
{
    sendBacklog();
}

void StreamSocket::sendBacklog()
{
#ifdef Q_OS_UNIX
    qint64 total = 0;
    while (!m_backlog.isEmpty()) {
        const QByteArray &first = m_backlog.constFirst();
        const qsizetype left = first.size() - m_firstOffset;
        const ssize_t written = ::send(m_descriptor, first.constData() + m_firstOffset,
                                       size_t(left), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            release();
            return;
        }
        total += written;
        m_backlogBytes -= written;
        if (written < left) {
            m_firstOffset += written;
            break;
        }
        m_backlog.removeFirst();
        m_firstOffset = 0;
    }
    if (m_backlog.isEmpty()) {
        // The notifier goes with the backlog: an idle stream keeps none. Later, not now: this
        // may run in its own signal.
        if (m_writer) {
            m_writer->setEnabled(false);
            m_writer->deleteLater();
            m_writer = nullptr;
        }
        m_backlog = QList<QByteArray>();
        if (m_closing && !m_shutDown)
            finishClose();
    }
    if (total > 0)
        Q_EMIT bytesWritten(total);
#endif
}

void StreamSocket::onReadable()
{
#ifdef Q_OS_UNIX
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::recv(m_descriptor, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) {
            if (!m_shutDown && isSignalConnected(QMetaMethod::fromSignal(&StreamSocket::received)))
                Q_EMIT received(QByteArray(buffer, got));
            if (m_descriptor < 0 || size_t(got) < sizeof buffer)
                return;
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        release(); // the peer closed, or the connection failed
        return;
    }
#endif
}

void StreamSocket::closeAfterWriting(std::chrono::milliseconds linger)
{
    if (m_descriptor < 0 || m_closing)
        return;
    m_closing = true;
    m_linger = linger;
    if (m_backlog.isEmpty())
        finishClose();
}

void StreamSocket::finishClose()
{
#ifdef Q_OS_UNIX
    m_shutDown = true;
    ::shutdown(m_descriptor, SHUT_WR);
    QTimer::singleShot(m_linger, this, &StreamSocket::release);
#endif
}

void StreamSocket::abort()
{
    m_backlog.clear();
    m_backlogBytes = 0;
    release();
}

void StreamSocket::release()
{
#ifdef Q_OS_UNIX
    if (m_descriptor < 0)
        return;
    // Later, not now: this may run in a notifier's own signal.
    for (QSocketNotifier *notifier : {m_reader, m_writer}) {
        if (notifier) {
            notifier->setEnabled(false);
            notifier->deleteLater();
        }
    }
    m_reader = nullptr;
    m_writer = nullptr;
    ::close(m_descriptor);
    m_descriptor = -1;
    m_closing = true;
    m_backlog.clear();
    m_backlogBytes = 0;
    Q_EMIT disconnected();
#endif
}

} // namespace inkstream::core
