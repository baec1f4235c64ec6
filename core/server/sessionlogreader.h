#pragma once

#include "core/protocol/event.h"
#include "core/server/sessionlog.h"

#include <QByteArray>
#include <QFile>
#include <QPointer>
#include <QString>
#include <memory>
#include <optional>

namespace inkstream::core {

// Reads a session log's events after a sequence: from its cache while the cache holds them,
// else from the file, starting at the sparse index entry before them (SessionLog::readAfter).
class SessionLogReader final : public SessionLog::Reader
{
public:
    SessionLogReader(const SessionLog *log, quint64 after);

    std::optional<Event> next() override;
    QString error() const override { return m_error; }

private:
    std::optional<Event> fromFile(const SessionLog *log);
    bool readMore(const SessionLog *log);

    QPointer<const SessionLog> m_log;
    quint64 m_next;
    std::unique_ptr<QFile> m_file;
    qint64 m_position = 0; // file offset just after m_bytes
    QByteArray m_bytes;
    qsizetype m_used = 0;
    QString m_error;
};

} // namespace inkstream::core
