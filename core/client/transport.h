#pragma once

#include "core/client/connectionstate.h"
#include "core/client/reconnectpolicy.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <optional>

namespace inkstream::core {

// One way of following a stream: SSE (SseClient), WebSocket (WebSocketTransport) or polling
// the snapshot endpoint (PollingTransport). The base owns what they share: the connection
// state machine, reconnection with the ReconnectPolicy's backoff (the server's `retry:` as
// base when it sent one), the heartbeat watchdog and the last event id. A connection counts as
// a failed attempt until it delivers something of the stream (an event; a snapshot when
// polling): a server that accepts and closes at once, or sends nothing but `retry:`, cannot
// reset the backoff or escape maxAttempts. A subclass opens and drops its connections and
// reports what happened through the protected calls; events leave as raw (type, data, id) for
// EventCodec::decode(), type empty for self-describing JSON.
class Transport : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Transport)

public:
    enum class Kind { Sse, WebSocket, Polling, SocketIo };

    explicit Transport(QObject *parent = nullptr);
    ~Transport() override;

    virtual Kind kind() const = 0;
    // "sse", "ws", "poll", "socketio".
    static QString kindText(Kind kind);

    // Starts following `url` (this transport's endpoint), dropping any current connection.
    // Keeps the last event id; call setLastEventId({}) first for a fresh start.
    void open(const QUrl &url);
    // Closes: state Disconnected, no reconnection.
    void close();
    // Manual reconnect with a fresh backoff; also leaves Error and Disconnected.
    void reconnectNow();
    // Drops the connection and opens a new one after the policy's delay, as after a failure;
    // for what the stream itself asks (a new history, too much held during a re-sync), which
    // a hostile server could otherwise ask for on every connection.
    void reconnectSoon(const QString &reason);

    QUrl url() const { return m_url; }
    ConnectionState state() const { return m_state; }
    QString errorString() const { return m_errorString; }

    void setReconnectPolicy(const ReconnectPolicy &policy) { m_policy = policy; }
    const ReconnectPolicy &reconnectPolicy() const { return m_policy; }
    // No bytes for this long means the connection is dead: it is aborted and re-opened.
    // 0 disables. Default 45 s (1.5 x the publisher's keep-alive).
    void setHeartbeatTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds heartbeatTimeout() const { return m_heartbeatTimeout; }
    // A single event larger than this is dropped (eventDropped). Default 1 MiB.
    virtual void setMaxEventSize(qsizetype bytes);
    qsizetype maxEventSize() const { return m_maxEventSize; }

    // The position to resume after (SSE Last-Event-ID, WebSocket lastEventId). Ids with CR,
    // LF or NUL are refused (false).
    bool setLastEventId(const QByteArray &id);
    QByteArray lastEventId() const { return m_lastEventId; }
    // The server's last `retry:` value, if it sent one.
    std::optional<std::chrono::milliseconds> serverRetry() const { return m_serverRetry; }

    int reconnects() const { return m_reconnects; } // successful re-connections since open()
    // Consecutive failed attempts; a connection that delivered nothing yet is one of them.
    int attempt() const { return m_attempt; }
    std::chrono::milliseconds retryDelay() const { return m_retryDelay; } // while Retrying
    bool everConnected() const { return m_everConnected; } // since open()
    // The server itself turned the session down (401/403/404): another transport won't help.
    bool wasRefused() const { return m_refused; }

Q_SIGNALS:
    void stateChanged(inkstream::core::ConnectionState state);
    // One event as on the wire; `type` is "message" for an SSE event without `event:`, empty
    // for a self-describing JSON message. `lastEventId` is the id in force for it, if any.
    void eventReceived(const QByteArray &type, const QByteArray &data,
                       const QByteArray &lastEventId);
    // An event was dropped (larger than maxEventSize()); the stream goes on.
    void eventDropped(const QString &reason);
    // The connection dropped or failed in a way that is retried.
    void retryScheduled(int attempt, std::chrono::milliseconds delay, const QString &reason);
    // The transport stopped for good (state Error); `message` is errorString().
    void errorOccurred(const QString &message);

protected:
    // Whether `url` suits this transport; `error` says why not.
    virtual bool checkUrl(const QUrl &url, QString *error) const = 0;
    // The common checkUrl(): valid, with a host, and with `scheme` or its TLS variant
    // (`scheme` + "s"); otherwise "not a SCHEME(s) URL: ...".
    static bool hasScheme(const QUrl &url, const QString &scheme, QString *error);
    // Opens a new connection to url(); the state is Connecting afterwards.
    virtual void startConnection() = 0;
    // Forgets the current connection (if any) without reporting anything about it.
    virtual void abortConnection() = 0;
    // Called by open(): per-stream statistics start over.
    virtual void resetStatistics() { }

    // The connection is up (response accepted, socket open): counts a re-connection, state
    // Connected. The backoff goes on until the connection delivers (markDelivered()).
    void connectionEstablished();
    // The connection delivered something of the stream: the backoff starts over.
    void markDelivered() { m_attempt = 0; }
    // Events are flowing (markDelivered() included).
    void markStreaming();
    // Bytes arrived: the heartbeat starts over.
    void kickHeartbeat();
    void stopHeartbeat();
    void scheduleRetry(const QString &reason);
    void fail(const QString &reason);
    // fail() for the server's own verdict on the session (401/403/404).
    void refuse(const QString &reason);
    // The server ended the stream for good (HTTP 204): state Disconnected, no error.
    void endForGood(const QString &reason);
    void setServerRetry(std::chrono::milliseconds retry) { m_serverRetry = retry; }
    // The stream itself moved the last event id (SSE `id:`).
    void setStreamLastEventId(const QByteArray &id) { m_lastEventId = id; }
    // Bumps whenever the connection is replaced or closed: a caller that emitted a signal
    // compares it to see whether a receiver did that.
    quint64 generation() const { return m_generation; }
    void setState(ConnectionState state);

private:
    void connectNow();
    void dropConnection();
    void onHeartbeatTimeout();

    QUrl m_url;
    ConnectionState m_state = ConnectionState::Idle;
    QString m_errorString;
    ReconnectPolicy m_policy;
    std::chrono::milliseconds m_heartbeatTimeout {45000};
    qsizetype m_maxEventSize = 1024 * 1024;
    QTimer m_retryTimer;
    QTimer m_heartbeatTimer;
    QByteArray m_lastEventId;
    std::optional<std::chrono::milliseconds> m_serverRetry;
    int m_reconnects = 0;
    int m_attempt = 0;
    bool m_everConnected = false;
    bool m_refused = false;
    std::chrono::milliseconds m_retryDelay {0};
    quint64 m_generation = 0;
};

} // namespace inkstream::core
