#pragma once

#include "core/server/chunkedbodydecoder.h"
#include "core/server/httpresponseparser.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <optional>
#include <utility>

class QTcpSocket;

namespace inkstream::core {

class UpstreamConnections;

// One HTTP/1.1 request to an upstream server, on a connection of UpstreamConnections, in the
// thread that made it: the request goes out as soon as the connection is up, the answer's head
// is parsed, and its body is handed on decoded (chunks, length or until the close) as each
// piece arrives — no thread between the upstream's bytes and the caller's. At most
// kMaxBufferedBytes of body wait for readAll(); beyond that the connection is read no further,
// so a slow reader slows the upstream down through TCP. A kept-alive connection that its server
// closed before answering is retried once on another.
class UpstreamRequest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamRequest)

public:
    using Headers = QList<std::pair<QByteArray, QByteArray>>;
    // How the request went wrong: no answer at all (unreachable, refused, closed or not HTTP),
    // or an answer that broke off before its end.
    enum class Failure { None, NoAnswer, Cut };
    static constexpr qint64 kMaxBufferedBytes = 1024 * 1024;

    UpstreamRequest(UpstreamConnections *connections, QObject *parent = nullptr);
    // Abandons a request still running: its connection is closed, which the server sees.
    ~UpstreamRequest() override;

    // `headers`: sent as given, after Host; Content-Length is added for a body.
    void start(const QByteArray &method, const QUrl &url, const Headers &headers,
               const QByteArray &body);
    void abort();

    bool isRunning() const { return m_running; }
    bool hasHead() const { return m_head.has_value(); }
    const HttpResponseParser::Head &head() const { return *m_head; }
    // The body bytes decoded since the last call.
    QByteArray readAll();
    // Body bytes are waiting, here or on the connection.
    bool hasPendingBody() const;
    Failure failure() const { return m_failure; }
    QString errorString() const { return m_errorString; }

Q_SIGNALS:
    void headReceived();
    void readyRead();
    // The answer is complete, or failed (failure() says how). Emitted once, after the last
    // readyRead; what readAll() still holds stays readable.
    void finished();

private:
    void connectToUpstream();
    void sendRequest();
    void pump();
    bool readHead();
    // Decodes what the connection holds into m_body, up to the buffer's limit.
    void readBody();
    void decodeRaw();
    void onConnectionClosed();
    // The connection ended before a whole head arrived: sent again, or failed.
    void endWithoutAnswer();
    QByteArray readSome(qint64 maxBytes);
    void fail(Failure failure, const QString &reason);
    void complete();
    void releaseConnection(bool reuse);

    UpstreamConnections *m_connections;
    QPointer<QTcpSocket> m_socket;
    bool m_reused = false;
    bool m_running = false;
    bool m_closed = false; // the connection ended (the server closed it, or it failed)
    bool m_bodyComplete = false;
    bool m_needMore = false; // m_raw ends in an incomplete chunk line
    bool m_pumpQueued = false;
    QByteArray m_method;
    QUrl m_url;
    QByteArray m_requestBytes;
    QByteArray m_raw; // received, not parsed yet
    QByteArray m_body; // decoded, not read yet
    std::optional<HttpResponseParser::Head> m_head;
    qint64 m_lengthLeft = 0;
    ChunkedBodyDecoder m_chunks;
    Failure m_failure = Failure::None;
    QString m_errorString;
};

} // namespace inkstream::core
