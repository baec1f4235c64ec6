#pragma once

#include "core/client/connectionstate.h"
#include "core/client/reconnectpolicy.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace inkstream::core {

class SseParser;

// Follows one Server-Sent Events URL over QNetworkAccessManager (HTTP/1.1, no transfer
// timeout). Bytes go to the SSE parser on every readyRead, so events arrive while the response
// is still open. A dropped stream is re-opened after the ReconnectPolicy's backoff with
// Last-Event-ID; HTTP 204 stops for good (WHATWG); 401/403/404, other 4xx and a Content-Type
// other than text/event-stream are fatal (state Error, errorString() says why); 5xx, 408, 429
// and network errors retry. A stream that goes silent for longer than the heartbeat timeout
// counts as dropped.
class SseClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SseClient)

public:
    explicit SseClient(QObject *parent = nullptr);
    ~SseClient() override;

    // Starts following `url` (http or https), dropping any current connection. Keeps the last
    // event id; call setLastEventId({}) first for a fresh start.
    void open(const QUrl &url);
    // Closes the stream: state Disconnected, no reconnection.
    void close();
    // Manual reconnect: aborts any connection or pending retry and connects at once with a
    // fresh backoff. Also leaves Error and Disconnected. Needs a URL from open().
    void reconnectNow();

    QUrl url() const { return m_url; }
    ConnectionState state() const { return m_state; }
    QString errorString() const { return m_errorString; }

    void setReconnectPolicy(const ReconnectPolicy &policy) { m_policy = policy; }
    const ReconnectPolicy &reconnectPolicy() const { return m_policy; }
    // No bytes (events or keep-alive comments) for this long means the connection is dead:
    // it is aborted and re-opened. 0 disables. Default 45 s (1.5 x the publisher's keep-alive).
    void setHeartbeatTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds heartbeatTimeout() const { return m_heartbeatTimeout; }

    // The id sent as Last-Event-ID on the next connection. Every dispatched event updates it
    // (WHATWG); a consumer that tracks what it applied may set its own. Ids with CR, LF or NUL
    // are refused (false).
    bool setLastEventId(const QByteArray &id);
    QByteArray lastEventId() const { return m_lastEventId; }
    // The server's last `retry:` value, if it sent one.
    std::optional<std::chrono::milliseconds> serverRetry() const { return m_serverRetry; }

    int reconnects() const { return m_reconnects; } // successful re-connections since open()
    int attempt() const { return m_attempt; } // consecutive failed attempts
    std::chrono::milliseconds retryDelay() const { return m_retryDelay; } // while Retrying
    qint64 bytesReceived() const { return m_bytesReceived; }
    // A single event larger than this is dropped (eventDropped). Default 1 MiB.
    void setMaxEventSize(qsizetype bytes);
    qsizetype maxEventSize() const;
    int httpStatus() const { return m_httpStatus; } // of the last response, 0 before any
    // The most the parser held between reads (partial line and event) since open().
    qsizetype peakBufferedBytes() const { return m_peakBufferedBytes; }

Q_SIGNALS:
    void stateChanged(inkstream::core::ConnectionState state);
    // One dispatched event, UTF-8 as on the wire; `type` is "message" when the event had no
    // `event:` field. `lastEventId` is the id in force for it.
    void eventReceived(const QByteArray &type, const QByteArray &data,
                       const QByteArray &lastEventId);
    // The parser dropped an event (larger than maxEventSize()); the stream goes on.
    void eventDropped(const QString &reason);
    // The connection dropped or failed in a way that is retried.
    void retryScheduled(int attempt, std::chrono::milliseconds delay, const QString &reason);
    // The client stopped for good (state Error); `message` is errorString().
    void errorOccurred(const QString &message);

private:
    struct PendingEvent
    {
        QByteArray type;
        QByteArray data;
        QByteArray lastEventId;
    };

    void connectNow();
    void dropReply();
    void onMetaDataChanged();
    void onReadyRead();
    void onFinished();
    void onHeartbeatTimeout();
    void deliverPending(const QByteArray &idBefore);
    void scheduleRetry(const QString &reason);
    void fail(const QString &reason);
    void setState(ConnectionState state);
    QString statusText(const QString &prefix) const;

    QNetworkAccessManager *m_manager = nullptr;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<SseParser> m_parser;
    QList<PendingEvent> m_pending; // dispatched by the parser during one feed
    QStringList m_pendingDrops; // events the parser dropped during one feed (oversized)
    quint64 m_generation = 0; // bumps whenever the connection is replaced or closed

    QUrl m_url;
    ConnectionState m_state = ConnectionState::Idle;
    QString m_errorString;
    ReconnectPolicy m_policy;
    std::chrono::milliseconds m_heartbeatTimeout {45000};
    QTimer m_retryTimer;
    QTimer m_heartbeatTimer;

    QByteArray m_lastEventId;
    std::optional<std::chrono::milliseconds> m_serverRetry;
    int m_reconnects = 0;
    int m_attempt = 0;
    bool m_everConnected = false; // since open()
    std::chrono::milliseconds m_retryDelay {0};
    qint64 m_bytesReceived = 0;
    qsizetype m_peakBufferedBytes = 0;

    // The current response.
    int m_httpStatus = 0;
    bool m_streamAccepted = false; // 200 with text/event-stream
    QByteArray m_errorBody; // start of a non-200 body, for the error message
    QString m_networkError;
};

} // namespace inkstream::core
