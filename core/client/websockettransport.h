#pragma once

#include "core/client/transport.h"

#include <QAbstractSocket>
#include <QPointer>
#include <QTimer>

class QWebSocket;

namespace inkstream::core {

// Follows a session over its WebSocket endpoint (ws://HOST:PORT/api/sessions/ID/ws). Every
// text message is one event as EventCodec::encodeJson() writes it (self-describing: it names
// its event and carries its sequence); the resume position goes as `?lastEventId=N`. The
// handshake's HTTP status decides like SSE's: 401/403 and 404 are fatal, others retry. The
// Inkstream publisher accepts the upgrade and then refuses with close code 1008 and a reason
// that starts with the HTTP status ("404 there is no session ..."): read the same way. A
// message larger than maxEventSize() is dropped, far larger ones close the socket (bounded
// memory). Pings every third of the heartbeat timeout keep a quiet but live connection
// distinguishable from a dead one.
class WebSocketTransport final : public Transport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketTransport)

public:
    explicit WebSocketTransport(QObject *parent = nullptr);
    ~WebSocketTransport() override;

    Kind kind() const override { return Kind::WebSocket; }
    // ws(s)://HOST:PORT/api/sessions/ID/ws for a session (or stream) URL; query kept.
    static QUrl endpointFor(const QUrl &sessionUrl);
    // The HTTP status of a refused handshake, 0 when none.
    int handshakeStatus() const { return m_handshakeStatus; }
    // The HTTP status in QWebSocket's words for a refused handshake ("... status code: 404
    // (Not Found)."), 0 when there is none.
    static int handshakeStatusFrom(const QString &socketError);

protected:
    bool checkUrl(const QUrl &url, QString *error) const override;
    void startConnection() override;
    void abortConnection() override;

private:
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &message);
    void onBinaryMessage(const QByteArray &message);
    void onSocketError(QAbstractSocket::SocketError error);

    QPointer<QWebSocket> m_socket;
    QTimer m_pingTimer;
    bool m_open = false; // the current socket completed its handshake
    QString m_socketError;
    int m_handshakeStatus = 0;
};

} // namespace inkstream::core
