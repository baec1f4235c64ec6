#include "core/client/replayfilter.h"

#include <QTest>

using inkstream::core::ReplayFilter;
using inkstream::core::SseEvent;

class TestReplayFilter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstConnection_recordsEverything();
    void replayFromStart_skipsTheReceivedPrefix();
    void divergence_endsTheMatching();
    void connectionFrames_areNeitherRecordedNorMatched();
    void framesWithIds_areNeverSkipped();
};

namespace {

SseEvent frame(const char *data, const char *type = "message")
{
    return SseEvent {type, data, {}};
}

} // namespace

void TestReplayFilter::firstConnection_recordsEverything()
{
    ReplayFilter filter;
    filter.connectionOpened();
    QVERIFY(!filter.isReplayed(frame("a")));
    QVERIFY(!filter.isReplayed(frame("a"))); // the same frame twice in one connection is content
    QCOMPARE(filter.skipped(), 0u);
}

void TestReplayFilter::replayFromStart_skipsTheReceivedPrefix()
{
    ReplayFilter filter;
    filter.connectionOpened();
    QVERIFY(!filter.isReplayed(frame("a")));
    QVERIFY(!filter.isReplayed(frame("b")));
    filter.connectionOpened();
    QVERIFY(filter.isReplayed(frame("a")));
    QVERIFY(filter.isReplayed(frame("b")));
    QVERIFY(!filter.isReplayed(frame("c"))); // past what was received: new
    filter.connectionOpened();
    QVERIFY(filter.isReplayed(frame("a")));
    QVERIFY(filter.isReplayed(frame("b")));
    QVERIFY(filter.isReplayed(frame("c")));
    QVERIFY(!filter.isReplayed(frame("d")));
    QCOMPARE(filter.skipped(), 5u);
}

void TestReplayFilter::divergence_endsTheMatching()
{
    ReplayFilter filter;
    filter.connectionOpened();
    QVERIFY(!filter.isReplayed(frame("a")));
    QVERIFY(!filter.isReplayed(frame("b")));
    filter.connectionOpened();
    QVERIFY(!filter.isReplayed(frame("x"))); // a server that resumed instead
    QVERIFY(!filter.isReplayed(frame("a")));
    QCOMPARE(filter.skipped(), 0u);
}

void TestReplayFilter::connectionFrames_areNeitherRecordedNorMatched()
{
    ReplayFilter filter;
    filter.connectionOpened();
    QVERIFY(!filter.isReplayed(frame(R"({"clientId":"c1"})", "connected")));
    QVERIFY(!filter.isReplayed(frame("a", "code")));
    filter.connectionOpened();
    QVERIFY(!filter.isReplayed(frame(R"({"clientId":"c2"})", "connected")));
    QVERIFY(filter.isReplayed(frame("a", "code")));
    QVERIFY(!filter.isReplayed(frame("a", "other"))); // the event name is part of the frame
}

void TestReplayFilter::framesWithIds_areNeverSkipped()
{
    ReplayFilter filter;
    filter.connectionOpened();
    QVERIFY(!filter.isReplayed(SseEvent {"message", "a", "1"}));
    filter.connectionOpened();
    QVERIFY(!filter.isReplayed(SseEvent {"message", "a", "1"}));
}

QTEST_GUILESS_MAIN(TestReplayFilter)
#include "tst_replayfilter.moc"
