#pragma once

class QTcpSocket;

namespace inkstream::core {

class HttpRequest;

// What an HttpConnection hands its requests to (the publisher). Every request is decided on
// from its head first; only a request the handler accepts has its body read.
class HttpRequestHandler
{
public:
    enum class HeadVerdict {
        ReadBody, // read the body within the limits, then handleRequest()
        Answered, // the handler answered (a refusal): the body is never read
        Upgrade, // a WebSocket handshake: the handler took the connection over
    };

    virtual ~HttpRequestHandler() = default;
    virtual HeadVerdict handleHead(const HttpRequest &request, QTcpSocket *socket) = 0;
    // The request with its body; the handler answers through HttpConnection::sendAnswer() (or
    // deferAnswer() and answerReady()).
    virtual void handleRequest(const HttpRequest &request, QTcpSocket *socket) = 0;
    // The connection refused something itself (framing, sizes, timeouts) with `status`.
    virtual void connectionRefused(int status) = 0;
};

} // namespace inkstream::core
