#include "core/model/sessionmodel.h"
#include "core/protocol/dialectdecoder.h"
#include "ui/progresstracker.h"

#include <QTest>

using namespace inkstream::core;
using inkstream::ui::ProgressTracker;

// The tracker shows the steps a source names itself, else the four fixed ones.
class TestProgressTracker final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nativeSession_showsTheFourSteps();
    void writingFlowAutopilot_showsTheSourceSteps();
    void statusRow_doesNotRepeatTheStepTitle();
    void manySteps_labelsNeitherOverlapNorRunOn();
};

namespace {

// Seed 004's autopilot frames through the writing-flow decoder into `model`.
void feed(DialectDecoder *decoder, SessionModel *model, const QList<QByteArray> &frames)
{
    for (const QByteArray &data : frames) {
        for (const EventPayload &payload : decoder->decode({"message", data, {}}).events)
            QVERIFY(model->apply(Event {model->lastSequence() + 1, QString(), payload}));
    }
}

QStringList titles(const ProgressTracker &tracker)
{
    QStringList result;
    for (int i = 0; i < tracker.stepCount(); ++i)
        result.append(tracker.stepTitle(i));
    return result;
}

} // namespace

void TestProgressTracker::nativeSession_showsTheFourSteps()
{
    SessionModel model;
    ProgressTracker tracker(&model);
    model.apply(Event {1, QString(), StepEvent {StepName::Generating, StepEvent::Status::Start}});
    QCOMPARE(titles(tracker),
             (QStringList {QStringLiteral("Planning"), QStringLiteral("Generating"),
                           QStringLiteral("Validating"), QStringLiteral("Complete")}));
    QCOMPARE(tracker.currentStep(), 1);
}

void TestProgressTracker::writingFlowAutopilot_showsTheSourceSteps()
{
    const auto decoder = DialectDecoder::create(Dialect::WritingFlow);
    SessionModel model;
    ProgressTracker tracker(&model);
    tracker.resize(720, tracker.sizeHint().height());
    tracker.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tracker));

    feed(decoder.get(), &model,
         {R"({"step":"search","progress":10,"message":"Searching sources..."})",
          R"({"step":"search","progress":25,"stats":{"hits":14,"verified":0,"sections":0}})"});
    QCOMPARE(titles(tracker), QStringList {QStringLiteral("Search")});
    QCOMPARE(tracker.stepState(0), StepState::Active);

    feed(decoder.get(), &model,
         {R"({"step":"strategy","progress":45,"message":"Choosing a strategy"})",
          R"({"step":"outline","progress":80,"message":"Outlining"})"});
    QCOMPARE(titles(tracker),
             (QStringList {QStringLiteral("Search"), QStringLiteral("Strategy"),
                           QStringLiteral("Outline")}));
    QCOMPARE(tracker.stepState(0), StepState::Complete);
    QCOMPARE(tracker.stepState(1), StepState::Complete);
    QCOMPARE(tracker.stepState(2), StepState::Active);
    QCOMPARE(tracker.currentStep(), 2);
    QCOMPARE(model.progress(), 80);
    QCOMPARE(tracker.statusText(), QStringLiteral("Outlining"));
    QVERIFY(!tracker.grab().isNull()); // paints with three stations

    feed(decoder.get(), &model, {R"({"step":"done","progress":100,"docId":"doc-7"})"});
    QCOMPARE(tracker.stepCount(), 3);
    for (int i = 0; i < tracker.stepCount(); ++i)
        QCOMPARE(tracker.stepState(i), StepState::Complete);
    QCOMPARE(tracker.currentStep(), -1);
    QCOMPARE(model.state(), SessionState::Complete);
}

// Issue 19, 9: "Generating" over the station and "Generating shortener/store.py" under the bar
// said the step twice; the status row says what the title does not.
void TestProgressTracker::statusRow_doesNotRepeatTheStepTitle()
{
    SessionModel model;
    ProgressTracker tracker(&model);
    model.apply(Event {1, QString(), StepEvent {StepName::Generating, StepEvent::Status::Start}});
    model.apply(
        Event {2, QString(), ProgressEvent {16, QStringLiteral("Generating shortener/store.py")}});
    QCOMPARE(tracker.statusText(), QStringLiteral("shortener/store.py"));
    model.apply(
        Event {3, QString(), ProgressEvent {18, QStringLiteral("generating: web/client.ts")}});
    QCOMPARE(tracker.statusText(), QStringLiteral("web/client.ts"));
    model.apply(Event {4, QString(), ProgressEvent {20, QStringLiteral("Generating")}});
    QCOMPARE(tracker.statusText(), QString()); // nothing the title does not say
    // A detail that only starts like the title keeps its words.
    model.apply(Event {5, QString(), ProgressEvent {22, QStringLiteral("Generatingly odd")}});
    QCOMPARE(tracker.statusText(), QStringLiteral("Generatingly odd"));
    // Without a current step the detail is whole.
    model.apply(
        Event {6, QString(), StepEvent {StepName::Generating, StepEvent::Status::Complete}});
    model.apply(Event {7, QString(), ProgressEvent {60, QStringLiteral("Generating done")}});
    QCOMPARE(tracker.statusText(), QStringLiteral("Generating done"));
}

// Issue 19, 9: a source with many steps in a narrow window: each title stays inside its own
// room between the stations (elided), instead of running over its neighbours.
void TestProgressTracker::manySteps_labelsNeitherOverlapNorRunOn()
{
    SessionModel model;
    ProgressTracker tracker(&model);
    tracker.resize(420, tracker.sizeHint().height());
    tracker.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tracker));
    quint64 sequence = 0;
    for (const char *step : {"research", "clarification", "architecture", "implementation",
                             "verification", "documentation", "publication"})
        QVERIFY(model.apply(Event {++sequence, QString(),
                                   StepEvent {StepName::Generating, StepEvent::Status::Start,
                                              QString(), QString::fromLatin1(step)}}));
    QCOMPARE(tracker.stepCount(), 7);
    const QFontMetrics metrics(tracker.font());
    for (int i = 0; i < tracker.stepCount(); ++i) {
        const QRect room = tracker.labelRect(i);
        QVERIFY(tracker.rect().contains(room.center()));
        if (i > 0)
            QVERIFY2(!room.intersects(tracker.labelRect(i - 1)),
                     qPrintable(QStringLiteral("step %1 overlaps step %2").arg(i).arg(i - 1)));
        const QString shown = tracker.shownStepTitle(i);
        QVERIFY2(metrics.horizontalAdvance(shown) <= room.width() || shown.size() <= 1,
                 qPrintable(shown));
        QVERIFY(!shown.isEmpty());
    }
    QVERIFY(tracker.shownStepTitle(3) != tracker.stepTitle(3)); // "Implementation" is elided
    tracker.resize(1400, tracker.height());
    QCOMPARE(tracker.shownStepTitle(3), tracker.stepTitle(3)); // whole where there is room
}

QTEST_MAIN(TestProgressTracker)
#include "tst_progresstracker.moc"
