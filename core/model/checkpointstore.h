#pragma once

#include "core/model/replaycheckpoint.h"

#include <QFile>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QTemporaryFile>

namespace inkstream::core {

class SessionModel;

// The sessions at a replay's checkpoints, kept on disk (a temporary file without a name, gone
// with the process) so that memory stays
// bounded however long the recording is. Texts only grow between resets, so each checkpoint
// stores just what every file and chat message gained since the one before (a chunk of that
// text's stream) plus the session without its texts; restoring one joins a text's chunks up
// to the length the checkpoint names.
//
// One thread writes (follow() and write(), the indexer's), any thread restores.
class CheckpointStore final
{
public:
    CheckpointStore() = default;
    Q_DISABLE_COPY_MOVE(CheckpointStore)

    bool open(QString *error);

    // Writer side. Watches `model` for texts that start over (a file written again, content
    // replaced by a complete's fullContent, a snapshot), which start a new stream.
    void follow(SessionModel *model);
    // Stores `model` (the one followed) as checkpoint `checkpoint`, filling in where.
    bool write(const SessionModel &model, ReplayCheckpoint *checkpoint, QString *error);

    // Reader side: loads the session stored at `checkpoint` into `model`.
    bool restore(const ReplayCheckpoint &checkpoint, SessionModel *model, QString *error) const;

    qint64 bytesWritten() const;

private:
    struct Stream
    {
        int id = 0;
        qint64 stored = 0; // characters stored so far
    };
    struct Chunk
    {
        qint64 startChar = 0;
        qint64 offset = 0;
        qint64 bytes = 0;
    };

    Stream newStream() { return Stream {m_nextStream++, 0}; }
    void restartAll(const SessionModel &model);
    // Appends what `text` gained past `stream->stored`; false when the disk refuses.
    bool storeGrowth(const QString &text, Stream *stream, QByteArray *out);
    bool append(const QByteArray &bytes, qint64 *offset, QString *error);

    QTemporaryFile m_file; // written by the writer only; its name is removed once open
    mutable QFile m_reader; // the same file, for restore() (under m_mutex)
    // Writer state.
    QList<Stream> m_fileStreams; // by file index
    QList<Stream> m_chatStreams; // by chat message index
    int m_nextStream = 0;
    qint64 m_size = 0;
    // Shared with readers.
    mutable QMutex m_mutex;
    QHash<int, QList<Chunk>> m_chunks;
    qint64 m_published = 0; // bytes readers may read
};

} // namespace inkstream::core
