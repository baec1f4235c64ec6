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

// One client connection of the publisher, request after request under one policy: every head
// must arrive within the request timeout and fit the head limit, is decided on by the handler
// before its body is read, and bodies are read only up to the limit; a kept-alive connection
// that idles too long is closed, and every refusal answers and then closes without reading
// the rest. Answers go out in request order; while one waits for the session log (a deferred
// acknowledgment), pipelined requests of the same method and path are handled ahead of it, so
// one log sync acknowledges them all. Lives as a child of its socket.
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(QTcpSocket *socket, const HttpLimits &limits, HttpRequestHandler *handler);

    // The connection of a socket the publisher accepted (nullptr for any other socket).
    static HttpConnection *of(QTcpSocket *socket);

    // A whole answer from the handler, written now or (behind deferred answers) in its turn;
    // `close`: the connection ends after it.
    void sendAnswer(const QByteArray &bytes, bool close);
    // The handler answers the current request later (answerReady with the ticket returned).
    quint64 deferAnswer();
    void answerReady(quint64 ticket, const QByteArray &bytes, bool close);
    // The handler wrote its answer to the socket itself (a relayed stream): on to the next
    // request, or the end. Such a request never goes ahead of deferred answers (mayGoAhead).
    void answerWritten(bool close) { answered(close); }
    // The response goes on (an event stream): nothing more is read as a request.
    void streamStarted();

Q_SIGNALS:
    // A connection closed for sending its request too slowly (or not at all).
    void timedOut();

private:
    enum class State { AwaitingHead, ReadingBody, AwaitingResponse, Streaming, Closing };
    struct Answer
    {
        quint64 ticket = 0; // 0: not deferred
        QByteArray bytes;
        bool ready = false;
        bool close = false;
    };

    void processInput();
    void scheduleProcessInput();
    // The current request is answered (or its answer queued): on to the next one.
    void answered(bool close);
    // Whether a complete pipelined head may be handled before the answers queued ahead of it.
    bool mayGoAhead(const HttpRequest &request) const;
    void writeReadyAnswers();
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
    State m_state = State::AwaitingHead;
    HttpRequest m_request;
    QByteArray m_body;
    std::optional<ChunkedBodyDecoder> m_chunked;
    bool m_bodyPending = false; // the head framed a body that has not been read
    bool m_headStarted = true; // the first request's clock runs from the connection opening
    bool m_processQueued = false;
    QList<Answer> m_answers; // in request order, from the first one not yet written
    quint64 m_lastTicket = 0;
    QByteArray m_aheadMethod; // what may be handled ahead of deferred answers
    QString m_aheadPath;
    bool m_closeWhenAnswered = false; // an answer queued behind others ends the connection
    QTimer m_deadline;
};

} // namespace inkstream::core
