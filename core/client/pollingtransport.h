#pragma once

#include "core/client/transport.h"

#include <QByteArray>
#include <QPointer>
#include <QTimer>
#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;

namespace inkstream::core {

// The fallback when neither SSE nor WebSocket gets through: GET .../snapshot every poll
// interval. Each snapshot whose sequence (or session) differs from the last one becomes one
// `snapshot` event (EventCodec JSON), so the model jumps from state to state instead of
// typing, but ends identical. The first successful poll counts as connected; HTTP statuses
// decide like SSE (204 stops, 401/403/404 are fatal, 5xx and network errors back off and
// retry); a snapshot larger than maxSnapshotSize() is an error, never held.
class PollingTransport final : public Transport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PollingTransport)

public:
    explicit PollingTransport(QObject *parent = nullptr);
    ~PollingTransport() override;

    Kind kind() const override { return Kind::Polling; }

    // Default 1 s.
    void setPollInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds pollInterval() const { return m_pollInterval; }
    // Default 64 MiB.
    void setMaxSnapshotSize(qint64 bytes) { m_maxSnapshotSize = std::max<qint64>(1, bytes); }
    qint64 maxSnapshotSize() const { return m_maxSnapshotSize; }
    int polls() const { return m_polls; } // successful polls since open()

protected:
    bool checkUrl(const QUrl &url, QString *error) const override;
    void startConnection() override;
    void abortConnection() override;
    void resetStatistics() override;

private:
    void poll();
    void onFinished();

    QNetworkAccessManager *m_manager = nullptr;
    QPointer<QNetworkReply> m_reply;
    QTimer m_pollTimer;
    std::chrono::milliseconds m_pollInterval {1000};
    qint64 m_maxSnapshotSize = 64 * 1024 * 1024;
    bool m_established = false; // a poll succeeded since the last (re)connection
    qint64 m_lastSequence = -1; // of the last snapshot passed on
    QString m_lastSessionId;
    int m_polls = 0;
};

} // namespace inkstream::core
