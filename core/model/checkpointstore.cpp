#include "core/model/checkpointstore.h"

#include "core/model/sessionmodel.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <cstring>

namespace inkstream::core {

namespace {

// Texts are stored as UTF-16 as the model holds them: a chunk boundary can then fall anywhere
// a model's length can, and restoring is a copy.
constexpr qint64 kCharBytes = sizeof(QChar);

const QString kSession = QStringLiteral("session");
const QString kFiles = QStringLiteral("files");
const QString kChat = QStringLiteral("chat");

} // namespace

bool CheckpointStore::open(QString *error)
{
    m_file.setFileTemplate(QDir::tempPath() + QStringLiteral("/inkstream-replay-XXXXXX"));
    if (!m_file.open()) {
        *error = QStringLiteral("cannot create the replay's checkpoint file in %1: %2")
                     .arg(QDir::tempPath(), m_file.errorString());
        return false;
    }
    // Both handles stay open and the name goes at once: however the process ends (a crash, a
    // SIGTERM), the system frees the file and nothing is left in the temporary folder.
    m_reader.setFileName(m_file.fileName());
    if (!m_reader.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the replay's checkpoint file %1: %2")
                     .arg(m_file.fileName(), m_reader.errorString());
        return false;
    }
    m_file.setAutoRemove(false);
    QFile::remove(m_file.fileName());
    return true;
}

void CheckpointStore::follow(SessionModel *model)
{
    restartAll(*model);
    QObject::connect(model, &SessionModel::fileAdded, model, [this](int index) {
        if (index == m_fileStreams.size())
            m_fileStreams.append(newStream());
    });
    QObject::connect(model, &SessionModel::fileTextReset, model, [this](int index) {
        if (index >= 0 && index < m_fileStreams.size())
            m_fileStreams[index] = newStream();
    });
    QObject::connect(model, &SessionModel::chatMessageAdded, model, [this](int index) {
        if (index == m_chatStreams.size())
            m_chatStreams.append(newStream());
    });
    QObject::connect(model, &SessionModel::modelReset, model,
                     [this, model] { restartAll(*model); });
}

void CheckpointStore::restartAll(const SessionModel &model)
{
    m_fileStreams.clear();
    m_chatStreams.clear();
    for (qsizetype i = 0; i < model.files().size(); ++i)
        m_fileStreams.append(newStream());
    for (qsizetype i = 0; i < model.chat().size(); ++i)
        m_chatStreams.append(newStream());
}

bool CheckpointStore::storeGrowth(const QString &text, Stream *stream, QByteArray *out)
{
    if (text.size() < stream->stored) // shrank without a signal: cannot be a continuation
        *stream = newStream();
    if (text.size() == stream->stored)
        return false;
    const qint64 chars = text.size() - stream->stored;
    const Chunk chunk {stream->stored, m_size + out->size(), chars * kCharBytes};
    out->append(reinterpret_cast<const char *>(text.constData() + stream->stored), chunk.bytes);
    stream->stored = text.size();
    const QMutexLocker lock(&m_mutex);
    m_chunks[stream->id].append(chunk);
    return true;
}

bool CheckpointStore::write(const SessionModel &model, ReplayCheckpoint *checkpoint, QString *error)
{
    // The model and the streams followed agree unless the model was not followed from its
    // start; then everything is a new stream.
    if (m_fileStreams.size() != model.files().size() || m_chatStreams.size() != model.chat().size())
        restartAll(model);
    QByteArray out;
    QJsonArray files;
    for (qsizetype i = 0; i < model.files().size(); ++i) {
        Stream &stream = m_fileStreams[i];
        storeGrowth(model.files().at(i).content, &stream, &out);
        files.append(QJsonArray {stream.id, stream.stored});
    }
    QJsonArray chat;
    for (qsizetype i = 0; i < model.chat().size(); ++i) {
        Stream &stream = m_chatStreams[i];
        storeGrowth(model.chat().at(i).text, &stream, &out);
        chat.append(QJsonArray {stream.id, stream.stored});
    }
    const QJsonObject session {{kSession, model.toSnapshot(SessionModel::SnapshotText::Omitted)},
                               {kFiles, files},
                               {kChat, chat}};
    const qint64 sessionOffset = m_size + out.size();
    out.append(QJsonDocument(session).toJson(QJsonDocument::Compact));
    if (m_file.write(out) != out.size() || !m_file.flush()) {
        *error = QStringLiteral("cannot write the replay's checkpoint file %1: %2")
                     .arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    m_size += out.size();
    checkpoint->storeOffset = sessionOffset;
    checkpoint->storeBytes = m_size - sessionOffset;
    const QMutexLocker lock(&m_mutex);
    m_published = m_size;
    return true;
}

qint64 CheckpointStore::bytesWritten() const
{
    const QMutexLocker lock(&m_mutex);
    return m_published;
}

bool CheckpointStore::restore(const ReplayCheckpoint &checkpoint, SessionModel *model,
                              QString *error) const
{
    const auto fail = [error, &checkpoint](const QString &why) {
        if (error)
            *error = QStringLiteral("checkpoint at event %1: %2").arg(checkpoint.position).arg(why);
        return false;
    };
    const QMutexLocker lock(&m_mutex); // also keeps restores from sharing m_reader
    if (checkpoint.storeOffset + checkpoint.storeBytes > m_published)
        return fail(QStringLiteral("not written yet"));
    // Mapped only while restoring: the pages read do not stay in the process.
    uchar *base = m_reader.map(0, m_published);
    if (!base)
        return fail(m_reader.errorString());
    const auto text = [this, base](const QJsonArray &reference) {
        const int id = reference.at(0).toInt();
        const qint64 chars = reference.at(1).toInteger();
        QString joined(chars, Qt::Uninitialized);
        for (const Chunk &chunk : m_chunks.value(id)) {
            if (chunk.startChar >= chars)
                break;
            const qint64 bytes = qMin(chunk.bytes, (chars - chunk.startChar) * kCharBytes);
            std::memcpy(joined.data() + chunk.startChar, base + chunk.offset, bytes);
        }
        return joined;
    };
    const QJsonObject stored
        = QJsonDocument::fromJson(
              QByteArray::fromRawData(reinterpret_cast<const char *>(base) + checkpoint.storeOffset,
                                      checkpoint.storeBytes))
              .object();
    QJsonObject session = stored.value(kSession).toObject();
    const QJsonArray fileTexts = stored.value(kFiles).toArray();
    QJsonArray files = session.value(kFiles).toArray();
    for (qsizetype i = 0; i < files.size() && i < fileTexts.size(); ++i) {
        QJsonObject entry = files.at(i).toObject();
        entry.insert(QStringLiteral("content"), text(fileTexts.at(i).toArray()));
        files.replace(i, entry);
    }
    const QJsonArray chatTexts = stored.value(kChat).toArray();
    QJsonArray chat = session.value(kChat).toArray();
    for (qsizetype i = 0; i < chat.size() && i < chatTexts.size(); ++i) {
        QJsonObject entry = chat.at(i).toObject();
        entry.insert(QStringLiteral("text"), text(chatTexts.at(i).toArray()));
        chat.replace(i, entry);
    }
    m_reader.unmap(base);
    session.insert(kFiles, files);
    session.insert(kChat, chat);
    QString why;
    if (!model->loadSnapshot(session, &why))
        return fail(why);
    return true;
}

} // namespace inkstream::core
