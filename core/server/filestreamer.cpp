#include "core/server/filestreamer.h"

#include "core/model/languageguesser.h"
#include "core/model/sessionmodel.h"
#include "core/server/serverlog.h"
#include "core/server/session.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QScopeGuard>

namespace inkstream::core {

namespace {
// With no delay, publish for at most this long per event-loop turn so sockets get flushed and
// other work runs in between.
constexpr qint64 kBatchBudgetMs = 4;
constexpr qsizetype kMaxFileNameLength = 1024;
} // namespace

FileStreamer::FileStreamer(Session *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &FileStreamer::step);
}

bool FileStreamer::validateFileName(const QString &fileName, QString *reason)
{
    auto reject = [reason](const QString &why) {
        if (reason)
            *reason = why;
        return false;
    };
    if (fileName.isEmpty())
        return reject(QStringLiteral("the file name is empty"));
    if (fileName.size() > kMaxFileNameLength)
        return reject(
            QStringLiteral("the file name is longer than %1 characters").arg(kMaxFileNameLength));
    for (const QChar c : fileName) {
        if (c == QChar(0))
            return reject(QStringLiteral("the file name contains a NUL character"));
        if (c == u'\\')
            return reject(QStringLiteral("the file name contains a backslash; use '/'"));
        if (c.category() == QChar::Other_Control)
            return reject(QStringLiteral("the file name contains a control character"));
    }
    if (fileName.startsWith(u'/')
        || (fileName.size() >= 2 && fileName[0].isLetter() && fileName[1] == u':'))
        return reject(QStringLiteral("the file name is an absolute path"));
    for (const QStringView segment : QStringView(fileName).split(u'/')) {
        if (segment == u"..")
            return reject(QStringLiteral("the file name climbs out with a '..' segment"));
        if (segment.isEmpty() || segment == u".")
            return reject(QStringLiteral("the file name has an empty or '.' segment"));
    }
    return true;
}

bool FileStreamer::enqueue(const QString &fileName, const QString &content, ChunkOptions options)
{
    QString reason;
    if (!validateFileName(fileName, &reason)) {
        qCWarning(lcServer, "session %s: refusing file %s: %s", qPrintable(m_session->id()),
                  qPrintable(fileName), qPrintable(reason));
        return false;
    }
    if (!m_streamingEnabled)
        options.instant = true;
    const qint64 id = ++m_lastAcceptId;
    m_session->appendRecord("accept",
                            {{QStringLiteral("id"), id},
                             {QStringLiteral("fileName"), fileName},
                             {QStringLiteral("content"), content},
                             {QStringLiteral("chunkSize"), options.chunkSize},
                             {QStringLiteral("delayMs"), options.delayMs},
                             {QStringLiteral("instant"), options.instant}});
    m_queue.append(PendingFile {id, fileName, content, options});
    qCDebug(lcServer, "session %s: queued %s (%lld characters, %lld queued)",
            qPrintable(m_session->id()), qPrintable(fileName),
            static_cast<long long>(content.size()), static_cast<long long>(m_queue.size()));
    if (!m_stepping && !m_timer.isActive())
        m_timer.start(0);
    return true;
}

void FileStreamer::restore(const QList<QJsonObject> &accepted, qint64 lastAcceptId)
{
    m_lastAcceptId = std::max(m_lastAcceptId, lastAcceptId);
    for (const QJsonObject &record : accepted) {
        ChunkOptions options;
        options.chunkSize = record.value(QStringLiteral("chunkSize")).toInt(options.chunkSize);
        options.delayMs = record.value(QStringLiteral("delayMs")).toInt(options.delayMs);
        options.instant = record.value(QStringLiteral("instant")).toBool(options.instant);
        m_queue.append(PendingFile {record.value(QStringLiteral("id")).toInteger(),
                                    record.value(QStringLiteral("fileName")).toString(),
                                    record.value(QStringLiteral("content")).toString(), options});
    }
    if (m_queue.isEmpty())
        return;
    // The front file may have been started: go on after what the log shows of it, as long as
    // that is the start of what was accepted (else type it again from its start).
    const PendingFile &front = m_queue.front();
    const int index = m_session->model()->fileIndex(front.name);
    if (index >= 0) {
        const SessionFile &shown = m_session->model()->files().at(index);
        if (shown.state == FileState::Writing && front.content.startsWith(shown.content)) {
            m_started = true;
            m_offset = shown.content.size();
            m_position = shown.end;
        }
    }
    qCInfo(lcServer, "session %s: typing %lld accepted files again, %s from character %lld",
           qPrintable(m_session->id()), static_cast<long long>(m_queue.size()),
           qPrintable(front.name), static_cast<long long>(m_offset));
    if (!m_timer.isActive())
        m_timer.start(0);
}

void FileStreamer::step()
{
    // Publishing runs other code (subscribers, observers); never hold a reference into
    // m_queue across it, and stop if that code destroyed us.
    const QPointer<FileStreamer> self(this);
    m_stepping = true;
    const auto stepping = qScopeGuard([self] {
        if (self)
            self->m_stepping = false;
    });
    QElapsedTimer budget;
    budget.start();

    while (!m_queue.isEmpty()) {
        if (!m_session->isWritable()) {
            // The log refuses events (disk full): wait until it takes them again.
            connect(m_session, &Session::logWritable, this, &FileStreamer::step,
                    Qt::SingleShotConnection);
            return;
        }
        if (!m_started) {
            const QString name = m_queue.front().name;
            CodeEvent start;
            start.type = CodeEvent::Type::Start;
            start.fileName = name;
            start.language = LanguageGuesser::languageForFileName(name);
            m_started = true;
            m_offset = 0;
            m_position = {};
            m_session->publish(start);
            if (!self)
                return;
            Q_EMIT fileStarted(name);
            if (!self)
                return;
        }

        const PendingFile &file = m_queue.front();
        if (!file.options.instant && m_offset < file.content.size()) {
            const qsizetype length
                = Chunker::chunkLength(file.content, m_offset, file.options.chunkSize);
            CodeEvent delta;
            delta.type = CodeEvent::Type::Delta;
            delta.fileName = file.name;
            delta.delta = file.content.mid(m_offset, length);
            delta.position = m_position;
            delta.hasPosition = true;
            const int delayMs = file.options.delayMs;
            const qsizetype total = file.content.size();
            m_offset += length;
            m_position = advancePosition(m_position, delta.delta);
            m_session->publish(delta);
            if (!self)
                return;
            Q_EMIT fileProgressed(delta.fileName, m_offset, total);
            if (!self)
                return;
            if (delayMs > 0) {
                m_timer.start(delayMs);
                return;
            }
        } else {
            CodeEvent complete;
            complete.type = CodeEvent::Type::Complete;
            complete.fileName = file.name;
            complete.fullContent = file.content;
            complete.hasFullContent = true;
            const qint64 id = file.id;
            m_queue.removeFirst();
            m_started = false;
            m_session->publish(complete);
            if (!self)
                return;
            m_session->appendRecord("typed", {{QStringLiteral("id"), id}});
            Q_EMIT fileCompleted(complete.fileName);
            if (!self)
                return;
        }
        if (budget.elapsed() >= kBatchBudgetMs) {
            m_timer.start(0);
            return;
        }
    }
    Q_EMIT idle();
}

} // namespace inkstream::core
