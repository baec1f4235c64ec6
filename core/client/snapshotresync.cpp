#include "core/client/snapshotresync.h"

#include "core/client/clientlog.h"
#include "core/client/loggableurl.h"
#include "core/client/sequencer.h"
#include "core/client/snapshotfetch.h"
#include "core/client/systemproxyfactory.h"
#include "core/model/sessionmodel.h"

#include <QHash>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSet>
#include <algorithm>

namespace inkstream::core {

SnapshotResync::SnapshotResync(SessionModel *model, Sequencer *sequencer, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_sequencer(sequencer)
{ }

SnapshotResync::~SnapshotResync()
{
    cancel();
}

void SnapshotResync::start(const QUrl &snapshotUrl, const QString &reason, qsizetype maxLineSize,
                           const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    cancel();
    m_sequencer->beginResync();
    ++m_resyncs;
    m_url = snapshotUrl;
    qCInfo(lcClient, "%s; re-syncing from %s", qPrintable(reason),
           qPrintable(LoggableUrl::toString(snapshotUrl)));
    if (!m_manager) {
        m_manager = new QNetworkAccessManager(this);
        m_manager->setAutoDeleteReplies(false);
        m_manager->setProxyFactory(new SystemProxyFactory); // proxies from the environment
    }
    m_fetch = new SnapshotFetch(m_manager, this);
    m_fetch->setMaxLineSize(maxLineSize);
    m_fetch->setHeaders(headers);
    connect(m_fetch, &SnapshotFetch::finished, this, &SnapshotResync::onFetchFinished);
    m_fetch->start(snapshotUrl);
}

void SnapshotResync::cancel()
{
    if (SnapshotFetch *fetch = std::exchange(m_fetch, nullptr)) {
        fetch->disconnect(this);
        fetch->abort();
        fetch->deleteLater();
    }
}

void SnapshotResync::resetCounters()
{
    m_resyncs = 0;
    m_bytes = 0;
}

void SnapshotResync::onFetchFinished()
{
    SnapshotFetch *fetch = m_fetch;
    if (!fetch || sender() != fetch)
        return;
    m_fetch = nullptr;
    fetch->deleteLater();
    m_bytes += fetch->bytesReceived();
    QString error = fetch->errorString();
    if (error.isEmpty()
        && m_model->loadSnapshot(keepShownContent(*m_model, fetch->state()), &error)) {
        m_sequencer->snapshotApplied(m_model->lastSequence());
        qCInfo(lcClient, "re-synced at sequence %llu (%s, %lld bytes)",
               static_cast<unsigned long long>(m_sequencer->lastSequence()),
               fetch->isNdjson() ? "NDJSON" : "JSON",
               static_cast<long long>(fetch->bytesReceived()));
        Q_EMIT snapshotLoaded();
        return;
    }
    Q_EMIT failed(
        QStringLiteral("re-sync from %1 failed: %2").arg(LoggableUrl::toString(m_url), error));
}

QJsonObject SnapshotResync::keepShownContent(const SessionModel &model, const QJsonObject &snapshot)
{
    const QString filesKey = QStringLiteral("files");
    const QString chatKey = QStringLiteral("chat");
    const QString nameKey = QStringLiteral("name");
    const QString idKey = QStringLiteral("id");
    auto byKey = [](const QJsonArray &entries, const QString &key) {
        QHash<QString, QJsonValue> map;
        for (const QJsonValue entry : entries)
            map.insert(entry.toObject().value(key).toString(), entry);
        return map;
    };
    const QJsonArray files = snapshot.value(filesKey).toArray();
    const QJsonArray chat = snapshot.value(chatKey).toArray();
    const QHash<QString, QJsonValue> incomingFiles = byKey(files, nameKey);
    const QHash<QString, QJsonValue> incomingChat = byKey(chat, idKey);
    const bool filesMissing
        = std::any_of(model.files().cbegin(), model.files().cend(),
                      [&](const SessionFile &file) { return !incomingFiles.contains(file.name); });
    const bool chatMissing
        = std::any_of(model.chat().cbegin(), model.chat().cend(), [&](const ChatMessage &message) {
              return !incomingChat.contains(message.id);
          });
    if (!filesMissing && !chatMissing)
        return snapshot;

    const QJsonObject shown = model.toSnapshot();
    // The viewer's entries in its order, each replaced by the snapshot's when it has one, then
    // the snapshot's other entries in its order.
    auto merge = [](const QJsonArray &shownEntries, const QJsonArray &incoming,
                    const QHash<QString, QJsonValue> &incomingByKey, const QString &key) {
        QJsonArray merged;
        QSet<QString> taken;
        for (const QJsonValue entry : shownEntries) {
            const QString id = entry.toObject().value(key).toString();
            taken.insert(id);
            merged.append(incomingByKey.value(id, entry));
        }
        for (const QJsonValue entry : incoming) {
            if (!taken.contains(entry.toObject().value(key).toString()))
                merged.append(entry);
        }
        return merged;
    };
    QJsonObject merged = snapshot;
    if (filesMissing)
        merged.insert(filesKey,
                      merge(shown.value(filesKey).toArray(), files, incomingFiles, nameKey));
    if (chatMissing)
        merged.insert(chatKey, merge(shown.value(chatKey).toArray(), chat, incomingChat, idKey));
    qCInfo(lcClient, "the snapshot lacks files or chat messages shown; they are kept");
    return merged;
}

} // namespace inkstream::core
