#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>
#include <utility>

class QNetworkAccessManager;

namespace inkstream::core {

class Sequencer;
class SessionModel;
class SnapshotFetch;

// Re-syncs a session after a gap: while the sequencer holds the live events, it fetches the
// session's snapshot (SnapshotFetch) and loads it into the model, keeping what the viewer shows;
// what follows (the held events) is the caller's, told by snapshotLoaded() or failed().
class SnapshotResync final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SnapshotResync)

public:
    // The model and the sequencer are not owned; they must outlive the re-sync.
    SnapshotResync(SessionModel *model, Sequencer *sequencer, QObject *parent = nullptr);
    ~SnapshotResync() override;

    // Starts a re-sync from `snapshotUrl` (`reason` says why), cancelling one under way: the
    // sequencer holds what arrives meanwhile. NDJSON lines are at most `maxLineSize` bytes;
    // `headers` go along (a token, if the stream needs one).
    void start(const QUrl &snapshotUrl, const QString &reason, qsizetype maxLineSize,
               const QList<std::pair<QByteArray, QByteArray>> &headers);
    // Stops the snapshot download under way, if any; what is held stays with the sequencer.
    void cancel();
    // The counters start over (a new session).
    void resetCounters();
    int resyncs() const { return m_resyncs; } // started
    qint64 bytesReceived() const { return m_bytes; } // body bytes of the snapshot answers

    // `snapshot` with the files and chat messages `model` shows that it lacks kept, in the
    // order they are shown (the snapshot's own ones follow): a publisher that lost its history
    // must not take away what a viewer shows. Within one history a snapshot holds everything
    // the viewer has, and this changes nothing.
    static QJsonObject keepShownContent(const SessionModel &model, const QJsonObject &snapshot);

Q_SIGNALS:
    // The model holds the snapshot and the sequencer is at its sequence, still holding the
    // live events that arrived meanwhile.
    void snapshotLoaded();
    // There is no snapshot (`message` says why); the sequencer still holds the live events.
    void failed(const QString &message);

private:
    void onFetchFinished();

    SessionModel *m_model = nullptr;
    Sequencer *m_sequencer = nullptr;
    QNetworkAccessManager *m_manager = nullptr; // created on the first re-sync
    SnapshotFetch *m_fetch = nullptr; // the re-sync under way
    QUrl m_url; // of the re-sync under way
    int m_resyncs = 0;
    qint64 m_bytes = 0;
};

} // namespace inkstream::core
