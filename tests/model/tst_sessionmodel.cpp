#include "core/model/sessionmodel.h"
#include "tests/support/eventbuilders.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace inkstream::core;
using namespace inkstream::test;

class TestSessionModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deltas_appendInOrderAndTrackPosition()
    {
        SessionModel model;
        QSignalSpy added(&model, &SessionModel::fileAdded);
        QSignalSpy appended(&model, &SessionModel::fileTextAppended);
        QVERIFY(model.apply(makeEvent(1, code(CodeEvent::Type::Start, QStringLiteral("a.py")))));
        QVERIFY(model.apply(makeEvent(
            2,
            code(CodeEvent::Type::Delta, QStringLiteral("a.py"), QStringLiteral("def f():\n")))));
        QVERIFY(model.apply(makeEvent(3,
                                      code(CodeEvent::Type::Delta, QStringLiteral("a.py"),
                                           QStringLiteral("    return \"é🎉\"")))));
        QCOMPARE(added.count(), 1);
        QCOMPARE(appended.count(), 2);
        QCOMPARE(appended.at(1).at(1).toString(), QStringLiteral("    return \"é🎉\""));
        const SessionFile &file = model.files().at(0);
        QCOMPARE(file.content, QStringLiteral("def f():\n    return \"é🎉\""));
        QCOMPARE(file.language, QStringLiteral("Python"));
        QCOMPARE(file.state, FileState::Writing);
        QCOMPARE(file.end.line, 1);
        QCOMPARE(file.end.column, 16); // 🎉 counts as two UTF-16 units
        QCOMPARE(model.lastSequence(), quint64(3));
        QCOMPARE(model.state(), SessionState::Running);
    }

    void offsetDeltas_receivedTwice_areAppendedOnce()
    {
        SessionModel model;
        QSignalSpy appended(&model, &SessionModel::fileTextAppended);
        const auto delta = [](const QString &text, qint64 offset) {
            CodeEvent event = code(CodeEvent::Type::Delta, QStringLiteral("a.py"), text);
            event.offset = offset;
            return event;
        };
        QVERIFY(model.apply(makeEvent(1, code(CodeEvent::Type::Start, QStringLiteral("a.py")))));
        QVERIFY(model.apply(makeEvent(2, delta(QStringLiteral("abc"), 0))));
        QVERIFY(model.apply(makeEvent(3, delta(QStringLiteral("def"), 3))));
        // A merged catch-up piece that overlaps what arrived: only the new tail is appended.
        QVERIFY(model.apply(makeEvent(4, delta(QStringLiteral("bcdefgh🎉"), 1))));
        // Entirely known: nothing happens.
        QVERIFY(model.apply(makeEvent(5, delta(QStringLiteral("abcdefgh"), 0))));
        QCOMPARE(model.files().at(0).content, QStringLiteral("abcdefgh🎉"));
        QCOMPARE(appended.count(), 3);
        QCOMPARE(appended.at(2).at(1).toString(), QStringLiteral("gh🎉"));
        QCOMPARE(model.repeatedCharacters(), quint64(5 + 8));
        QCOMPARE(model.files().at(0).end.column, 10);

        // Beyond what arrived: a gap, refused and reported, the file unchanged.
        QSignalSpy errors(&model, &SessionModel::errorReported);
        QVERIFY(!model.apply(makeEvent(6, delta(QStringLiteral("zz"), 40))));
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.at(0).at(0).toString().contains(QStringLiteral("gap")),
                 qPrintable(errors.at(0).at(0).toString()));
        QCOMPARE(model.files().at(0).content, QStringLiteral("abcdefgh🎉"));
    }

    void offsetChat_receivedTwice_isAppendedOnce()
    {
        SessionModel model;
        ChatEvent start = chat(ChatEvent::Type::Start, QStringLiteral("m"), QStringLiteral("Hel"));
        start.offset = 0;
        QVERIFY(model.apply(makeEvent(1, start)));
        QVERIFY(model.apply(makeEvent(1, start)));
        ChatEvent more = chat(ChatEvent::Type::Delta, QStringLiteral("m"), QStringLiteral("llo"));
        more.offset = 2;
        QVERIFY(model.apply(makeEvent(2, more)));
        QCOMPARE(model.chat().size(), 1);
        QCOMPARE(model.chat().at(0).text, QStringLiteral("Hello"));
        ChatEvent ahead
            = chat(ChatEvent::Type::Delta, QStringLiteral("other"), QStringLiteral("x"));
        ahead.offset = 3;
        QVERIFY(!model.apply(makeEvent(3, ahead)));
        QCOMPARE(model.chat().size(), 1); // no message made up for a gap
    }

    void complete_withMatchingContent_doesNotCorrect()
    {
        SessionModel model;
        QSignalSpy corrected(&model, &SessionModel::contentCorrected);
        model.apply(makeEvent(
            1, code(CodeEvent::Type::Delta, QStringLiteral("x.js"), QStringLiteral("let a = 1;"))));
        QVERIFY(model.apply(makeEvent(2,
                                      code(CodeEvent::Type::Complete, QStringLiteral("x.js"),
                                           QStringLiteral("let a = 1;")))));
        QCOMPARE(corrected.count(), 0);
        QCOMPARE(model.files().at(0).state, FileState::Complete);
    }

    void complete_withDifferentContent_isAuthoritativeAndReported()
    {
        SessionModel model;
        QSignalSpy corrected(&model, &SessionModel::contentCorrected);
        QSignalSpy reset(&model, &SessionModel::fileTextReset);
        model.apply(makeEvent(
            1, code(CodeEvent::Type::Delta, QStringLiteral("x.js"), QStringLiteral("let a"))));
        model.apply(makeEvent(2,
                              code(CodeEvent::Type::Complete, QStringLiteral("x.js"),
                                   QStringLiteral("let a = 2;\n"))));
        QCOMPARE(model.files().at(0).content, QStringLiteral("let a = 2;\n"));
        QCOMPARE(model.files().at(0).end.line, 1);
        QCOMPARE(corrected.count(), 1);
        QCOMPARE(reset.count(), 1);
    }

    void restart_keepsPreviousContentForDiff()
    {
        SessionModel model;
        model.apply(makeEvent(
            1, code(CodeEvent::Type::Delta, QStringLiteral("m.rs"), QStringLiteral("fn a() {}"))));
        model.apply(makeEvent(2, code(CodeEvent::Type::Complete, QStringLiteral("m.rs"))));
        QSignalSpy reset(&model, &SessionModel::fileTextReset);
        model.apply(makeEvent(3, code(CodeEvent::Type::Start, QStringLiteral("m.rs"))));
        const SessionFile &file = model.files().at(0);
        QCOMPARE(file.content, QString());
        QCOMPARE(file.previousContent, QStringLiteral("fn a() {}"));
        QCOMPARE(file.state, FileState::Writing);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.files().size(), 1);
    }

    void codeError_marksFile()
    {
        SessionModel model;
        model.apply(makeEvent(1, code(CodeEvent::Type::Start, QStringLiteral("a.go"))));
        model.apply(makeEvent(2,
                              code(CodeEvent::Type::Error, QStringLiteral("a.go"),
                                   QStringLiteral("Failed to stream code"))));
        QCOMPARE(model.files().at(0).state, FileState::Error);
        QCOMPARE(model.files().at(0).error, QStringLiteral("Failed to stream code"));
    }

    void codeWithoutFileName_isRejected()
    {
        SessionModel model;
        QSignalSpy errors(&model, &SessionModel::errorReported);
        QVERIFY(!model.apply(
            makeEvent(1, code(CodeEvent::Type::Delta, QString(), QStringLiteral("x")))));
        QCOMPARE(errors.count(), 1);
        QVERIFY(model.files().isEmpty());
    }

    void chat_streamsTokenByToken()
    {
        SessionModel model;
        QSignalSpy appended(&model, &SessionModel::chatTextAppended);
        model.apply(makeEvent(1, chat(ChatEvent::Type::Start, QStringLiteral("m1"))));
        model.apply(makeEvent(
            2, chat(ChatEvent::Type::Delta, QStringLiteral("m1"), QStringLiteral("Hello "))));
        model.apply(makeEvent(
            3, chat(ChatEvent::Type::Delta, QStringLiteral("m1"), QStringLiteral("world"))));
        model.apply(makeEvent(4, chat(ChatEvent::Type::Complete, QStringLiteral("m1"))));
        QCOMPARE(model.chat().size(), 1);
        QCOMPARE(model.chat().at(0).text, QStringLiteral("Hello world"));
        QCOMPARE(model.chat().at(0).state, ChatState::Complete);
        QCOMPARE(appended.count(), 2);
    }

    void steps_progressAndSession()
    {
        SessionModel model;
        QSignalSpy stepSpy(&model, &SessionModel::stepChanged);
        model.apply(makeEvent(1,
                              StepEvent {StepName::Planning, StepEvent::Status::Start,
                                         QStringLiteral("Planning API structure...")}));
        model.apply(makeEvent(2, StepEvent {StepName::Planning, StepEvent::Status::Complete, {}}));
        model.apply(makeEvent(3, StepEvent {StepName::Generating, StepEvent::Status::Start, {}}));
        QCOMPARE(model.steps()[0].state, StepState::Complete);
        QCOMPARE(model.steps()[0].detail, QStringLiteral("Planning API structure..."));
        QCOMPARE(model.steps()[1].state, StepState::Active);
        QCOMPARE(model.steps()[2].state, StepState::Pending);
        QCOMPARE(stepSpy.count(), 3);

        QVERIFY(model.apply(makeEvent(4, ProgressEvent {40, QStringLiteral("2 of 5 files")})));
        QCOMPARE(model.progress(), 40);
        QVERIFY(!model.apply(makeEvent(5, ProgressEvent {140, {}})));
        QCOMPARE(model.progress(), 40);

        QSignalSpy stateSpy(&model, &SessionModel::sessionStateChanged);
        model.apply(makeEvent(6, SessionEvent {SessionEvent::Type::Error, QStringLiteral("boom")}));
        QCOMPARE(model.state(), SessionState::Error);
        QCOMPARE(model.sessionError(), QStringLiteral("boom"));
        QCOMPARE(stateSpy.count(), 1);
    }

    // Steps the source names itself are listed in the order first named, apart from the four.
    void sourceSteps_listedInOrderWithStates()
    {
        SessionModel model;
        QSignalSpy spy(&model, &SessionModel::sourceStepChanged);
        const auto step = [](StepEvent::Status status, const char *name, const char *detail = "") {
            return StepEvent {StepName::Planning, status, QString::fromUtf8(detail),
                              QString::fromUtf8(name)};
        };
        model.apply(makeEvent(1, step(StepEvent::Status::Start, "search", "14 hits")));
        model.apply(makeEvent(2, step(StepEvent::Status::Complete, "search")));
        model.apply(makeEvent(3, step(StepEvent::Status::Start, "strategy")));
        model.apply(makeEvent(4, step(StepEvent::Status::Error, "strategy", "no sources")));
        QCOMPARE(model.sourceSteps().size(), 2);
        QCOMPARE(model.sourceSteps().at(0).name, QStringLiteral("search"));
        QCOMPARE(model.sourceSteps().at(0).label, QStringLiteral("Search"));
        QCOMPARE(model.sourceSteps().at(0).state, StepState::Complete);
        QCOMPARE(model.sourceSteps().at(0).detail, QStringLiteral("14 hits"));
        QCOMPARE(model.sourceSteps().at(1).state, StepState::Error);
        QCOMPARE(model.sourceSteps().at(1).detail, QStringLiteral("no sources"));
        QCOMPARE(spy.count(), 4);
        for (const StepInfo &fixed : model.steps())
            QCOMPARE(fixed.state, StepState::Pending); // the four are not touched
        QCOMPARE(model.state(), SessionState::Running);
        model.clear();
        QVERIFY(model.sourceSteps().isEmpty());
    }

    void snapshot_roundTripsSourceSteps()
    {
        SessionModel source;
        source.apply(makeEvent(1,
                               StepEvent {StepName::Planning, StepEvent::Status::Complete,
                                          QStringLiteral("done"), QStringLiteral("search")}));
        source.apply(makeEvent(
            2,
            StepEvent {
                StepName::Generating, StepEvent::Status::Start, {}, QStringLiteral("outline")}));
        const QJsonObject snapshot = source.toSnapshot();
        QCOMPARE(snapshot.value(QStringLiteral("sourceSteps")).toArray().size(), 2);
        SessionModel copy;
        QString error;
        QVERIFY2(copy.loadSnapshot(snapshot, &error), qPrintable(error));
        QCOMPARE(copy.toSnapshot(), snapshot);
        QCOMPARE(copy.sourceSteps().at(1).name, QStringLiteral("outline"));
        QCOMPARE(copy.sourceSteps().at(1).state, StepState::Active);
        // A native session has none, and its snapshot says nothing of them.
        QVERIFY(!SessionModel().toSnapshot().contains(QStringLiteral("sourceSteps")));
    }

    void snapshot_roundTripsEverything()
    {
        SessionModel source;
        source.apply(makeEvent(
            1,
            code(CodeEvent::Type::Delta, QStringLiteral("a.py"), QStringLiteral("print('ü')\n"))));
        source.apply(makeEvent(2, code(CodeEvent::Type::Complete, QStringLiteral("a.py"))));
        source.apply(makeEvent(
            3, code(CodeEvent::Type::Delta, QStringLiteral("b.ts"), QStringLiteral("export {}"))));
        source.apply(makeEvent(
            4, chat(ChatEvent::Type::Delta, QStringLiteral("m1"), QStringLiteral("narration"))));
        source.apply(makeEvent(5,
                               StepEvent {StepName::Validating, StepEvent::Status::Start,
                                          QStringLiteral("Validating...")}));
        source.apply(makeEvent(6, ProgressEvent {75, QStringLiteral("almost")}));

        SessionModel copy;
        QSignalSpy reset(&copy, &SessionModel::modelReset);
        QString error;
        QVERIFY2(copy.loadSnapshot(source.toSnapshot(), &error), qPrintable(error));
        QCOMPARE(reset.count(), 1);
        QCOMPARE(copy.toSnapshot(), source.toSnapshot());
        QCOMPARE(copy.lastSequence(), quint64(6));
        QCOMPARE(copy.files().at(1).content, QStringLiteral("export {}"));
        QCOMPARE(copy.files().at(1).end.column, 9);
        QCOMPARE(copy.fileIndex(QStringLiteral("b.ts")), 1);

        // Streaming continues after a snapshot exactly where it left off.
        copy.apply(makeEvent(
            7, code(CodeEvent::Type::Delta, QStringLiteral("b.ts"), QStringLiteral(";"))));
        QCOMPARE(copy.files().at(1).content, QStringLiteral("export {};"));
    }

    void snapshotEvent_isAppliedLikeLoad()
    {
        SessionModel source;
        source.apply(makeEvent(
            9, code(CodeEvent::Type::Delta, QStringLiteral("z.c"), QStringLiteral("int x;"))));
        SessionModel viewer;
        QVERIFY(viewer.apply(makeEvent(9, SnapshotEvent {source.toSnapshot()})));
        QCOMPARE(viewer.files().at(0).content, QStringLiteral("int x;"));
        QCOMPARE(viewer.lastSequence(), quint64(9));
    }

    void malformedSnapshot_leavesModelUnchanged_data()
    {
        QTest::addColumn<QByteArray>("patchKey");
        QTest::addColumn<QJsonValue>("patchValue");
        QTest::newRow("wrong version") << QByteArray("version") << QJsonValue(7);
        QTest::newRow("bad state") << QByteArray("state") << QJsonValue(QStringLiteral("dancing"));
        QTest::newRow("progress too big") << QByteArray("progress") << QJsonValue(101);
        QTest::newRow("negative sequence") << QByteArray("lastSequence") << QJsonValue(-3);
        QTest::newRow("nameless file")
            << QByteArray("files")
            << QJsonValue(QJsonArray {
                   QJsonObject {{QStringLiteral("state"), QStringLiteral("complete")}}});
        QTest::newRow("duplicate file")
            << QByteArray("files")
            << QJsonValue(QJsonArray {
                   QJsonObject {{QStringLiteral("name"), QStringLiteral("a")},
                                {QStringLiteral("state"), QStringLiteral("complete")}},
                   QJsonObject {{QStringLiteral("name"), QStringLiteral("a")},
                                {QStringLiteral("state"), QStringLiteral("complete")}}});
        QTest::newRow("unknown chat role")
            << QByteArray("chat")
            << QJsonValue(QJsonArray {
                   QJsonObject {{QStringLiteral("id"), QStringLiteral("m")},
                                {QStringLiteral("role"), QStringLiteral("cat")},
                                {QStringLiteral("state"), QStringLiteral("complete")}}});
    }
    void malformedSnapshot_leavesModelUnchanged()
    {
        QFETCH(QByteArray, patchKey);
        QFETCH(QJsonValue, patchValue);
        SessionModel model;
        model.apply(makeEvent(
            1, code(CodeEvent::Type::Delta, QStringLiteral("keep.txt"), QStringLiteral("kept"))));
        QJsonObject snapshot = model.toSnapshot();
        snapshot.insert(QString::fromLatin1(patchKey), patchValue);
        const QJsonObject before = model.toSnapshot();
        QString error;
        QVERIFY(!model.loadSnapshot(snapshot, &error));
        QVERIFY(error.startsWith(QStringLiteral("malformed snapshot")));
        QCOMPARE(model.toSnapshot(), before);
    }

    // A model that has caught up with another (the display with the client's) holds a finished
    // file's text in the other's storage: the same text, held once.
    void shareTextWith_sharesEqualFinishedTexts_only()
    {
        const QString text = QStringLiteral("x = '\u6f22\u5b57'\n").repeated(100);
        SessionModel source;
        SessionModel display;
        for (SessionModel *model : {&source, &display}) {
            model->apply(makeEvent(1, code(CodeEvent::Type::Start, QStringLiteral("a.py"))));
            for (qsizetype i = 0; i < text.size(); i += 64)
                model->apply(makeEvent(
                    2, code(CodeEvent::Type::Delta, QStringLiteral("a.py"), text.mid(i, 64))));
            model->apply(makeEvent(3, code(CodeEvent::Type::Start, QStringLiteral("b.py"))));
            model->apply(makeEvent( // (a text of its own in each model, not a shared literal)
                4, code(CodeEvent::Type::Delta, QStringLiteral("b.py"), QString::number(42))));
        }
        display.shareTextWith(QStringLiteral("a.py"), source); // still being written: no
        QVERIFY(display.files().at(0).content.constData()
                != source.files().at(0).content.constData());
        for (SessionModel *model : {&source, &display})
            model->apply(makeEvent(5, code(CodeEvent::Type::Complete, QStringLiteral("a.py"))));
        // A finished file gives back the room its appends reserved.
        QCOMPARE(source.files().at(0).content.capacity(), text.size());
        QSignalSpy changed(&display, &SessionModel::fileTextReset);
        display.shareTextWith(QStringLiteral("a.py"), source);
        QCOMPARE(display.files().at(0).content.constData(),
                 source.files().at(0).content.constData());
        QCOMPARE(display.files().at(0).content, text);
        QCOMPARE(changed.count(), 0); // nothing anyone could see changed
        display.shareTextWith(QStringLiteral("b.py"), source); // b.py is not finished
        display.shareTextWith(QStringLiteral("nowhere.py"), source);
        QVERIFY(display.files().at(1).content.constData()
                != source.files().at(1).content.constData());
        // Different texts stay apart.
        source.apply(makeEvent(6, code(CodeEvent::Type::Start, QStringLiteral("c.py"))));
        source.apply(makeEvent(
            7, code(CodeEvent::Type::Complete, QStringLiteral("c.py"), QStringLiteral("one\n"))));
        display.apply(makeEvent(6, code(CodeEvent::Type::Start, QStringLiteral("c.py"))));
        display.apply(makeEvent(
            7, code(CodeEvent::Type::Complete, QStringLiteral("c.py"), QStringLiteral("two\n"))));
        display.shareTextWith(QStringLiteral("c.py"), source);
        QCOMPARE(display.files().at(2).content, QStringLiteral("two\n"));
        // Appending to a shared text leaves the other model's as it was.
        source.apply(makeEvent(
            8, code(CodeEvent::Type::Delta, QStringLiteral("a.py"), QStringLiteral("more\n"))));
        QCOMPARE(display.files().at(0).content, text);
        QCOMPARE(source.files().at(0).content, text + QStringLiteral("more\n"));
    }

    // The display shares a text the source finished before it applies the `complete` itself:
    // its own copy is not squeezed (copied once more) only to be dropped.
    void shareTextWith_beforeTheDisplaysComplete_keepsTheSharedText()
    {
        const QString text = QStringLiteral("y = 1\n").repeated(500);
        SessionModel source;
        SessionModel display;
        for (SessionModel *model : {&source, &display}) {
            model->apply(makeEvent(1, code(CodeEvent::Type::Start, QStringLiteral("a.py"))));
            for (qsizetype i = 0; i < text.size(); i += 100)
                model->apply(makeEvent(
                    2, code(CodeEvent::Type::Delta, QStringLiteral("a.py"), text.mid(i, 100))));
        }
        source.apply(makeEvent(3, code(CodeEvent::Type::Complete, QStringLiteral("a.py"))));
        display.shareTextWith(QStringLiteral("a.py"), source);
        QCOMPARE(display.files().at(0).content.constData(),
                 source.files().at(0).content.constData());
        QCOMPARE(display.files().at(0).state, FileState::Writing);
        display.apply(makeEvent(3, code(CodeEvent::Type::Complete, QStringLiteral("a.py"))));
        QCOMPARE(display.files().at(0).state, FileState::Complete);
        QCOMPARE(display.files().at(0).content.constData(),
                 source.files().at(0).content.constData());
        QCOMPARE(display.files().at(0).content, text);
    }

    void advancePosition_countsLines()
    {
        QCOMPARE(advancePosition({}, u"abc"), (TextPosition {0, 3}));
        QCOMPARE(advancePosition({2, 4}, u"x\ny\nzz"), (TextPosition {4, 2}));
        QCOMPARE(advancePosition({0, 5}, u"\n"), (TextPosition {1, 0}));
    }
};

QTEST_GUILESS_MAIN(TestSessionModel)
#include "tst_sessionmodel.moc"
