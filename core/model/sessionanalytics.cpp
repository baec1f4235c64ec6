#include "core/model/sessionanalytics.h"

#include <QJsonArray>
#include <QStringView>

namespace inkstream::core {

namespace {

qint64 codePoints(QStringView text)
{
    qint64 surrogates = 0;
    for (const QChar c : text)
        surrogates += c.isLowSurrogate() ? 1 : 0;
    return text.size() - surrogates;
}

QJsonValue optionalMs(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(*ms) : QJsonValue(QJsonValue::Null);
}

double perSecond(qint64 count, qint64 ms)
{
    return ms > 0 ? double(count) * 1000.0 / double(ms) : 0.0;
}

} // namespace

SessionAnalytics::SessionAnalytics(qint64 bucketMs, int maxBuckets)
    : m_initialBucketMs(qMax<qint64>(1, bucketMs))
    , m_bucketMs(m_initialBucketMs)
    , m_maxBuckets(qMax(2, maxBuckets))
{ }

void SessionAnalytics::clear()
{
    *this = SessionAnalytics(m_initialBucketMs, m_maxBuckets);
}

void SessionAnalytics::recordEvent(const Event &event, qsizetype wireBytes, qint64 atMs)
{
    atMs = qMax<qint64>(0, atMs);
    if (!m_firstEventMs)
        m_firstEventMs = atMs;
    m_lastEventMs = qMax(m_lastEventMs, atMs);
    ++m_events;
    m_bytes += wireBytes;

    qint64 code = 0;
    qint64 chat = 0;
    bool delta = false;
    if (const auto *codeEvent = std::get_if<CodeEvent>(&event.payload)) {
        if (codeEvent->type == CodeEvent::Type::Delta) {
            code = codePoints(codeEvent->delta);
            delta = true;
        }
        const bool bringsCode = code > 0
            || (codeEvent->type == CodeEvent::Type::Complete && !codeEvent->fullContent.isEmpty());
        if (bringsCode && !m_firstCodeMs)
            m_firstCodeMs = atMs;
    } else if (const auto *chatEvent = std::get_if<ChatEvent>(&event.payload)) {
        if (chatEvent->type == ChatEvent::Type::Delta) {
            chat = codePoints(chatEvent->delta);
            delta = true;
        }
    } else if (const auto *usage = std::get_if<UsageEvent>(&event.payload)) {
        recordUsage(*usage);
    }
    m_codeChars += code;
    m_chatChars += chat;
    m_tokens += delta ? 1 : 0;

    ThroughputBucket &bucket = bucketAt(atMs);
    bucket.codeChars += code;
    bucket.chatChars += chat;
    bucket.tokens += delta ? 1 : 0;
    ++bucket.events;
    bucket.bytes += wireBytes;
}

void SessionAnalytics::recordUsage(const UsageEvent &usage)
{
    ++m_usageReplies;
    const auto add = [](qint64 *total, qint64 count) {
        if (count >= 0)
            *total = qMax<qint64>(0, *total) + count;
    };
    add(&m_inputTokens, usage.inputTokens);
    add(&m_outputTokens, usage.outputTokens);
    if (usage.stopReason.isEmpty())
        return;
    for (auto &[reason, count] : m_stopReasons) {
        if (reason == usage.stopReason) {
            ++count;
            return;
        }
    }
    m_stopReasons.append({usage.stopReason, 1});
}

ThroughputBucket &SessionAnalytics::bucketAt(qint64 atMs)
{
    while (atMs / m_bucketMs >= m_maxBuckets)
        mergeBuckets();
    const qsizetype index = atMs / m_bucketMs;
    while (m_buckets.size() <= index)
        m_buckets.append(ThroughputBucket {qint64(m_buckets.size()) * m_bucketMs});
    return m_buckets[index];
}

void SessionAnalytics::mergeBuckets()
{
    QList<ThroughputBucket> merged;
    merged.reserve(m_buckets.size() / 2 + 1);
    for (qsizetype i = 0; i < m_buckets.size(); i += 2) {
        ThroughputBucket pair = m_buckets.at(i);
        if (i + 1 < m_buckets.size()) {
            const ThroughputBucket &second = m_buckets.at(i + 1);
            pair.codeChars += second.codeChars;
            pair.chatChars += second.chatChars;
            pair.tokens += second.tokens;
            pair.events += second.events;
            pair.bytes += second.bytes;
        }
        merged.append(pair);
    }
    m_buckets = std::move(merged);
    m_bucketMs *= 2;
}

qint64 SessionAnalytics::durationMs() const
{
    return m_firstEventMs ? m_lastEventMs - *m_firstEventMs : 0;
}

double SessionAnalytics::codeCharsPerSecond() const
{
    return perSecond(m_codeChars, durationMs());
}

double SessionAnalytics::tokensPerSecond() const
{
    return perSecond(m_tokens, durationMs());
}

double SessionAnalytics::peakCodeCharsPerSecond() const
{
    qint64 peak = 0;
    for (const ThroughputBucket &bucket : m_buckets)
        peak = qMax(peak, bucket.codeChars);
    return perSecond(peak, m_bucketMs);
}

// {"replies": N, "inputTokens": N|null, "outputTokens": N|null, "stopReasons": {"end_turn": N}}
QJsonObject SessionAnalytics::usageJson() const
{
    const auto count = [](qint64 tokens) {
        return tokens >= 0 ? QJsonValue(tokens) : QJsonValue(QJsonValue::Null);
    };
    QJsonObject reasons;
    for (const auto &[reason, replies] : m_stopReasons)
        reasons.insert(reason, replies);
    return {{QStringLiteral("replies"), m_usageReplies},
            {QStringLiteral("inputTokens"), count(m_inputTokens)},
            {QStringLiteral("outputTokens"), count(m_outputTokens)},
            {QStringLiteral("stopReasons"), reasons}};
}

QJsonObject SessionAnalytics::toJson() const
{
    QJsonArray throughput;
    for (const ThroughputBucket &bucket : m_buckets)
        throughput.append(QJsonObject {
            {QStringLiteral("atMs"), bucket.startMs},
            {QStringLiteral("charsPerSecond"), perSecond(bucket.codeChars, m_bucketMs)},
            {QStringLiteral("chatCharsPerSecond"), perSecond(bucket.chatChars, m_bucketMs)},
            {QStringLiteral("tokensPerSecond"), perSecond(bucket.tokens, m_bucketMs)},
            {QStringLiteral("events"), bucket.events},
            {QStringLiteral("bytes"), bucket.bytes}});
    return {{QStringLiteral("timeToFirstEventMs"), optionalMs(m_firstEventMs)},
            {QStringLiteral("timeToFirstCodeMs"), optionalMs(m_firstCodeMs)},
            {QStringLiteral("durationMs"), durationMs()},
            {QStringLiteral("bytes"), m_bytes},
            {QStringLiteral("codeChars"), m_codeChars},
            {QStringLiteral("chatChars"), m_chatChars},
            {QStringLiteral("tokens"), m_tokens},
            {QStringLiteral("charsPerSecond"), codeCharsPerSecond()},
            {QStringLiteral("tokensPerSecond"), tokensPerSecond()},
            {QStringLiteral("usage"), usageJson()},
            {QStringLiteral("throughputBucketMs"), m_bucketMs},
            {QStringLiteral("throughput"), throughput}};
}

} // namespace inkstream::core
