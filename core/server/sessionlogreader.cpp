#include "core/server/sessionlogreader.h"

#include "core/model/logrecord.h"
#include "core/protocol/eventcodec.h"

#include <algorithm>
#include <charconv>

namespace inkstream::core {

namespace {

// The sequence of an event record without decoding it: the native JSON starts with "seq".
quint64 sequenceOf(QByteArrayView json)
{
    constexpr QByteArrayView prefix = "{\"seq\":";
    if (!json.startsWith(prefix))
        return 0;
    quint64 value = 0;
    const char *begin = json.data() + prefix.size();
    const auto result = std::from_chars(begin, json.data() + json.size(), value);
    return result.ec == std::errc() ? value : 0;
}

} // namespace

SessionLogReader::SessionLogReader(const SessionLog *log, quint64 after)
    : m_log(log)
    , m_next(after + 1)
{ }

std::optional<Event> SessionLogReader::next()
{
    const SessionLog *log = m_log.data();
    if (!log || !m_error.isEmpty() || m_next > log->m_writtenSequence)
        return std::nullopt;
    if (!log->m_cache.empty() && m_next >= log->m_cache.front().sequence) {
        m_file.reset(); // the cache holds the rest
        return log->m_cache[std::size_t(m_next++ - log->m_cache.front().sequence)];
    }
    return fromFile(log);
}

std::optional<Event> SessionLogReader::fromFile(const SessionLog *log)
{
    if (!m_file) {
        m_file = std::make_unique<QFile>(log->m_path);
        if (!m_file->open(QIODevice::ReadOnly)) {
            m_error = QStringLiteral("cannot read session log %1: %2")
                          .arg(log->m_path, m_file->errorString());
            return std::nullopt;
        }
        const qsizetype slot = qsizetype((m_next - 1) / SessionLog::kIndexStride);
        if (slot >= log->m_index.size()) {
            m_error = QStringLiteral("session log %1 has no index entry for event %2")
                          .arg(log->m_path)
                          .arg(m_next);
            return std::nullopt;
        }
        m_position = log->m_index.at(slot);
        m_bytes.clear();
        m_used = 0;
    }
    while (true) {
        const qsizetype end = m_bytes.indexOf('\n', m_used);
        if (end < 0) {
            if (!readMore(log))
                return std::nullopt;
            continue;
        }
        const QByteArrayView line = QByteArrayView(m_bytes).sliced(m_used, end + 1 - m_used);
        m_used = end + 1;
        qint64 at = 0;
        QByteArrayView kind;
        QByteArrayView value;
        if (LogRecord::parse(line, &at, &kind, &value) != LogRecord::Parse::Ok) {
            m_error = QStringLiteral("session log %1 is damaged near byte %2")
                          .arg(log->m_path)
                          .arg(m_position);
            return std::nullopt;
        }
        if (kind != "event")
            continue;
        const quint64 sequence = sequenceOf(value);
        if (sequence < m_next)
            continue;
        DecodeResult decoded = EventCodec::decode({}, value);
        if (!decoded.ok() || sequence != m_next) {
            m_error = QStringLiteral("session log %1: event %2 unreadable: %3")
                          .arg(log->m_path)
                          .arg(m_next)
                          .arg(decoded.error);
            return std::nullopt;
        }
        ++m_next;
        return std::move(decoded.event);
    }
}

bool SessionLogReader::readMore(const SessionLog *log)
{
    if (m_used > 0) {
        m_bytes.remove(0, m_used);
        m_used = 0;
    }
    const qint64 limit = log->m_writtenBytes;
    if (m_position >= limit) {
        m_error
            = QStringLiteral("session log %1 ends before event %2").arg(log->m_path).arg(m_next);
        return false;
    }
    const qint64 want = std::min<qint64>(SessionLog::kReadBlock, limit - m_position);
    if (!m_file->seek(m_position)) {
        m_error = m_file->errorString();
        return false;
    }
    const QByteArray block = m_file->read(want);
    if (block.isEmpty()) {
        m_error = QStringLiteral("cannot read session log %1: %2")
                      .arg(log->m_path, m_file->errorString());
        return false;
    }
    m_position += block.size();
    m_bytes += block;
    return true;
}

} // namespace inkstream::core
