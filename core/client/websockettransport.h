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
//
// Any other URL is a relay's subscriber endpoint (nchan's /sub/ID) and is followed as given. It
// is asked for nchan's "ws+meta.nchan" subprotocol, whose messages carry the relay's message
// id in a header block ("id: 1700000000:3\ncontent-type: ...\n\nDATA"): that id is what a
// reconnect resumes after (`?last_event_id=`, nchan's default), so the relay sends exactly the
// messages that followed.
class WebSocketTransport final : public Transport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketTransport)

public:
    explicit WebSocketTransport(QObject *parent = nullptr);
    ~WebSocketTransport() override;

    Kind kind() const override { return Kind::WebSocket; }
    // ws(s)://HOST:PORT/api/sessions/ID/ws for a session (or stream) URL; any other URL (a
    // relay's) keeps its path. Query kept.
    static QUrl endpointFor(const QUrl &sessionUrl);
    // Whether `url` is an Inkstream publisher's session endpoint (not a relay's).
    static bool isSessionEndpoint(const QUrl &url);
    // nchan's subprotocol that prefixes each message with its id.
    static constexpr const char *kNchanMetaProtocol = "ws+meta.nchan";
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
    bool m_relayMeta = false; // messages carry nchan's id header block
    QString m_socketError;
    int m_handshakeStatus = 0;
};

} // namespace inkstream::core
