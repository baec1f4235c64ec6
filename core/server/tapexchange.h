#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <memory>
#include <utility>

class QTcpSocket;

namespace inkstream::core {

class HttpRequest;
class ServerMetrics;
class TapReplyPublisher;
class UpstreamConnections;
class UpstreamRequest;

// One request passing through the tap: sends it to the upstream and streams the upstream's
// answer back to the caller as it arrives — its status, headers and body bytes unchanged, only
// re-framed for the caller's connection (chunked when the upstream gave no length) — while a
// TapReplyPublisher (when the request is a chat one) reads the same bytes into the session.
// A caller that goes away cancels the upstream request; an upstream that breaks off mid-reply
// cuts the caller's connection the same way. Deletes itself when done.
class TapExchange final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TapExchange)

public:
    using Headers = QList<std::pair<QByteArray, QByteArray>>;
    // What the tap holds for a caller that reads slower than the upstream writes: beyond it,
    // the upstream is read no further until the caller has taken some (TCP then slows the
    // upstream down), so a slow caller never makes the tap buffer a whole reply.
    static constexpr qint64 kMaxPendingBytes = 1024 * 1024;

    // `publisher` may be null (forwarded unpublished). `headers`: what goes to the upstream.
    TapExchange(const HttpRequest &request, QTcpSocket *caller, const QUrl &upstreamUrl,
                Headers headers, std::unique_ptr<TapReplyPublisher> publisher,
                ServerMetrics *metrics, QObject *parent);
    ~TapExchange() override;

    void start(UpstreamConnections *connections);
    TapReplyPublisher *publisher() const { return m_publisher.get(); }

Q_SIGNALS:
    // The exchange is over (the caller has its answer, or is gone); the publisher says how the
    // reply ended. Emitted once, just before the exchange deletes itself.
    void finished(inkstream::core::TapExchange *exchange);

private:
    // `drain`: everything the upstream sent is read, however much the caller has not taken yet
    // (its answer is over).
    void onReadyRead(bool drain = false);
    void onUpstreamFinished();
    void onCallerGone();
    void writeHead();
    void writeBody(const QByteArray &bytes);
    // The upstream cannot be reached (no answer at all): 502 for the caller.
    void answerBadGateway(const QString &reason);
    enum class Ending { Complete, Cut, CallerGone };
    void end(Ending ending);

    QPointer<QTcpSocket> m_caller;
    QUrl m_upstreamUrl;
    QByteArray m_method;
    QByteArray m_body;
    Headers m_headers;
    QString m_route;
    bool m_callerKeepsAlive = true;
    bool m_callerHttp11 = true;
    std::unique_ptr<TapReplyPublisher> m_publisher;
    ServerMetrics *m_metrics;
    QPointer<UpstreamRequest> m_upstream;
    bool m_headWritten = false;
    bool m_chunked = false; // the caller's body is framed in chunks
    bool m_noBody = false; // HEAD, 204, 304
    bool m_closeAfter = false;
    bool m_done = false;
    bool m_reading = false; // inside onReadyRead()
};

} // namespace inkstream::core
