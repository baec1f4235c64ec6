#pragma once

#include "core/protocol/event.h"

#include <QJsonObject>
#include <QList>
#include <optional>
#include <utility>

namespace inkstream::core {

// One slice of the session's throughput over time.
struct ThroughputBucket
{
    qint64 startMs = 0; // since the watch started
    qint64 codeChars = 0; // characters of code that arrived in it
    qint64 chatChars = 0;
    qint64 tokens = 0; // streamed deltas (code and chat)
    qint64 events = 0;
    qint64 bytes = 0; // on the wire
};

// What a session looked like from the viewer's side: how long until the first event and the
// first code, how long it ran, how much arrived and how fast, over time. Fed the events as
// they arrive with their time since the watch started (live) or since the recording started
// (replay), so live sessions and recordings are measured the same way.
//
// "Tokens" are streamed deltas: an LLM stream sends about one token per delta (the native demo
// types a few characters per delta). Characters are Unicode code points. A snapshot (late join,
// re-sync) brings state, not streamed text, so it counts as an event but adds no characters.
class SessionAnalytics final
{
public:
    // Throughput is kept in buckets of this width; past `maxBuckets`, neighbours merge and the
    // width doubles, so a session of any length takes bounded memory.
    explicit SessionAnalytics(qint64 bucketMs = 1000, int maxBuckets = 240);

    void clear();
    void recordEvent(const Event &event, qsizetype wireBytes, qint64 atMs);

    std::optional<qint64> timeToFirstEventMs() const { return m_firstEventMs; }
    std::optional<qint64> timeToFirstCodeMs() const { return m_firstCodeMs; }
    // From the first event to the last one.
    qint64 durationMs() const;
    qint64 events() const { return m_events; }
    qint64 bytes() const { return m_bytes; }
    qint64 codeChars() const { return m_codeChars; }
    qint64 chatChars() const { return m_chatChars; }
    qint64 tokens() const { return m_tokens; }
    // Averages over durationMs(); 0 before there is a duration.
    double codeCharsPerSecond() const;
    double tokensPerSecond() const;

    // What the model reported about its replies (`usage` events of the LLM dialects): how many
    // replies said, the tokens they counted (-1 while none reported them) and why each stopped.
    qint64 usageReplies() const { return m_usageReplies; }
    qint64 inputTokens() const { return m_inputTokens; }
    qint64 outputTokens() const { return m_outputTokens; }
    // Stop reasons in the order first seen, with how many replies gave each.
    const QList<std::pair<QString, qint64>> &stopReasons() const { return m_stopReasons; }

    qint64 bucketMs() const { return m_bucketMs; }
    const QList<ThroughputBucket> &buckets() const { return m_buckets; }
    // The highest per-second code character rate of any bucket, for scaling a chart.
    double peakCodeCharsPerSecond() const;

    // The fields `watch --summary` reports (docs/cli.md): the times are null until known.
    QJsonObject toJson() const;
    QJsonObject usageJson() const; // toJson()'s "usage" member

private:
    ThroughputBucket &bucketAt(qint64 atMs);
    void recordUsage(const UsageEvent &usage);
    void mergeBuckets();

    qint64 m_initialBucketMs;
    qint64 m_bucketMs;
    int m_maxBuckets;
    std::optional<qint64> m_firstEventMs;
    std::optional<qint64> m_firstCodeMs;
    qint64 m_lastEventMs = 0;
    qint64 m_events = 0;
    qint64 m_bytes = 0;
    qint64 m_codeChars = 0;
    qint64 m_chatChars = 0;
    qint64 m_tokens = 0;
    qint64 m_usageReplies = 0;
    qint64 m_inputTokens = -1;
    qint64 m_outputTokens = -1;
    QList<std::pair<QString, qint64>> m_stopReasons;
    QList<ThroughputBucket> m_buckets; // consecutive, from 0, m_bucketMs wide
};

} // namespace inkstream::core
