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

QTEST_MAIN(TestProgressTracker)
#include "tst_progresstracker.moc"
