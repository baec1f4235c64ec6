#include "core/server/httpconnection.h"

#include "core/server/httprequesthandler.h"
#include "core/server/httprequestparser.h"
#include "core/server/httpresponse.h"
#include "core/server/serverlog.h"

#include <QTcpSocket>
#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace inkstream::core {

namespace {
const char *const kObjectName = "inkstream-http-connection";
// Pipelined requests handled ahead of their answers, at most: the rest wait in the (bounded)
// socket buffer, so a client cannot queue unbounded work.
constexpr qsizetype kMaxAnswersAhead = 256;
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpLimits &limits,
                               HttpRequestHandler *handler)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_handler(handler)
{
    setObjectName(QLatin1String(kObjectName));
    // Qt reads no further ahead than this: TCP pushes back on a client that sends faster
    // than its requests are handled.
    m_socket->setReadBufferSize(m_limits.readBufferBytes);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &HttpConnection::onDeadline);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::processInput);
    startDeadline(m_limits.requestTimeout);
}

HttpConnection *HttpConnection::of(QTcpSocket *socket)
{
    return socket ? socket->findChild<HttpConnection *>(QLatin1String(kObjectName),
                                                        Qt::FindDirectChildrenOnly)
                  : nullptr;
}

void HttpConnection::startDeadline(std::chrono::milliseconds timeout)
{
    if (timeout.count() > 0)
        m_deadline.start(timeout);
    else
        m_deadline.stop();
}

void HttpConnection::processInput()
{
    m_processQueued = false;
    switch (m_state) {
    case State::AwaitingHead:
        readHead();
        break;
    case State::ReadingBody:
        readBody();
        break;
    case State::AwaitingResponse:
        break; // pipelined bytes wait in the (bounded) socket buffer
    case State::Streaming:
    case State::Closing:
        m_socket->skip(m_socket->bytesAvailable()); // nothing more is asked of a stream
        break;
    }
}

void HttpConnection::readHead()
{
    if (m_socket->bytesAvailable() == 0)
        return;
    if (!m_headStarted) {
        // The first byte of a new request on a kept-alive connection: its head's clock starts.
        m_headStarted = true;
        startDeadline(m_limits.requestTimeout);
    }
    const QByteArray received = m_socket->peek(m_limits.maxHeadBytes + 1);
    const HttpRequestParser::Result parsed = HttpRequestParser::parseHead(
        received, &m_request, {m_limits.maxHeadBytes, m_limits.maxHeaders});
    switch (parsed.status) {
    case HttpRequestParser::Status::Incomplete:
        return;
    case HttpRequestParser::Status::Invalid:
        refuse(parsed.httpStatus, QStringLiteral("bad request"), parsed.reason);
        return;
    case HttpRequestParser::Status::Complete:
        break;
    }
    m_deadline.stop();
    if (!m_answers.isEmpty() && !mayGoAhead(m_request)) {
        // It waits, unread, until every answer before it is written (writeReadyAnswers).
        m_request = HttpRequest();
        return;
    }
    m_request.setRemoteAddress(m_socket->peerAddress());
    if (m_request.isWebSocketUpgrade()) {
        m_state = State::AwaitingResponse;
        m_socket->skip(parsed.headBytes);
        // Upgrade: the handler took the connection over (this connection goes with its
        // socket); otherwise it answered.
        m_handler->handleHead(m_request, m_socket);
        return;
    }
    m_socket->skip(parsed.headBytes);

    const QByteArray expectation = m_request.value("expect");
    if (!expectation.isEmpty() && expectation.compare("100-continue", Qt::CaseInsensitive) != 0) {
        refuse(417, QStringLiteral("expectation failed"),
               QStringLiteral("only Expect: 100-continue is understood"));
        return;
    }
    m_state = State::AwaitingResponse;
    if (m_request.bodyFraming() == HttpRequest::BodyFraming::Chunked)
        m_chunked.emplace(m_limits.maxBodyBytes);
    else
        m_chunked.reset();
    m_body.clear();
    m_bodyPending = m_request.bodyFraming() != HttpRequest::BodyFraming::None;
    switch (m_handler->handleHead(m_request, m_socket)) {
    case HttpRequestHandler::HeadVerdict::Answered:
    case HttpRequestHandler::HeadVerdict::Upgrade: // not an upgrade: refused by sendAnswer()
        return;
    case HttpRequestHandler::HeadVerdict::ReadBody:
        break;
    }
    if (m_request.bodyFraming() == HttpRequest::BodyFraming::None) {
        bodyComplete();
        return;
    }
    if (!expectation.isEmpty() && m_request.minorVersion() >= 1)
        m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    m_state = State::ReadingBody;
    startDeadline(m_limits.requestTimeout);
    readBody();
}

void HttpConnection::readBody()
{
    if (m_socket->bytesAvailable() == 0)
        return;
    startDeadline(m_limits.requestTimeout); // the body is arriving: its clock starts over
    if (!m_chunked) {
        const qint64 wanted = m_request.contentLength() - m_body.size();
        m_body.append(m_socket->read(qMin(wanted, m_socket->bytesAvailable())));
        if (m_body.size() == m_request.contentLength())
            bodyComplete();
        return;
    }
    // Peeked, not read: what follows the last chunk belongs to the next request.
    const QByteArray received = m_socket->peek(m_socket->bytesAvailable());
    qsizetype consumed = 0;
    const ChunkedBodyDecoder::Status status = m_chunked->feed(received, &m_body, &consumed);
    m_socket->skip(consumed);
    switch (status) {
    case ChunkedBodyDecoder::Status::NeedMore:
        return;
    case ChunkedBodyDecoder::Status::Done:
        bodyComplete();
        return;
    case ChunkedBodyDecoder::Status::TooLarge:
        refuse(413, QStringLiteral("request body too large"), m_chunked->reason());
        return;
    case ChunkedBodyDecoder::Status::Invalid:
        refuse(400, QStringLiteral("bad request"), m_chunked->reason());
        return;
    }
}

void HttpConnection::bodyComplete()
{
    m_deadline.stop();
    m_state = State::AwaitingResponse;
    m_bodyPending = false;
    m_request.setBody(m_body);
    m_body.clear();
    m_chunked.reset();
    m_handler->handleRequest(m_request, m_socket);
}

void HttpConnection::scheduleProcessInput()
{
    if (m_processQueued)
        return;
    // Handled on the next turn, not inside the call that answered the last request.
    m_processQueued = true;
    QMetaObject::invokeMethod(this, &HttpConnection::processInput, Qt::QueuedConnection);
}

void HttpConnection::sendAnswer(const QByteArray &bytes, bool close)
{
    if (m_answers.isEmpty() || m_state == State::Closing || m_state == State::Streaming) {
        m_socket->write(bytes);
        answered(close);
        return;
    }
    m_answers.append(Answer {0, bytes, true, close});
    answered(close);
}

quint64 HttpConnection::deferAnswer()
{
    const quint64 ticket = ++m_lastTicket;
    m_answers.append(Answer {ticket, {}, false, false});
    m_aheadMethod = m_request.methodName();
    m_aheadPath = m_request.url().path();
    answered(false);
    return ticket;
}

void HttpConnection::answerReady(quint64 ticket, const QByteArray &bytes, bool close)
{
    for (Answer &answer : m_answers) {
        if (answer.ticket == ticket) {
            answer.bytes = bytes;
            answer.ready = true;
            answer.close = close;
            break;
        }
    }
    writeReadyAnswers();
}

void HttpConnection::writeReadyAnswers()
{
    while (!m_answers.isEmpty() && m_answers.constFirst().ready) {
        const Answer answer = m_answers.takeFirst();
        if (m_state == State::Closing)
            continue;
        if (m_socket->state() == QAbstractSocket::ConnectedState)
            m_socket->write(answer.bytes);
        if (answer.close) {
            m_answers.clear();
            closeGracefully();
            return;
        }
    }
    if (!m_answers.isEmpty() || m_state == State::Closing)
        return;
    if (m_closeWhenAnswered) {
        closeGracefully();
        return;
    }
    if (m_state == State::AwaitingResponse) {
        // It stopped reading when too many answers were ahead.
        answered(false);
        return;
    }
    if (m_state == State::AwaitingHead) {
        if (!m_headStarted)
            startDeadline(m_limits.idleTimeout);
        if (m_socket->bytesAvailable() > 0)
            scheduleProcessInput(); // a request that waited for the answers before it
    }
}

bool HttpConnection::mayGoAhead(const HttpRequest &request) const
{
    // Only more of what is already waiting: the same handler, which answers through this
    // connection (never a stream or an upgrade, which write to the socket themselves).
    return request.methodName() == m_aheadMethod && request.url().path() == m_aheadPath
        && !request.isWebSocketUpgrade() && request.value("expect").isEmpty();
}

void HttpConnection::answered(bool close)
{
    if (m_state == State::Closing || m_state == State::Streaming)
        return;
    // A refusal made on the head leaves the body unread: the connection cannot carry on.
    if (close || m_bodyPending || !m_request.keepsAlive() || m_request.isWebSocketUpgrade()) {
        if (m_answers.isEmpty()) {
            closeGracefully();
        } else {
            m_closeWhenAnswered = true; // after the answers before it
            m_state = State::AwaitingResponse;
        }
        return;
    }
    if (m_answers.size() >= kMaxAnswersAhead) {
        m_state = State::AwaitingResponse; // writeReadyAnswers() goes on
        return;
    }
    m_state = State::AwaitingHead;
    m_request = HttpRequest();
    m_headStarted = false;
    if (m_answers.isEmpty())
        startDeadline(m_limits.idleTimeout);
    if (m_socket->bytesAvailable() > 0)
        scheduleProcessInput(); // a pipelined request
}

void HttpConnection::streamStarted()
{
    m_deadline.stop();
    m_state = State::Streaming;
    m_socket->setReadBufferSize(0);
    m_socket->skip(m_socket->bytesAvailable());
}

void HttpConnection::refuse(int status, const QString &error, const QString &detail)
{
    qCInfo(lcServer, "refusing a request from %s port %u: %d %s",
           qPrintable(m_socket->peerAddress().toString()), unsigned(m_socket->peerPort()), status,
           qPrintable(detail));
    m_handler->connectionRefused(status);
    if (!m_answers.isEmpty()) {
        // After the answers of the requests before it.
        m_deadline.stop();
        m_state = State::AwaitingResponse;
        m_answers.append(Answer {0, HttpResponse::closingError(status, error, detail), true, true});
        writeReadyAnswers();
        return;
    }
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(HttpResponse::closingError(status, error, detail));
    closeGracefully();
}

void HttpConnection::closeGracefully()
{
    m_state = State::Closing;
    m_chunked.reset();
    m_body.clear();
    // Reading on (and dropping) lets the client see the answer: closing with unread data
    // would make the kernel send a reset, which can destroy the answer in flight.
    m_socket->setReadBufferSize(m_limits.readBufferBytes);
    m_socket->skip(m_socket->bytesAvailable());
    startDeadline(m_limits.lingerTime.count() > 0 ? m_limits.lingerTime
                                                  : std::chrono::milliseconds(1));
    if (m_socket->bytesToWrite() > 0)
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
            if (m_socket->bytesToWrite() == 0)
                shutdownWrite();
        });
    else
        shutdownWrite();
}

void HttpConnection::shutdownWrite()
{
#ifdef Q_OS_UNIX
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
#else
    m_socket->disconnectFromHost();
#endif
}

void HttpConnection::onDeadline()
{
    switch (m_state) {
    case State::AwaitingHead:
        if (!m_answers.isEmpty() && !m_headStarted)
            return; // answers are still to come: not idle
        if (m_socket->bytesAvailable() == 0 && !m_headStarted) {
            qCDebug(lcServer, "closing an idle connection from %s",
                    qPrintable(m_socket->peerAddress().toString()));
            m_socket->abort();
            return;
        }
        Q_EMIT timedOut();
        if (m_socket->bytesAvailable() == 0) {
            // Nothing asked at all: nothing to answer.
            qCInfo(lcServer, "closing a connection from %s port %u: no request within %lld ms",
                   qPrintable(m_socket->peerAddress().toString()), unsigned(m_socket->peerPort()),
                   qlonglong(m_limits.requestTimeout.count()));
            m_socket->abort();
            return;
        }
        refuse(408, QStringLiteral("request timeout"),
               QStringLiteral("the request head did not arrive within %1 ms")
                   .arg(m_limits.requestTimeout.count()));
        return;
    case State::ReadingBody:
        Q_EMIT timedOut();
        refuse(408, QStringLiteral("request timeout"),
               QStringLiteral("the request body stalled for %1 ms")
                   .arg(m_limits.requestTimeout.count()));
        return;
    case State::Closing:
        m_socket->abort();
        return;
    case State::AwaitingResponse:
    case State::Streaming:
        return;
    }
}

} // namespace inkstream::core
