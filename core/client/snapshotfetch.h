#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <memory>
#include <utility>

class QNetworkAccessManager;
class QNetworkReply;

namespace inkstream::core {

class SessionModel;

// One GET of a session's snapshot for a re-sync (docs/protocol.md, "Snapshots"). It asks for
// `application/x-ndjson`; an answer of that type is read as it arrives, one native event per
// line (each at most maxEventSize bytes), applied to a model of its own, so a session of any
// size arrives in bounded pieces. An `application/json` answer (older publishers, relays) is
// read whole, as one snapshot object. finished() is emitted once; then state() is the session
// state (SessionModel::toSnapshot()'s JSON) or errorString() says why there is none.
class SnapshotFetch final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SnapshotFetch)

public:
    explicit SnapshotFetch(QNetworkAccessManager *manager, QObject *parent = nullptr);
    ~SnapshotFetch() override;

    void setMaxLineSize(qsizetype bytes) { m_maxLineSize = bytes; } // default 1 MiB
    void setHeaders(const QList<std::pair<QByteArray, QByteArray>> &headers)
    {
        m_headers = headers;
    }
    // Starts the GET; call once.
    void start(const QUrl &url);
    // Stops without emitting finished().
    void abort();

    bool isFinished() const { return m_finished; }
    bool isNdjson() const { return m_ndjson; } // the answer was application/x-ndjson
    QString errorString() const { return m_error; } // empty when state() is valid
    QJsonObject state() const { return m_state; }
    qint64 bytesReceived() const { return m_bytes; } // body bytes
    qint64 lines() const { return m_lineCount; } // NDJSON events read

Q_SIGNALS:
    void finished();

private:
    void onReadyRead();
    void onFinished();
    bool judgeResponse();
    bool consumeLines(bool atEnd);
    bool applyLine(QByteArrayView line);
    void fail(const QString &error);
    void succeed(const QJsonObject &state);

    QNetworkAccessManager *m_manager = nullptr;
    QPointer<QNetworkReply> m_reply;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
    qsizetype m_maxLineSize = 1024 * 1024;
    bool m_judged = false; // status and type looked at
    bool m_ndjson = false;
    bool m_finished = false;
    QByteArray m_buffer; // NDJSON: bytes after the last complete line
    qsizetype m_scanned = 0; // bytes of m_buffer known to hold no line feed
    std::unique_ptr<SessionModel> m_model; // NDJSON: the state built so far
    QString m_modelError;
    qint64 m_lineCount = 0; // NDJSON lines read (blank ones included)
    qint64 m_bytes = 0;
    QString m_error;
    QJsonObject m_state;
};

} // namespace inkstream::core
