#include "core/model/sessionmodel.h"
#include "core/server/demoscript.h"
#include "core/server/session.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace inkstream::core;

class TestDemoScript final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultScript_loadsWithSeveralLanguagesAndPlaysHalfAMinuteToAMinute()
    {
        Session session(QStringLiteral("demo"));
        DemoScript demo(&session);
        QString error;
        QVERIFY2(demo.load(DemoScript::defaultScriptPath(), &error), qPrintable(error));
        QVERIFY(!demo.title().isEmpty());
        const QStringList files = demo.fileNames();
        QVERIFY(files.size() >= 3);
        QSet<QString> extensions;
        for (const QString &file : files)
            extensions.insert(file.section(u'.', -1));
        QVERIFY(extensions.size() >= 3);

        const qint64 ms = demo.estimatedDuration().count();
        QVERIFY2(ms >= 30000 && ms <= 60000,
                 qPrintable(QStringLiteral("%1 ms at speed 1").arg(ms)));
        demo.setSpeed(2.0);
        QVERIFY(demo.estimatedDuration().count() < ms * 0.6);
    }

    void play_atHighSpeed_producesFilesStepsChatAndCompletion()
    {
        Session session(QStringLiteral("demo"));
        DemoScript demo(&session);
        QHash<QString, int> chatDeltas;
        QList<ChatEvent> chatEvents;
        connect(&session, &Session::eventPublished, this,
                [&](const Event &event, const QByteArray &) {
                    if (const auto *chat = std::get_if<ChatEvent>(&event.payload)) {
                        chatEvents.append(*chat);
                        if (chat->type == ChatEvent::Type::Delta)
                            ++chatDeltas[chat->messageId];
                    }
                });
        QSignalSpy finished(&demo, &DemoScript::finished);
        demo.setSpeed(1000);
        QVERIFY(demo.start());
        QVERIFY(demo.isRunning());
        QVERIFY(finished.wait(60000));
        QVERIFY(!demo.isRunning());

        const SessionModel *model = session.model();
        QCOMPARE(model->state(), SessionState::Complete);
        QCOMPARE(model->progress(), 100);
        for (const StepInfo &step : model->steps())
            QCOMPARE(step.state, StepState::Complete);

        QVERIFY(model->files().size() >= 3);
        QSet<QString> languages;
        for (const SessionFile &file : model->files()) {
            QCOMPARE(file.state, FileState::Complete);
            QVERIFY(file.content.count(u'\n') >= 40);
            languages.insert(file.language);
            QFile source(QStringLiteral(":/demo/files/") + file.name.section(u'/', -1));
            QVERIFY2(source.open(QIODevice::ReadOnly), qPrintable(file.name));
            QCOMPARE(file.content, QString::fromUtf8(source.readAll()));
        }
        QVERIFY(languages.size() >= 3);

        // Narration streams token by token; file work is announced as event messages.
        bool streamedAssistant = false;
        QStringList eventTexts;
        for (const ChatMessage &message : model->chat()) {
            QCOMPARE(message.state, ChatState::Complete);
            if (message.role == ChatRole::Assistant && chatDeltas.value(message.id) > 10)
                streamedAssistant = true;
            if (message.role == ChatRole::Event)
                eventTexts.append(message.text);
        }
        QVERIFY(streamedAssistant);
        for (const SessionFile &file : model->files()) {
            const QString base = file.name.section(u'/', -1);
            QVERIFY2(eventTexts.contains(QStringLiteral("Generating %1...").arg(base)),
                     qPrintable(base));
            QVERIFY2(eventTexts.contains(QStringLiteral("✓ Created %1").arg(base)),
                     qPrintable(base));
        }
    }

    void start_whilePlaying_isRefused()
    {
        Session session(QStringLiteral("demo"));
        DemoScript demo(&session);
        demo.setSpeed(1000);
        QVERIFY(demo.start());
        QTest::ignoreMessage(QtWarningMsg, "the demo is already playing");
        QVERIFY(!demo.start());
        QSignalSpy finished(&demo, &DemoScript::finished);
        QVERIFY(finished.wait(60000));
    }

    void sessionDestroyedMidPlay_stopsQuietly()
    {
        auto session = std::make_unique<Session>(QStringLiteral("demo"));
        DemoScript demo(session.get());
        QSignalSpy finished(&demo, &DemoScript::finished);
        demo.setSpeed(5);
        QVERIFY(demo.start());
        QTRY_VERIFY_WITH_TIMEOUT(session->lastSequence() > 20, 10000);
        session.reset();
        QVERIFY(!demo.isRunning());
        QTest::qWait(100);
        QCOMPARE(finished.count(), 0);
        QTest::ignoreMessage(QtWarningMsg, "the demo's session is gone");
        QVERIFY(!demo.start());
    }

    void setSpeed_ignoresNonPositive()
    {
        Session session(QStringLiteral("demo"));
        DemoScript demo(&session);
        demo.setSpeed(4);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("ignoring demo speed")));
        demo.setSpeed(0);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("ignoring demo speed")));
        demo.setSpeed(-1);
        QCOMPARE(demo.speed(), 4.0);
    }

    void load_malformedScript_isRefusedWithReason_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<QString>("reason");
        const QByteArray end = R"({"type":"session","status":"complete"})";
        QTest::newRow("not JSON") << QByteArray("{") << QStringLiteral("offset");
        QTest::newRow("wrong version")
            << QByteArray(R"({"version":2,"actions":[]})") << QStringLiteral("version");
        QTest::newRow("no session at the end")
            << QByteArray(R"({"version":1,"actions":[{"type":"pause","ms":1}]})")
            << QStringLiteral("last action");
        QTest::newRow("unknown action")
            << QByteArray(R"({"version":1,"actions":[{"type":"dance"},)" + end + "]}")
            << QStringLiteral("unknown action type");
        QTest::newRow("unknown role") << QByteArray(
            R"({"version":1,"actions":[{"type":"chat","role":"robot","text":"x"},)" + end + "]}")
                                      << QStringLiteral("unknown role");
        QTest::newRow("unknown step") << QByteArray(
            R"({"version":1,"actions":[{"type":"step","step":"dreaming","status":"start"},)" + end
            + "]}") << QStringLiteral("unknown step");
        QTest::newRow("progress out of range") << QByteArray(
            R"({"version":1,"actions":[{"type":"progress","percent":101},)" + end + "]}")
                                               << QStringLiteral("percent");
        QTest::newRow("missing source") << QByteArray(
            R"({"version":1,"actions":[{"type":"file","name":"a.py","source":"nope.py"},)" + end
            + "]}") << QStringLiteral("cannot read");
        QTest::newRow("file name climbs out") << QByteArray(
            R"({"version":1,"actions":[{"type":"file","name":"../a.py","source":"ok.py"},)" + end
            + "]}") << QStringLiteral("..");
    }

    void load_malformedScript_isRefusedWithReason()
    {
        QFETCH(QByteArray, script);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile source(dir.filePath(QStringLiteral("ok.py")));
        QVERIFY(source.open(QIODevice::WriteOnly));
        source.write("print('ok')\n");
        source.close();
        QFile file(dir.filePath(QStringLiteral("script.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(script);
        file.close();

        Session session(QStringLiteral("demo"));
        DemoScript demo(&session);
        QString error;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("demo script")));
        QVERIFY(!demo.load(file.fileName(), &error));
        QVERIFY2(error.contains(reason), qPrintable(error));
    }

    void load_customScript_plays()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile source(dir.filePath(QStringLiteral("hello.go")));
        QVERIFY(source.open(QIODevice::WriteOnly));
        source.write("package main\n\nfunc main() {}\n");
        source.close();
        QFile file(dir.filePath(QStringLiteral("script.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"version":1,"title":"tiny","actions":[
            {"type":"chat","text":"Writing a Go program."},
            {"type":"file","name":"cmd/hello.go","source":"hello.go","chunkSize":4,"delayMs":1},
            {"type":"session","status":"error","text":"stopped on purpose"}]})");
        file.close();

        Session session(QStringLiteral("demo"));
        DemoScript demo(&session);
        QString error;
        QVERIFY2(demo.load(file.fileName(), &error), qPrintable(error));
        QCOMPARE(demo.title(), QStringLiteral("tiny"));
        QSignalSpy finished(&demo, &DemoScript::finished);
        demo.setSpeed(100);
        QVERIFY(demo.start());
        QVERIFY(finished.wait(10000));
        QCOMPARE(session.model()->state(), SessionState::Error);
        QCOMPARE(session.model()->sessionError(), QStringLiteral("stopped on purpose"));
        QCOMPARE(session.model()->files().first().content,
                 QStringLiteral("package main\n\nfunc main() {}\n"));
    }
};

QTEST_GUILESS_MAIN(TestDemoScript)
#include "tst_demoscript.moc"
