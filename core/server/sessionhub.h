#pragma once

#include "core/server/sessionlog.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

namespace inkstream::core {

class Session;

// All sessions of one publisher, by id. Owns them.
class SessionHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionHub)

public:
    explicit SessionHub(QObject *parent = nullptr);

    // Where session logs live: DIRECTORY/ID.log, written with `fsync`. Empty (the default):
    // sessions keep their log in memory only. Set before creating sessions.
    void setDataDirectory(const QString &directory, SessionLog::Fsync fsync);
    QString dataDirectory() const { return m_dataDirectory; }

    // A random id when `id` is empty. With a data directory, a session whose log exists there
    // is restored from it (warnings say what recovery found). Returns nullptr (and logs, and
    // says why in `error`) when the id is taken or not URL-safe (isValidSessionId), or its log
    // cannot be created or read.
    Session *createSession(const QString &id = {}, QString *error = nullptr,
                           QStringList *warnings = nullptr);
    Session *session(const QString &id) const;
    QList<Session *> sessions() const { return m_sessions; } // in creation order
    // Deletes the session and its log (its subscribers are closed by the publisher). False when
    // unknown.
    bool removeSession(const QString &id);

    // Ring buffer size (events) of every session, present and future.
    void setBufferSize(int events);
    int bufferSize() const { return m_bufferSize; }
    // Typed (chunked) files, or every file whole; for every session, present and future.
    void setStreamingEnabled(bool enabled);
    bool isStreamingEnabled() const { return m_streamingEnabled; }

    // 1..64 characters of [A-Za-z0-9_-].
    static bool isValidSessionId(QStringView id);
    // 16 URL-safe characters (96 random bits).
    static QString generateId();

Q_SIGNALS:
    void sessionCreated(inkstream::core::Session *session);
    void sessionRemoved(const QString &id);

private:
    QList<Session *> m_sessions;
    QHash<QString, Session *> m_byId;
    int m_bufferSize = -1; // -1: the Session default
    QString m_dataDirectory;
    SessionLog::Fsync m_fsync = SessionLog::Fsync::Batch;
    bool m_streamingEnabled = true;
};

} // namespace inkstream::core
