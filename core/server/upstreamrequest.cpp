#include "core/server/upstreamrequest.h"

#include "core/server/serverlog.h"
#include "core/server/upstreamconnections.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <limits>

namespace inkstream::core {

namespace {

constexpr qint64 kReadPiece = 64 * 1024;

} // namespace

UpstreamRequest::UpstreamRequest(UpstreamConnections *connections, QObject *parent)
    : QObject(parent)
    , m_connections(connections)
    , m_chunks(std::numeric_limits<qint64>::max())
{ }

UpstreamRequest::~UpstreamRequest()
{
    abort();
}

void UpstreamRequest::start(const QByteArray &method, const QUrl &url, const Headers &headers,
                            const QByteArray &body)
{
    m_method = method;
    m_url = url;
    QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    m_requestBytes = method + ' ' + target + " HTTP/1.1\r\nHost: "
        + url.authority(QUrl::RemoveUserInfo | QUrl::FullyEncoded).toUtf8() + "\r\n";
    for (const auto &[name, value] : headers)
        m_requestBytes += name + ": " + value + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH")
        m_requestBytes += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    m_requestBytes += "\r\n" + body;
    m_running = true;
    connectToUpstream();
}

void UpstreamRequest::connectToUpstream()
{
    m_socket = m_connections->take(m_url, &m_reused);
    m_socket->setReadBufferSize(kMaxBufferedBytes);
    connect(m_socket, &QTcpSocket::readyRead, this, &UpstreamRequest::pump);
    connect(m_socket, &QTcpSocket::disconnected, this, &UpstreamRequest::onConnectionClosed);
    connect(m_socket, &QTcpSocket::errorOccurred, this,
            [this](QAbstractSocket::SocketError) { onConnectionClosed(); });
    if (m_reused) {
        sendRequest();
    } else if (auto *tls = qobject_cast<QSslSocket *>(m_socket.data())) {
        connect(tls, &QSslSocket::encrypted, this, &UpstreamRequest::sendRequest);
    } else {
        connect(m_socket, &QTcpSocket::connected, this, &UpstreamRequest::sendRequest);
    }
}

void UpstreamRequest::sendRequest()
{
    // Every token counts: the upstream's pieces and ours go out as they are written.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->write(m_requestBytes);
    // Now, not when the event loop next looks: the caller publishes the prompt meanwhile.
    m_socket->flush();
}

void UpstreamRequest::abort()
{
    m_running = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

QByteArray UpstreamRequest::readAll()
{
    QByteArray bytes = std::exchange(m_body, QByteArray());
    // The buffer was full: the connection may hold more, which no readyRead will announce.
    if (m_running && !m_pumpQueued && m_socket && (m_socket->bytesAvailable() > 0 || m_closed)) {
        m_pumpQueued = true;
        QMetaObject::invokeMethod(this, &UpstreamRequest::pump, Qt::QueuedConnection);
    }
    return bytes;
}

bool UpstreamRequest::hasPendingBody() const
{
    return !m_body.isEmpty() || (m_socket && m_socket->bytesAvailable() > 0);
}

void UpstreamRequest::pump()
{
    m_pumpQueued = false;
    if (!m_running || !m_socket)
        return;
    const QPointer<UpstreamRequest> alive(this);
    if (!m_head) {
        if (!readHead())
            return;
        Q_EMIT headReceived();
        if (!alive || !m_running)
            return;
    }
    const qsizetype before = m_body.size();
    readBody();
    if (!m_running)
        return;
    if (m_body.size() > before) {
        Q_EMIT readyRead();
        if (!alive || !m_running)
            return;
    }
    const bool endedByClose = m_head->framing == HttpResponseParser::Framing::UntilClose && m_closed
        && m_raw.isEmpty() && m_socket->bytesAvailable() == 0;
    if (m_bodyComplete || endedByClose)
        complete();
    else if (m_closed && m_socket->bytesAvailable() == 0 && m_body.size() < kMaxBufferedBytes)
        fail(Failure::Cut, m_socket->errorString());
}

bool UpstreamRequest::readHead()
{
    for (;;) {
        m_raw += readSome(HttpResponseParser::kMaxHeadBytes + 1 - m_raw.size());
        HttpResponseParser::Head head;
        const HttpResponseParser::Result result
            = HttpResponseParser::parseHead(m_raw, m_method, &head);
        if (result.status == HttpResponseParser::Status::Incomplete) {
            if (m_closed && m_socket->bytesAvailable() == 0)
                endWithoutAnswer();
            return false;
        }
        if (result.status == HttpResponseParser::Status::Invalid) {
            fail(Failure::NoAnswer,
                 QStringLiteral("the upstream's answer is not HTTP/1.x: %1").arg(result.reason));
            return false;
        }
        m_raw.remove(0, result.headBytes);
        // An interim answer (100 Continue, 103 Early Hints) comes before the real one.
        if (head.status >= 100 && head.status < 200 && head.status != 101)
            continue;
        m_lengthLeft = head.contentLength;
        m_bodyComplete = head.framing == HttpResponseParser::Framing::None
            || (head.framing == HttpResponseParser::Framing::Length && m_lengthLeft == 0);
        m_head = std::move(head);
        return true;
    }
}

void UpstreamRequest::readBody()
{
    while (!m_bodyComplete && m_body.size() < kMaxBufferedBytes) {
        if (m_raw.isEmpty() || m_needMore) {
            const QByteArray more = readSome(kReadPiece);
            if (more.isEmpty())
                return;
            m_raw += more;
            m_needMore = false;
        }
        decodeRaw();
        if (!m_running)
            return;
    }
}

void UpstreamRequest::decodeRaw()
{
    switch (m_head->framing) {
    case HttpResponseParser::Framing::None:
        m_bodyComplete = true;
        return;
    case HttpResponseParser::Framing::Length: {
        const qsizetype take = qsizetype(qMin<qint64>(m_lengthLeft, m_raw.size()));
        m_body += QByteArrayView(m_raw).first(take);
        m_raw.remove(0, take);
        m_lengthLeft -= take;
        m_bodyComplete = m_lengthLeft == 0;
        return;
    }
    case HttpResponseParser::Framing::UntilClose:
        m_body += m_raw;
        m_raw.clear();
        return;
    case HttpResponseParser::Framing::Chunked: {
        qsizetype consumed = 0;
        const ChunkedBodyDecoder::Status status = m_chunks.feed(m_raw, &m_body, &consumed);
        m_raw.remove(0, consumed);
        if (status == ChunkedBodyDecoder::Status::Done)
            m_bodyComplete = true;
        else if (status == ChunkedBodyDecoder::Status::NeedMore)
            m_needMore = !m_raw.isEmpty();
        else
            fail(Failure::Cut,
                 QStringLiteral("the upstream's chunked body is malformed: %1")
                     .arg(m_chunks.reason()));
        return;
    }
    }
}

void UpstreamRequest::onConnectionClosed()
{
    if (!m_running || !m_socket || m_closed)
        return;
    m_closed = true;
    pump(); // what arrived before the end, and then whether the end was the answer's
}

void UpstreamRequest::endWithoutAnswer()
{
    if (m_reused && m_raw.isEmpty()) {
        // A kept-alive connection its server closed as the request went out: the request was
        // not answered, so it goes again on another connection.
        qCDebug(lcServer, "tap: the upstream closed a kept-alive connection; sending again");
        m_socket->disconnect(this);
        m_socket->deleteLater();
        m_socket = nullptr;
        m_closed = false;
        connectToUpstream();
        return;
    }
    fail(Failure::NoAnswer,
         m_raw.isEmpty() ? m_socket->errorString()
                         : QStringLiteral("the upstream closed the connection in the middle of "
                                          "the answer's head"));
}

QByteArray UpstreamRequest::readSome(qint64 maxBytes)
{
    // A connection that never opened has nothing to read (and says so on stderr if asked).
    if (!m_socket->isReadable() || maxBytes <= 0)
        return {};
    return m_socket->read(maxBytes);
}

void UpstreamRequest::fail(Failure failure, const QString &reason)
{
    m_failure = failure;
    m_errorString = reason;
    releaseConnection(false);
    Q_EMIT finished();
}

void UpstreamRequest::complete()
{
    const bool reuse = m_head->keepAlive && m_head->status >= 200
        && m_head->framing != HttpResponseParser::Framing::UntilClose && m_raw.isEmpty()
        && !m_closed && m_socket->bytesAvailable() == 0;
    releaseConnection(reuse);
    Q_EMIT finished();
}

void UpstreamRequest::releaseConnection(bool reuse)
{
    m_running = false;
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    if (reuse) {
        m_connections->giveBack(m_url, m_socket);
    } else {
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = nullptr;
}

} // namespace inkstream::core
