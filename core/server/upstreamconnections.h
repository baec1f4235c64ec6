#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <chrono>

class QTcpSocket;
class QTimer;
class QUrl;

namespace inkstream::core {

// The tap's kept-alive connections to its upstreams, by scheme, host and port: a request takes
// an idle one when there is one (no new TCP or TLS handshake before its first token) and gives
// it back when its answer is complete. An idle connection that its server closes, or that says
// something unasked, is dropped; one idle for longer than the idle time is closed.
class UpstreamConnections final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamConnections)

public:
    explicit UpstreamConnections(QObject *parent = nullptr);
    ~UpstreamConnections() override;

    // A connection to `url`'s origin, owned by the caller: an idle one (*reused true, already
    // connected) or a new one, connecting (TLS for https). Give it back or delete it.
    QTcpSocket *take(const QUrl &url, bool *reused);
    // A connection whose last answer is complete and whose server keeps it open, with nothing
    // of its last user's connected to it any more.
    void giveBack(const QUrl &url, QTcpSocket *socket);

    int idleCount() const;
    void setIdleTime(std::chrono::milliseconds idle) { m_idleTime = idle; }

    static constexpr int kMaxIdlePerOrigin = 16;

private:
    static QString originOf(const QUrl &url);
    void drop(QTcpSocket *socket);

    QHash<QString, QList<QTcpSocket *>> m_idle;
    std::chrono::milliseconds m_idleTime {30000};
};

} // namespace inkstream::core
