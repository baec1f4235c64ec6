#include "core/model/sessionanalytics.h"
#include "tests/support/eventbuilders.h"

#include <QJsonArray>
#include <QTest>

using namespace inkstream::core;
using namespace inkstream::test;

class TestSessionAnalytics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nothingYet_timesNullRatesZero();
    void firstEventAndFirstCode_timedSeparately();
    void characters_areCodePoints_tokensAreDeltas();
    void snapshot_countsAsEventWithoutCharacters();
    void rates_overTheSessionDuration();
    void longSession_bucketsMergeAndKeepTotals();
    void clear_forgetsEverything();
    void usage_addsUpWhatRepliesReported();
};

namespace {

const QString kFile = QStringLiteral("a.rs");

} // namespace

void TestSessionAnalytics::nothingYet_timesNullRatesZero()
{
    const SessionAnalytics analytics;
    QVERIFY(!analytics.timeToFirstEventMs());
    QVERIFY(!analytics.timeToFirstCodeMs());
    QCOMPARE(analytics.durationMs(), 0);
    QCOMPARE(analytics.codeCharsPerSecond(), 0.0);
    const QJsonObject json = analytics.toJson();
    QVERIFY(json.value(QStringLiteral("timeToFirstEventMs")).isNull());
    QVERIFY(json.value(QStringLiteral("timeToFirstCodeMs")).isNull());
    QCOMPARE(json.value(QStringLiteral("throughput")).toArray().size(), 0);
}

void TestSessionAnalytics::firstEventAndFirstCode_timedSeparately()
{
    SessionAnalytics analytics;
    analytics.recordEvent(Event {0, {}, ConnectedEvent {QStringLiteral("c")}}, 60, 120);
    analytics.recordEvent(makeEvent(1, StepEvent {}), 80, 300);
    analytics.recordEvent(makeEvent(1, code(CodeEvent::Type::Start, kFile)), 90, 500);
    analytics.recordEvent(makeEvent(1, code(CodeEvent::Type::Delta, kFile)), 90,
                          600); // empty delta: no code yet
    QCOMPARE(*analytics.timeToFirstEventMs(), 120);
    QVERIFY(!analytics.timeToFirstCodeMs());
    analytics.recordEvent(makeEvent(1, code(CodeEvent::Type::Delta, kFile, QStringLiteral("fn"))),
                          95, 700);
    QCOMPARE(*analytics.timeToFirstCodeMs(), 700);
    QCOMPARE(analytics.durationMs(), 580);
    QCOMPARE(analytics.events(), 5);
    QCOMPARE(analytics.bytes(), 415);

    // A whole file in one `complete` (publishers with streaming off) is code too.
    SessionAnalytics whole;
    whole.recordEvent(makeEvent(1, code(CodeEvent::Type::Start, kFile)), 90, 10);
    whole.recordEvent(
        makeEvent(1, code(CodeEvent::Type::Complete, kFile, QStringLiteral("fn main() {}"))), 90,
        40);
    QCOMPARE(*whole.timeToFirstCodeMs(), 40);
}

void TestSessionAnalytics::characters_areCodePoints_tokensAreDeltas()
{
    SessionAnalytics analytics;
    analytics.recordEvent(makeEvent(1, code(CodeEvent::Type::Delta, kFile, QStringLiteral("😀é\n"))),
                          1, 0);
    analytics.recordEvent(makeEvent(1, code(CodeEvent::Type::Delta, kFile, QStringLiteral("ab"))),
                          1, 10);
    analytics.recordEvent(
        makeEvent(1, chat(ChatEvent::Type::Delta, QStringLiteral("m"), QStringLiteral("漢字 ok"))),
        1, 20);
    analytics.recordEvent(
        makeEvent(1, code(CodeEvent::Type::Complete, kFile, QStringLiteral("😀é\nab"))), 1, 30);
    QCOMPARE(analytics.codeChars(), 5);
    QCOMPARE(analytics.chatChars(), 5);
    QCOMPARE(analytics.tokens(), 3);
}

void TestSessionAnalytics::snapshot_countsAsEventWithoutCharacters()
{
    SessionAnalytics analytics;
    analytics.recordEvent(Event {7, QStringLiteral("s"), SnapshotEvent {}}, 5000, 50);
    QCOMPARE(analytics.events(), 1);
    QCOMPARE(analytics.bytes(), 5000);
    QCOMPARE(analytics.codeChars(), 0);
    QCOMPARE(analytics.tokens(), 0);
    QVERIFY(!analytics.timeToFirstCodeMs());
}

void TestSessionAnalytics::rates_overTheSessionDuration()
{
    SessionAnalytics analytics(1000);
    // 5 characters every 20 ms from t = 1 s to t = 3 s: 250 chars/s, 50 tokens/s.
    for (qint64 at = 1000; at <= 3000; at += 20)
        analytics.recordEvent(
            makeEvent(1, code(CodeEvent::Type::Delta, kFile, QStringLiteral("abcde"))), 100, at);
    QCOMPARE(analytics.durationMs(), 2000);
    QCOMPARE(analytics.codeChars(), 101 * 5);
    QCOMPARE(analytics.codeCharsPerSecond(), 252.5);
    QCOMPARE(analytics.tokensPerSecond(), 50.5);
    QCOMPARE(analytics.buckets().size(), 4); // [0,1) s empty, then three seconds
    QCOMPARE(analytics.buckets().at(0).codeChars, 0);
    QCOMPARE(analytics.buckets().at(1).codeChars, 50 * 5);
    QCOMPARE(analytics.buckets().at(1).startMs, 1000);
    QCOMPARE(analytics.peakCodeCharsPerSecond(), 250.0);
    const QJsonArray throughput = analytics.toJson().value(QStringLiteral("throughput")).toArray();
    QCOMPARE(throughput.size(), 4);
    QCOMPARE(throughput.at(2).toObject().value(QStringLiteral("charsPerSecond")).toDouble(), 250.0);
    QCOMPARE(throughput.at(2).toObject().value(QStringLiteral("tokensPerSecond")).toDouble(), 50.0);
}

void TestSessionAnalytics::longSession_bucketsMergeAndKeepTotals()
{
    SessionAnalytics analytics(100, 4);
    for (qint64 at = 0; at < 1000; at += 10)
        analytics.recordEvent(
            makeEvent(1, code(CodeEvent::Type::Delta, kFile, QStringLiteral("x"))), 2, at);
    QCOMPARE(analytics.bucketMs(), 400); // 10 buckets of 100 ms -> 5 of 200 -> 3 of 400
    QCOMPARE(analytics.buckets().size(), 3);
    qint64 chars = 0;
    qint64 bytes = 0;
    for (const ThroughputBucket &bucket : analytics.buckets()) {
        chars += bucket.codeChars;
        bytes += bucket.bytes;
    }
    QCOMPARE(chars, 100);
    QCOMPARE(bytes, 200);
    QCOMPARE(analytics.buckets().at(0).codeChars, 40);
    QCOMPARE(analytics.buckets().at(2).startMs, 800);
    QCOMPARE(analytics.buckets().at(2).codeChars, 20);
}

void TestSessionAnalytics::clear_forgetsEverything()
{
    SessionAnalytics analytics(100, 4);
    for (qint64 at = 0; at < 1000; at += 10)
        analytics.recordEvent(
            makeEvent(1, code(CodeEvent::Type::Delta, kFile, QStringLiteral("x"))), 2, at);
    analytics.clear();
    QVERIFY(!analytics.timeToFirstEventMs());
    QCOMPARE(analytics.events(), 0);
    QCOMPARE(analytics.buckets().size(), 0);
    QCOMPARE(analytics.bucketMs(), 100);
}

void TestSessionAnalytics::usage_addsUpWhatRepliesReported()
{
    SessionAnalytics analytics;
    QCOMPARE(analytics.inputTokens(), -1);
    QCOMPARE(analytics.toJson().value(QStringLiteral("usage")).toObject(),
             (QJsonObject {{QStringLiteral("replies"), 0},
                           {QStringLiteral("inputTokens"), QJsonValue::Null},
                           {QStringLiteral("outputTokens"), QJsonValue::Null},
                           {QStringLiteral("stopReasons"), QJsonObject {}}}));
    const auto usage = [](const char *reason, qint64 input, qint64 output) {
        return Event {1, QStringLiteral("s"),
                      UsageEvent {QStringLiteral("r"), QString::fromLatin1(reason), input, output}};
    };
    analytics.recordEvent(usage("stop", 10, -1), 50, 5);
    analytics.recordEvent(usage("length", -1, -1), 50, 6);
    analytics.recordEvent(usage("stop", 5, 7), 50, 7);
    analytics.recordEvent(usage("", -1, 3), 50, 8);
    QCOMPARE(analytics.usageReplies(), 4);
    QCOMPARE(analytics.inputTokens(), 15);
    QCOMPARE(analytics.outputTokens(), 10);
    const QList<std::pair<QString, qint64>> reasons {{QStringLiteral("stop"), 2},
                                                     {QStringLiteral("length"), 1}};
    QCOMPARE(analytics.stopReasons(), reasons);
    // A usage event is an event, but neither code nor a streamed token.
    QCOMPARE(analytics.events(), 4);
    QCOMPARE(analytics.tokens(), 0);
    const QJsonObject json = analytics.toJson().value(QStringLiteral("usage")).toObject();
    QCOMPARE(json.value(QStringLiteral("replies")).toInteger(), 4);
    QCOMPARE(json.value(QStringLiteral("outputTokens")).toInteger(), 10);
    QCOMPARE(json.value(QStringLiteral("stopReasons")).toObject(),
             (QJsonObject {{QStringLiteral("stop"), 2}, {QStringLiteral("length"), 1}}));
}

QTEST_APPLESS_MAIN(TestSessionAnalytics)
#include "tst_sessionanalytics.moc"
