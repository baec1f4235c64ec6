#include "core/server/sessionhub.h"

#include "core/server/filestreamer.h"
#include "core/server/serverlog.h"
#include "core/server/session.h"

#include <QRandomGenerator>
#include <algorithm>
#include <array>

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

Session *SessionHub::createSession(const QString &id)
{
    QString sessionId = id;
    if (sessionId.isEmpty()) {
        do {
            sessionId = generateId();
        } while (session(sessionId));
    } else if (!isValidSessionId(sessionId)) {
        qCWarning(lcServer, "refusing session id %s: use 1-64 characters of A-Z a-z 0-9 _ -",
                  qPrintable(sessionId));
        return nullptr;
    } else if (session(sessionId)) {
        qCWarning(lcServer, "refusing session id %s: it exists already", qPrintable(sessionId));
        return nullptr;
    }
    auto *created = new Session(sessionId, this);
    if (m_bufferSize >= 0)
        created->setBufferSize(m_bufferSize);
    created->fileStreamer()->setStreamingEnabled(m_streamingEnabled);
    m_sessions.append(created);
    m_byId.insert(sessionId, created);
    qCInfo(lcServer, "session %s created", qPrintable(sessionId));
    Q_EMIT sessionCreated(created);
    return created;
}

bool SessionHub::removeSession(const QString &id)
{
    Session *removed = m_byId.take(id);
    if (!removed)
        return false;
    m_sessions.removeOne(removed);
    qCInfo(lcServer, "session %s removed", qPrintable(id));
    Q_EMIT sessionRemoved(id);
    delete removed;
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
