#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <utility>

class QNetworkAccessManager;
class QNetworkReply;

namespace inkstream::core {

// Asks a server whether it speaks Engine.IO, Socket.IO's transport, before Inkstream gives up
// on a URL that answered neither SSE nor a session: GET ORIGIN/socket.io/?EIO=4&transport=
// polling (the URL's own query passed along) answers an Engine.IO server's open packet,
// `0{"sid":"...","upgrades":[...],"pingInterval":N,...}`, or, when it allows only WebSocket,
// its own refusal. One question per object; the answer
// comes as finished(), within the timeout.
class EngineIoProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineIoProbe)

public:
    explicit EngineIoProbe(QObject *parent = nullptr);
    ~EngineIoProbe() override;

    // Headers go along as given (an Authorization the server may want); never logged.
    void start(const QUrl &serverUrl, const QList<std::pair<QByteArray, QByteArray>> &headers,
               int timeoutMs = 5000);

    // The polling handshake URL for a server URL (http or https).
    static QUrl handshakeUrl(const QUrl &serverUrl);
    // Whether `body` is an Engine.IO v4 open packet: "0" and a JSON object with a string sid.
    static bool isOpenPacket(const QByteArray &body);
    // Whether `body` is an Engine.IO server's refusal, {"code":N,"message":"..."} with one of
    // its own codes and messages: a server that allows only WebSocket answers the polling
    // handshake with {"code":0,"message":"Transport unknown"}.
    static bool isEngineIoRefusal(const QByteArray &body);

Q_SIGNALS:
    // `engineIo`: the server answered the handshake as Engine.IO does; `detail` says what it
    // answered.
    void finished(bool engineIo, const QString &detail);

private:
    void onFinished();

    QNetworkAccessManager *m_network = nullptr;
    QPointer<QNetworkReply> m_reply;
};

} // namespace inkstream::core
