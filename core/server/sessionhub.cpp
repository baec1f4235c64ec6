#include "core/server/sessionhub.h"

#include "core/server/filestreamer.h"
#include "core/server/serverlog.h"
#include "core/server/session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <algorithm>
#include <array>
#include <memory>

namespace inkstream::core {

namespace {
constexpr qsizetype kMaxSessionIdLength = 64;
}

SessionHub::SessionHub(QObject *parent)
    : QObject(parent)
{ }

bool SessionHub::isValidSessionId(QStringView id)
{
    if (id.isEmpty() || id.size() > kMaxSessionIdLength)
        return false;
    return std::all_of(id.begin(), id.end(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
            || c == u'_' || c == u'-';
    });
}

QString SessionHub::generateId()
{
    std::array<quint32, 3> bits {};
    QRandomGenerator::system()->fillRange(bits.data(), bits.size());
    const QByteArray raw(reinterpret_cast<const char *>(bits.data()),
                         qsizetype(bits.size() * sizeof(quint32)));
    return QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

void SessionHub::setDataDirectory(const QString &directory, SessionLog::Fsync fsync)
{
    m_dataDirectory = directory;
    m_fsync = fsync;
}

Session *SessionHub::createSession(const QString &id, QString *error, QStringList *warnings)
{
    const auto refuse = [error](const QString &why) -> Session * {
        qCWarning(lcServer, "%s", qPrintable(why));
        if (error)
            *error = why;
        return nullptr;
    };
    QString sessionId = id;
    if (sessionId.isEmpty()) {
        do {
            sessionId = generateId();
        } while (session(sessionId));
    } else if (!isValidSessionId(sessionId)) {
        return refuse(QStringLiteral("refusing session id %1: use 1-64 characters of A-Z a-z "
                                     "0-9 _ -")
                          .arg(sessionId));
    } else if (session(sessionId)) {
        return refuse(QStringLiteral("refusing session id %1: it exists already").arg(sessionId));
    }
    auto created = std::make_unique<Session>(sessionId);
    if (m_bufferSize >= 0)
        created->setBufferSize(m_bufferSize);
    if (!m_dataDirectory.isEmpty()) {
        const QString path = QDir(m_dataDirectory).filePath(sessionId + QStringLiteral(".log"));
        QString why;
        QStringList found;
        const bool ok = QFileInfo::exists(path) ? created->restoreLog(path, m_fsync, &why, &found)
                                                : created->createLog(path, m_fsync, {}, &why);
        for (const QString &warning : std::as_const(found))
            qCWarning(lcServer, "%s", qPrintable(warning));
        if (warnings)
            warnings->append(found);
        if (!ok)
            return refuse(why);
    }
    created->setParent(this);
    created->fileStreamer()->setStreamingEnabled(m_streamingEnabled);
    Session *result = created.release();
    m_sessions.append(result);
    m_byId.insert(sessionId, result);
    qCInfo(lcServer, "session %s created", qPrintable(sessionId));
    Q_EMIT sessionCreated(result);
    return result;
}

bool SessionHub::removeSession(const QString &id)
{
    Session *removed = m_byId.take(id);
    if (!removed)
        return false;
    m_sessions.removeOne(removed);
    qCInfo(lcServer, "session %s removed", qPrintable(id));
    Q_EMIT sessionRemoved(id);
    const QString logPath = removed->log()->path();
    delete removed;
    if (!logPath.isEmpty() && !QFile::remove(logPath))
        qCWarning(lcServer, "cannot remove the log of deleted session %s: %s", qPrintable(id),
                  qPrintable(logPath));
    return true;
}

void SessionHub::setBufferSize(int events)
{
    m_bufferSize = qMax(0, events);
    for (Session *session : std::as_const(m_sessions))
        session->setBufferSize(m_bufferSize);
}

void SessionHub::setStreamingEnabled(bool enabled)
{
    m_streamingEnabled = enabled;
    for (Session *session : std::as_const(m_sessions))
        session->fileStreamer()->setStreamingEnabled(enabled);
}

Session *SessionHub::session(const QString &id) const
{
    return m_byId.value(id, nullptr);
}

} // namespace inkstream::core
