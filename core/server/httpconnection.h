#pragma once

#include "core/server/chunkedbodydecoder.h"
#include "core/server/httplimits.h"
#include "core/server/httprequest.h"

#include <QObject>
#include <QTimer>
#include <optional>

class QTcpSocket;

namespace inkstream::core {

class HttpRequestHandler;
class HttpServer;

// One client connection of the publisher, request after request under one policy: every head
// must arrive within the request timeout and fit the head limit, is decided on by the handler
// before its body is read, and bodies are read only up to the limit; a kept-alive connection
// that idles too long is closed, and every refusal answers and then closes without reading
// the rest. Lives as a child of its socket.
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(QTcpSocket *socket, const HttpLimits &limits, HttpRequestHandler *handler,
                   HttpServer *server);

    // The connection of a socket the publisher accepted (nullptr for any other socket).
    static HttpConnection *of(QTcpSocket *socket);

    // The handler wrote a whole response; `close`: the connection ends after it.
    void responseSent(bool close);
    // The response goes on (an event stream): nothing more is read as a request.
    void streamStarted();

Q_SIGNALS:
    // A connection closed for sending its request too slowly (or not at all).
    void timedOut();

private:
    enum class State { AwaitingHead, ReadingBody, AwaitingResponse, Streaming, Closing };

    void processInput();
    void readHead();
    void readBody();
    void bodyComplete();
    void onDeadline();
    // Answers `status` and closes: the body (if any) is never read.
    void refuse(int status, const QString &error, const QString &detail);
    // Half-closes once the response is written, drops what still arrives, then closes.
    void closeGracefully();
    void shutdownWrite();
    void startDeadline(std::chrono::milliseconds timeout);

    QTcpSocket *m_socket;
    HttpLimits m_limits;
    HttpRequestHandler *m_handler;
    HttpServer *m_server;
    State m_state = State::AwaitingHead;
    HttpRequest m_request;
    QByteArray m_body;
    std::optional<ChunkedBodyDecoder> m_chunked;
    bool m_bodyPending = false; // the head framed a body that has not been read
    bool m_headStarted = true; // the first request's clock runs from the connection opening
    bool m_processQueued = false;
    QTimer m_deadline;
};

} // namespace inkstream::core
