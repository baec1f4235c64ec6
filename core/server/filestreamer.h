#pragma once

#include "core/protocol/chunker.h"
#include "core/protocol/event.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

namespace inkstream::core {

class Session;

// Types files into a Session one after another: `code start` (with a language hint), one
// `code delta` per chunk paced by a timer, `code complete` with the full content. With a
// delay of 0 it publishes in batches of a few milliseconds per event-loop turn, so the loop
// never stalls however large the file.
class FileStreamer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileStreamer)

public:
    explicit FileStreamer(Session *session, QObject *parent = nullptr);

    // Queues a file; returns false (and logs) when the name is not acceptable. The session's log
    // records it (an `accept` record), so a restarted publisher types it still.
    bool enqueue(const QString &fileName, const QString &content, ChunkOptions options = {});
    // Takes up the files a restored log accepted and did not finish typing (their `accept`
    // records, in order): the first goes on from where the session's model shows it stopped.
    void restore(const QList<QJsonObject> &accepted, qint64 lastAcceptId);
    bool isIdle() const { return m_queue.isEmpty(); }
    // Off: every file is published whole (`start`, then `complete`), whatever its options say
    // (seed 000's ENABLE_CODE_STREAMING=false).
    void setStreamingEnabled(bool enabled) { m_streamingEnabled = enabled; }
    bool isStreamingEnabled() const { return m_streamingEnabled; }
    qsizetype pendingFiles() const { return m_queue.size(); }

    // A file name a publisher accepts: relative, '/'-separated, no empty, "." or ".." segment,
    // no backslash, NUL or other control character, at most 1024 characters.
    static bool validateFileName(const QString &fileName, QString *reason = nullptr);

Q_SIGNALS:
    void fileStarted(const QString &fileName);
    void fileProgressed(const QString &fileName, qsizetype written, qsizetype total); // UTF-16
    void fileCompleted(const QString &fileName);
    void idle(); // the queue drained

private:
    struct PendingFile
    {
        qint64 id = 0; // of its `accept` record
        QString name;
        QString content;
        ChunkOptions options;
    };

    void step();

    Session *m_session = nullptr;
    QList<PendingFile> m_queue; // front is the file being typed
    bool m_streamingEnabled = true;
    bool m_started = false; // `start` of the front file is out
    bool m_stepping = false; // inside step(): enqueue() must not schedule another one
    qint64 m_lastAcceptId = 0;
    qsizetype m_offset = 0; // UTF-16 offset of the next delta in the front file
    TextPosition m_position; // line/column of m_offset
    QTimer m_timer;
};

} // namespace inkstream::core
