#include "core/server/sessionlog.h"

#include "core/model/logrecord.h"
#include "core/model/recordingwriter.h"
#include "core/protocol/eventcodec.h"
#include "core/server/serverlog.h"
#include "core/server/sessionlogreader.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace inkstream::core {

namespace {

// What a torn record held, as far as its bytes tell ("event 1234 (code)", "an accept record").
QString describeTorn(QByteArrayView bytes)
{
    static const QRegularExpression kind(QStringLiteral("\"t\":\\d+,\"([a-zA-Z]+)\":"));
    static const QRegularExpression seq(QStringLiteral("\\{\"seq\":(\\d+),\"event\":\"([a-z]+)\""));
    const QString text = QString::fromUtf8(bytes.first(std::min<qsizetype>(bytes.size(), 512)));
    const auto kindMatch = kind.match(text);
    if (!kindMatch.hasMatch())
        return QStringLiteral("a record whose kind cannot be read");
    if (kindMatch.captured(1) != u"event")
        return QStringLiteral("a \"%1\" record").arg(kindMatch.captured(1));
    const auto seqMatch = seq.match(text);
    if (!seqMatch.hasMatch())
        return QStringLiteral("an event");
    return QStringLiteral("event %1 (%2)").arg(seqMatch.captured(1), seqMatch.captured(2));
}

bool writeAll(int fd, const char *data, qsizetype size, qsizetype *written, int *error)
{
    *written = 0;
    while (*written < size) {
        const ssize_t n = ::write(fd, data + *written, size_t(size - *written));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *error = errno;
            return false;
        }
        *written += n;
    }
    return true;
}

} // namespace

// Syncs the log file in the background (fsync policy "batch"): at most kBatchInterval after a
// write, at once when an acknowledgment waits for it.
class LogFsyncWorker final
{
public:
    LogFsyncWorker(int fd, SessionLog *log)
        : m_fd(fd)
        , m_log(log)
        , m_thread([this] { run(); })
    { }
    ~LogFsyncWorker()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }
    LogFsyncWorker(const LogFsyncWorker &) = delete;
    LogFsyncWorker &operator=(const LogFsyncWorker &) = delete;

    void request(qint64 offset, bool urgent)
    {
        {
            const std::lock_guard lock(m_mutex);
            m_target = std::max(m_target, offset);
            m_urgent = m_urgent || urgent;
        }
        m_wake.notify_all();
    }

private:
    void run()
    {
        std::unique_lock lock(m_mutex);
        while (true) {
            m_wake.wait(lock, [this] { return m_stop || m_target > m_synced; });
            if (m_stop)
                return;
            if (!m_urgent)
                m_wake.wait_for(lock, SessionLog::kBatchInterval,
                                [this] { return m_stop || m_urgent; });
            const qint64 target = m_target;
            m_urgent = false;
            lock.unlock();
            ::fdatasync(m_fd);
            lock.lock();
            m_synced = target;
            QMetaObject::invokeMethod(
                m_log, [log = m_log, target] { log->onSynced(target); }, Qt::QueuedConnection);
        }
    }

    int m_fd;
    SessionLog *m_log;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    qint64 m_target = 0;
    qint64 m_synced = 0;
    bool m_urgent = false;
    bool m_stop = false;
    std::thread m_thread; // last: starts once the members above exist
};

SessionLog::SessionLog(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
}

SessionLog::~SessionLog()
{
    if (m_open && !m_path.isEmpty()) {
        flush();
        m_worker.reset();
        if (m_fsync != Fsync::Never && m_fd >= 0)
            ::fdatasync(m_fd);
    }
    if (m_fd >= 0)
        ::close(m_fd);
}

QString SessionLog::fsyncText(Fsync policy)
{
    switch (policy) {
    case Fsync::Batch:
        return QStringLiteral("batch");
    case Fsync::Always:
        return QStringLiteral("always");
    case Fsync::Never:
        return QStringLiteral("never");
    }
    return {};
}

bool SessionLog::fsyncFromText(QStringView text, Fsync *policy)
{
    for (Fsync candidate : {Fsync::Batch, Fsync::Always, Fsync::Never}) {
        if (text == fsyncText(candidate)) {
            *policy = candidate;
            return true;
        }
    }
    return false;
}

void SessionLog::setCacheSize(int events)
{
    m_cacheSize = qMax(1, events);
    if (!isInMemory() && m_cache.size() > std::size_t(m_cacheSize))
        m_cache.erase(m_cache.begin(), m_cache.end() - m_cacheSize);
}

void SessionLog::openInMemory(const QString &sessionId, const QString &epoch)
{
    m_open = true;
    m_path.clear();
    m_sessionId = sessionId;
    m_epoch = epoch;
}

bool SessionLog::create(const QString &path, const QString &sessionId, const QString &epoch,
                        const QString &source, QString *error)
{
    m_path = path;
    m_sessionId = sessionId;
    m_epoch = epoch;
    if (QFileInfo::exists(path)) {
        *error = QStringLiteral("session log %1 exists already").arg(path);
        return false;
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        *error = QStringLiteral("cannot create the folder of %1").arg(path);
        return false;
    }
    if (!openForAppend(error))
        return false;
    m_clock.restart();
    return writeHeader(source, error);
}

bool SessionLog::openForAppend(QString *error)
{
    m_lock = std::make_unique<QLockFile>(m_path + QStringLiteral(".lock"));
    m_lock->setStaleLockTime(0); // a lock of a dead process is taken over at once
    if (!m_lock->tryLock()) {
        qint64 pid = 0;
        QString host;
        QString application;
        m_lock->getLockInfo(&pid, &host, &application);
        *error = QStringLiteral("session log %1 is in use by another publisher (process %2)")
                     .arg(m_path)
                     .arg(pid);
        return false;
    }
    m_fd = ::open(QFile::encodeName(m_path).constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                  0644);
    if (m_fd < 0) {
        *error = QStringLiteral("cannot open session log %1: %2")
                     .arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    m_open = true;
    if (m_fsync == Fsync::Batch)
        m_worker = std::make_unique<LogFsyncWorker>(m_fd, this);
    return true;
}

bool SessionLog::writeHeader(const QString &source, QString *error)
{
    const QByteArray header
        = RecordingWriter::headerLine(QUrl(source), QStringLiteral("native"),
                                      {{QStringLiteral("sessionId"), m_sessionId},
                                       {QStringLiteral("epoch"), m_epoch},
                                       {QStringLiteral("log"), true}});
    qsizetype written = 0;
    int errorNumber = 0;
    if (!writeAll(m_fd, header.constData(), header.size(), &written, &errorNumber)
        || (m_fsync != Fsync::Never && ::fdatasync(m_fd) != 0)) {
        *error = QStringLiteral("cannot write session log %1: %2")
                     .arg(m_path, QString::fromLocal8Bit(std::strerror(errorNumber)));
        return false;
    }
    m_writtenBytes = m_syncedBytes = written;
    return true;
}

bool SessionLog::recover(const QString &path, const QString &sessionId, const Visitor &visitor,
                         QString *error, QStringList *warnings)
{
    m_path = path;
    m_sessionId = sessionId;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read session log %1: %2").arg(path, file.errorString());
        return false;
    }
    const qint64 fileSize = file.size();
    QByteArray bytes;
    qsizetype used = 0;
    qint64 offset = 0; // file offset of bytes[used]
    qint64 goodEnd = 0; // end of the last good record
    qsizetype lineNumber = 0;
    bool eof = false;
    const auto nextLine = [&](QByteArrayView *line) {
        while (true) {
            const qsizetype end = bytes.indexOf('\n', used);
            if (end >= 0) {
                *line = QByteArrayView(bytes).sliced(used, end + 1 - used);
                return true;
            }
            if (eof) {
                *line = QByteArrayView(bytes).sliced(used);
                return false;
            }
            bytes.remove(0, used);
            used = 0;
            const QByteArray block = file.read(kReadBlock);
            if (block.isEmpty())
                eof = true;
            bytes += block;
        }
    };

    QByteArrayView line;
    if (!nextLine(&line)) {
        *error = QStringLiteral("%1 is not a session log (no header line)").arg(path);
        return false;
    }
    ++lineNumber;
    const QJsonObject header = QJsonDocument::fromJson(line.toByteArray()).object();
    if (header.value(QStringLiteral("format")).toString() != u"inkstream-recording"
        || header.value(QStringLiteral("version")).toInt() != RecordingWriter::kFormatVersion
        || !header.value(QStringLiteral("log")).toBool()) {
        *error = QStringLiteral("%1 is not a session log of this version").arg(path);
        return false;
    }
    if (header.value(QStringLiteral("sessionId")).toString() != sessionId) {
        *error = QStringLiteral("%1 is the log of session \"%2\", not \"%3\"")
                     .arg(path, header.value(QStringLiteral("sessionId")).toString(), sessionId);
        return false;
    }
    m_epoch = header.value(QStringLiteral("epoch")).toString();
    const qint64 startedAt
        = QDateTime::fromString(header.value(QStringLiteral("startedAt")).toString(),
                                Qt::ISODateWithMs)
              .toMSecsSinceEpoch();
    offset = line.size();
    used += line.size();
    goodEnd = offset;
    qint64 lastTime = 0;

    while (true) {
        const bool complete = nextLine(&line);
        if (line.isEmpty())
            break;
        ++lineNumber;
        qint64 at = 0;
        QByteArrayView kind;
        QByteArrayView value;
        const LogRecord::Parse parsed
            = complete ? LogRecord::parse(line, &at, &kind, &value) : LogRecord::Parse::Incomplete;
        const bool isLast = offset + line.size() >= fileSize;
        if (parsed != LogRecord::Parse::Ok) {
            if (!isLast) {
                *error = QStringLiteral("session log %1 is damaged at line %2 (byte %3); later "
                                        "records follow, so it is not a torn end: move it away "
                                        "or repair it")
                             .arg(path)
                             .arg(lineNumber)
                             .arg(offset);
                return false;
            }
            const QString lost = describeTorn(line);
            warnings->append(QStringLiteral("session log %1: the last record (line %2, %3 of its "
                                            "bytes) was %4 when the publisher stopped; dropped "
                                            "it: %5")
                                 .arg(path)
                                 .arg(lineNumber)
                                 .arg(line.size())
                                 .arg(parsed == LogRecord::Parse::Incomplete
                                          ? QStringLiteral("cut off")
                                          : QStringLiteral("damaged"))
                                 .arg(lost));
            break;
        }
        lastTime = at;
        if (kind == "event") {
            DecodeResult decoded = EventCodec::decode({}, value);
            if (!decoded.ok() || decoded.event->sequence != m_lastSequence + 1) {
                *error = QStringLiteral("session log %1, line %2: %3")
                             .arg(path)
                             .arg(lineNumber)
                             .arg(decoded.ok() ? QStringLiteral("event %1 follows %2")
                                                     .arg(decoded.event->sequence)
                                                     .arg(m_lastSequence)
                                               : decoded.error);
                return false;
            }
            m_lastSequence = decoded.event->sequence;
            remember(*decoded.event, offset);
            if (visitor.event)
                visitor.event(*decoded.event);
        } else if (visitor.record) {
            const QJsonObject object = QJsonDocument::fromJson(value.toByteArray()).object();
            visitor.record(QString::fromLatin1(kind), object);
        }
        offset += line.size();
        used += line.size();
        goodEnd = offset;
    }
    file.close();
    m_writtenSequence = m_lastSequence;

    if (goodEnd < fileSize) {
        QFile truncating(path);
        if (!truncating.resize(goodEnd)) {
            *error = QStringLiteral("cannot cut the torn end off %1: %2")
                         .arg(path, truncating.errorString());
            return false;
        }
    }
    if (!openForAppend(error))
        return false;
    m_writtenBytes = m_syncedBytes = goodEnd;
    m_clock.restart();
    // Record times go on from where the log stopped, not from 0.
    m_timeBase = startedAt > 0 ? std::max(lastTime, QDateTime::currentMSecsSinceEpoch() - startedAt)
                               : lastTime;
    return true;
}

void SessionLog::remember(const Event &event, qint64 lineOffset)
{
    if ((event.sequence - 1) % kIndexStride == 0)
        m_index.append(lineOffset);
    m_cache.push_back(event);
    if (!isInMemory() && m_cache.size() > std::size_t(m_cacheSize))
        m_cache.pop_front();
}

void SessionLog::appendEvent(const Event &event, QByteArrayView json)
{
    Q_ASSERT(m_open);
    Q_ASSERT(event.sequence == m_lastSequence + 1);
    m_lastSequence = event.sequence;
    if (isInMemory()) {
        m_cache.push_back(event);
        return;
    }
    const qint64 lineOffset = m_writtenBytes + m_buffer.size();
    LogRecord::append(&m_buffer, m_timeBase + m_clock.elapsed(), "event", json);
    m_bufferedSequences.append(event.sequence);
    m_bufferedEnds.append(m_buffer.size());
    remember(event, lineOffset);
}

void SessionLog::appendRecord(QByteArrayView kind, const QJsonObject &value)
{
    Q_ASSERT(m_open);
    if (isInMemory())
        return;
    LogRecord::append(&m_buffer, m_timeBase + m_clock.elapsed(), kind,
                      QJsonDocument(value).toJson(QJsonDocument::Compact));
}

bool SessionLog::flush()
{
    if (isInMemory()) {
        m_writtenSequence = m_lastSequence;
        return true;
    }
    if (m_buffer.isEmpty())
        return true;
    qsizetype written = 0;
    int errorNumber = 0;
    const bool ok = writeAll(m_fd, m_buffer.constData(), m_buffer.size(), &written, &errorNumber);
    // Only whole lines count as written; a partial line is taken back (ftruncate) so the next
    // attempt writes it again from its start.
    qsizetype wholeLines = 0;
    qsizetype sequencesWritten = 0;
    if (ok) {
        wholeLines = written;
        sequencesWritten = m_bufferedSequences.size();
    } else {
        const qsizetype lastNewline = QByteArrayView(m_buffer).first(written).lastIndexOf('\n');
        wholeLines = lastNewline + 1;
        while (sequencesWritten < m_bufferedEnds.size()
               && m_bufferedEnds.at(sequencesWritten) <= wholeLines)
            ++sequencesWritten;
        if (written > wholeLines) [[maybe_unused]]
            const int cut = ::ftruncate(m_fd, m_writtenBytes + wholeLines);
    }
    if (sequencesWritten > 0)
        m_writtenSequence = m_bufferedSequences.at(sequencesWritten - 1);
    m_bufferedSequences.remove(0, sequencesWritten);
    m_bufferedEnds.remove(0, sequencesWritten);
    for (qint64 &end : m_bufferedEnds)
        end -= wholeLines;
    if (wholeLines < m_buffer.size())
        m_buffer.remove(0, wholeLines);
    else if (m_buffer.capacity() <= kKeptBufferCapacity)
        m_buffer.resize(0); // its memory serves the next turn's records
    else
        m_buffer = QByteArray(); // a burst's (or a full disk's backlog) is given back
    m_writtenBytes += wholeLines;

    if (!ok) {
        const QString reason = QStringLiteral("cannot write session log %1: %2")
                                   .arg(m_path, QString::fromLocal8Bit(std::strerror(errorNumber)));
        const bool first = m_error.isEmpty();
        m_error = reason;
        if (first) {
            qCWarning(lcServer, "%s", qPrintable(reason));
            Q_EMIT failed(reason);
        }
        return false;
    }
    if (!m_error.isEmpty()) {
        qCInfo(lcServer, "session log %s is written again", qPrintable(m_path));
        m_error.clear();
    }
    switch (m_fsync) {
    case Fsync::Always:
        ::fdatasync(m_fd);
        m_syncedBytes = m_writtenBytes;
        releaseWaiters(m_syncedBytes);
        break;
    case Fsync::Batch:
        m_worker->request(m_writtenBytes, !m_waiters.isEmpty());
        break;
    case Fsync::Never:
        releaseWaiters(m_writtenBytes);
        break;
    }
    return true;
}

void SessionLog::whenDurable(QObject *context, std::function<void()> done)
{
    flush();
    const qint64 target = m_writtenBytes + m_buffer.size();
    const qint64 durable = isInMemory() || m_fsync == Fsync::Never ? m_writtenBytes : m_syncedBytes;
    if (isInMemory() || (target <= durable && m_buffer.isEmpty())) {
        done();
        return;
    }
    m_waiters.append(Waiter {target, QPointer<QObject>(context), std::move(done)});
    if (m_fsync == Fsync::Batch && m_buffer.isEmpty())
        m_worker->request(m_writtenBytes, true);
}

void SessionLog::onSynced(qint64 offset)
{
    m_syncedBytes = std::max(m_syncedBytes, offset);
    releaseWaiters(m_syncedBytes);
}

void SessionLog::releaseWaiters(qint64 durableOffset)
{
    QList<Waiter> ready;
    for (qsizetype i = 0; i < m_waiters.size();) {
        if (m_waiters.at(i).offset <= durableOffset) {
            ready.append(m_waiters.takeAt(i));
        } else {
            ++i;
        }
    }
    for (const Waiter &waiter : std::as_const(ready)) {
        if (waiter.context)
            waiter.done();
    }
}

std::unique_ptr<SessionLog::Reader> SessionLog::readAfter(quint64 sequence) const
{
    return std::make_unique<SessionLogReader>(this, sequence);
}

QStringList SessionLog::removeCompletedOlderThan(const QString &directory, std::chrono::seconds age,
                                                 QStringList *warnings)
{
    QStringList removed;
    const QDir dir(directory);
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-age.count());
    const QStringList names = dir.entryList({QStringLiteral("*.log")}, QDir::Files);
    for (const QString &name : names) {
        const QString path = dir.filePath(name);
        const QFileInfo info(path);
        if (info.lastModified() > cutoff)
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        // The last record tells whether the session ended; it is short when it does.
        constexpr qint64 kTail = 64 * 1024;
        file.seek(std::max<qint64>(0, file.size() - kTail));
        const QByteArray tail = file.readAll();
        const qsizetype end = tail.endsWith('\n') ? tail.size() - 1 : -1;
        if (end < 0)
            continue;
        const qsizetype start = tail.lastIndexOf('\n', end - 1) + 1;
        qint64 at = 0;
        QByteArrayView kind;
        QByteArrayView value;
        if (LogRecord::parse(QByteArrayView(tail).sliced(start), &at, &kind, &value)
                != LogRecord::Parse::Ok
            || kind != "event" || !value.contains("\"event\":\"session\""))
            continue;
        file.close();
        QLockFile lock(path + QStringLiteral(".lock"));
        lock.setStaleLockTime(0);
        if (!lock.tryLock())
            continue; // a publisher still has it open
        if (QFile::remove(path))
            removed.append(path);
        else if (warnings)
            warnings->append(QStringLiteral("cannot remove expired session log %1").arg(path));
    }
    return removed;
}

} // namespace inkstream::core
