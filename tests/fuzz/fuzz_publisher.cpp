// libFuzzer target: the publisher's request handling (routes, headers, bodies) on arbitrary
// bytes sent over a real loopback connection — HttpConnection parses them, Publisher routes them,
// exactly as in production. Per input: a fresh publisher with one session "s1" (and tokens,
// limits and CORS switched on, so those paths run too), one connection, the bytes, then the
// write side closed (so a half-sent request ends), then the event loop until the server closed
// the connection, finished its answer, answered a streaming request, or 50 ms passed. Whatever it
// answers must be an HTTP/1.1 status line; nothing may crash or leak.
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <cstdint>
#include <cstdlib>
#include <sys/socket.h>

using namespace inkstream::core;

namespace {
int g_argc = 1;
char g_name[] = "fuzz_publisher";
char *g_argv[] = {g_name, nullptr};
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    static QCoreApplication app(g_argc, g_argv);
    QLoggingCategory::setFilterRules(QStringLiteral("inkstream.*=false\nqt.*=false"));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SessionHub hub;
    Publisher publisher(&hub);
    // The first byte picks the access setup, so both the open and the guarded paths run.
    const uint8_t mode = size > 0 ? data[0] : 0;
    if (mode & 1) {
        publisher.accessPolicy().setPublishToken(QByteArrayLiteral("publish-token"));
        publisher.accessPolicy().setReadToken(QByteArrayLiteral("read-token"));
    }
    if (mode & 2)
        publisher.connectionLimiter().setMaxOpenPerAddress(1);
    if (!publisher.listen(QHostAddress::LocalHost, 0))
        std::abort();
    hub.createSession(QStringLiteral("s1"));

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, publisher.port());
    if (!socket.waitForConnected(2000))
        std::abort();
    socket.write(reinterpret_cast<const char *>(data) + (size > 0 ? 1 : 0),
                 qint64(size > 0 ? size - 1 : 0));
    socket.waitForBytesWritten(1000);
    ::shutdown(int(socket.socketDescriptor()), SHUT_WR);
    QByteArray answer;
    QElapsedTimer clock;
    clock.start();
    while (socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < 50) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        answer += socket.readAll();
        const qsizetype headerEnd = answer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            continue;
        if (answer.contains("text/event-stream") || answer.contains("101 Switching"))
            break; // a live stream: it would never end by itself
        const QByteArray lower = answer.left(headerEnd).toLower();
        const qsizetype length = lower.indexOf("content-length:");
        if (length >= 0) {
            const qsizetype lineEnd = lower.indexOf("\r\n", length);
            const qint64 expected
                = lower.mid(length + 15, lineEnd - length - 15).trimmed().toLongLong();
            if (answer.size() - headerEnd - 4 >= expected)
                break; // the whole answer arrived
        }
    }
    answer += socket.readAll();
    if (!answer.isEmpty() && !answer.startsWith("HTTP/1.1 "))
        std::abort();
    socket.abort();
    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return 0;
}
