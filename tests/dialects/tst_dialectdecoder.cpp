#include "core/model/languageguesser.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/dialectdecoder.h"

#include <QTest>

using namespace inkstream::core;

// Each decoder is fed frames as they come off the wire; the events it makes are applied to a
// SessionModel, whose state is what the viewer shows.
class TestDialectDecoder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void detect_data();
    void detect();
    void dialectNames();
    void modelChunk_countsDuplicates();
    void workDone_data();
    void workDone();
    void writingFlow_dropsFramesOfFinishedBlocks();
    void sourceSteps_data();
    void sourceSteps();
};

struct Frame
{
    QByteArray type;
    QByteArray data;
};
using Frames = QList<Frame>;
Q_DECLARE_METATYPE(Frames)

namespace {

Frame f(const char *type, const char *data)
{
    return {QByteArray(type), QByteArray(data)};
}

// "name=state:content" per file, "role:text" per chat message, step states, progress, session.
QString describe(const SessionModel &model)
{
    QStringList parts;
    for (const SessionFile &file : model.files())
        parts.append(QStringLiteral("%1=%2:%3")
                         .arg(file.name, SessionModel::fileStateText(file.state), file.content));
    for (const ChatMessage &message : model.chat())
        parts.append(chatRoleText(message.role) + u':' + message.text);
    QStringList steps;
    for (int i = 0; i < StepCount; ++i)
        steps.append(SessionModel::stepStateText(model.steps().at(i).state));
    parts.append(QStringLiteral("steps=") + steps.join(u','));
    parts.append(QStringLiteral("progress=%1").arg(model.progress()));
    parts.append(QStringLiteral("session=%1").arg(int(model.state())));
    return parts.join(u" | ");
}

} // namespace

void TestDialectDecoder::decode_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<Frames>("frames");
    QTest::addColumn<bool>("finish");
    QTest::addColumn<QStringList>("contains"); // substrings of describe()
    QTest::addColumn<int>("warnings");

    QTest::newRow("code-stream: start, deltas, complete")
        << QStringLiteral("code-stream")
        << Frames {f("connected", R"({"clientId":"c1"})"),
                   f("code", R"({"sessionId":"s","fileName":"a.js","type":"start"})"),
                   f("code",
                     R"({"sessionId":"s","fileName":"a.js","type":"delta","delta":"const ","position":{"line":0,"column":0}})"),
                   f("code",
                     R"({"sessionId":"s","fileName":"a.js","type":"complete","fullContent":"const "})")}
        << false << QStringList {QStringLiteral("a.js=complete:const ")} << 0;
    QTest::newRow("code-stream: fullContent wins and is reported")
        << QStringLiteral("code-stream")
        << Frames {f("code", R"({"fileName":"a.js","type":"delta","delta":"x = 1"})"),
                   f("code", R"({"fileName":"a.js","type":"complete","fullContent":"x = 2"})")}
        << false << QStringList {QStringLiteral("a.js=complete:x = 2")} << 1;
    QTest::newRow("code-stream: error, unknown event, bad JSON")
        << QStringLiteral("code-stream")
        << Frames {f("code", R"({"fileName":"b.js","type":"error","error":"Failed"})"),
                   f("weird", R"({"a":1})"), f("code", "{nope"),
                   f("code", R"({"fileName":"b.js","type":"finish"})")}
        << false << QStringList {QStringLiteral("b.js=error:")} << 3;
    QTest::newRow("code-stream: data-only frames")
        << QStringLiteral("code-stream")
        << Frames {f("message", R"({"clientId":"c1"})"),
                   f("message", R"({"fileName":"c.py","type":"delta","delta":"pass"})"),
                   f("message", R"({"fileName":"c.py","type":"complete"})")}
        << false << QStringList {QStringLiteral("c.py=complete:pass")} << 0;

    const Frames forgeNamed {
        f("project:created", R"({"type":"project:created","data":{"projectName":"todo"}})"),
        f("step:start",
          R"({"type":"step:start","data":{"step":"planning","message":"Planning API structure..."}})"),
        f("step:complete", R"({"type":"step:complete","data":{"step":"planning"}})"),
        f("step:start", R"({"type":"step:start","data":{"step":"generating","progress":40}})"),
        f("file:generating", R"({"type":"file:generating","data":{"fileName":"index.js"}})"),
        f("code:chunk", R"({"type":"code:chunk","data":{"fileName":"index.js","chunk":"ab"}})"),
        f("code:chunk", R"({"type":"code:chunk","data":{"fileName":"index.js","chunk":"c"}})"),
        f("file:complete", R"({"type":"file:complete","data":{"fileName":"index.js"}})"),
        f("step:complete", R"({"type":"step:complete","data":{"step":"generating"}})"),
        f("validation:start", R"({"type":"validation:start","data":{}})"),
        f("validation:complete", R"({"type":"validation:complete","data":{"success":true}})"),
        f("complete", R"({"type":"complete","data":{"summary":"done","fileCount":1}})")};
    QTest::newRow("smart-forge: names in event:")
        << QStringLiteral("smart-forge") << forgeNamed << false
        << QStringList {QStringLiteral("index.js=complete:abc"),
                        QStringLiteral("event:Planning API structure..."),
                        QStringLiteral("event:✓ Created index.js"),
                        QStringLiteral("steps=complete,complete,complete,complete"),
                        QStringLiteral("progress=100"),
                        QStringLiteral("session=2")}
        << 0;
    Frames forgeTyped;
    for (const Frame &frame : forgeNamed)
        forgeTyped.append({QByteArrayLiteral("message"), frame.data});
    QTest::newRow("smart-forge: type inside data-only frames")
        << QStringLiteral("smart-forge") << forgeTyped << false
        << QStringList {QStringLiteral("index.js=complete:abc"),
                        QStringLiteral("steps=complete,complete,complete,complete")}
        << 0;
    QTest::newRow("smart-forge: flat fields, error, unknown step and event")
        << QStringLiteral("smart-forge")
        << Frames {f("message", R"({"type":"file:generating","fileName":"a.ts"})"),
                   f("message", R"({"type":"code:chunk","fileName":"a.ts","content":"let"})"),
                   f("message", R"({"type":"step:start","step":"dancing"})"),
                   f("message", R"({"type":"bogus"})"),
                   f("message", R"({"type":"error","error":"model timeout"})")}
        << false << QStringList {QStringLiteral("a.ts=writing:let"), QStringLiteral("session=3")}
        << 2;

    QTest::newRow("chat-text: objects and a code block, completed by the stream's end")
        << QStringLiteral("chat-text")
        << Frames {f("message", R"({"text":"See "})"), f("message", R"({"text":"`a.py`:\n```py"})"),
                   f("message", R"({"text":"thon\nx = 1\n``"})"), f("message", R"({"text":"`\n"})")}
        << true
        << QStringList {QStringLiteral("a.py=complete:x = 1\n"),
                        QStringLiteral("assistant:See `a.py`:\n```python\nx = 1\n```\n"),
                        QStringLiteral("session=2")}
        << 0;
    QTest::newRow("chat-text: bare strings, plain text, object without text")
        << QStringLiteral("chat-text")
        << Frames {f("message", R"("What ")"), f("message", R"("is ")"),
                   f("message", "Error: boom"), f("message", R"({"other":1})")}
        << true << QStringList {QStringLiteral("assistant:What is Error: boom")} << 2;

    QTest::newRow("openai: deltas then [DONE]")
        << QStringLiteral("openai")
        << Frames {f("message", R"({"choices":[{"index":0,"delta":{"role":"assistant"}}]})"),
                   f("message",
                     R"({"choices":[{"index":0,"delta":{"content":"```sum.js\nlet"}}]})"),
                   f("message", R"({"choices":[{"index":0,"delta":{"content":" s;\n```\nok"}}]})"),
                   f("message", R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"),
                   f("message", "[DONE]"),
                   f("message", R"({"choices":[{"index":0,"delta":{"content":"late"}}]})")}
        << false
        << QStringList {QStringLiteral("sum.js=complete:let s;\n"),
                        QStringLiteral("assistant:```sum.js\nlet s;\n```\nok |"),
                        QStringLiteral("session=2")}
        << 0;
    QTest::newRow("openai: error object fails the session")
        << QStringLiteral("openai")
        << Frames {f("message", R"({"choices":[{"index":0,"delta":{"content":"Hi"}}]})"),
                   f("message", R"({"error":{"message":"rate limited"}})")}
        << false << QStringList {QStringLiteral("assistant:Hi"), QStringLiteral("session=3")} << 0;
    QTest::newRow("writing-flow: autopilot drives the tracker")
        << QStringLiteral("writing-flow")
        << Frames {f("message", R"({"step":"search","progress":10,"message":"Searching"})"),
                   f("message",
                     R"({"step":"strategy","progress":30,"stats":{"hits":12,"verified":5,"sections":0}})"),
                   f("message", R"({"step":"outline","progress":60,"message":"Outlining"})"),
                   f("message", R"({"step":"dance","progress":70})"),
                   f("message", R"({"step":"done","progress":100,"docId":"d1"})")}
        << false << QStringList {QStringLiteral("event:Searching"),
                                 QStringLiteral("event:Outlining"),
                                 QStringLiteral("Document d1 is ready"),
                                 QStringLiteral("steps=complete,complete,complete,complete"),
                                 QStringLiteral("progress=100"),
                                 QStringLiteral("session=2")}
        << 1;
    QTest::newRow("writing-flow: generation blocks, cites, error")
        << QStringLiteral("writing-flow")
        << Frames {f("message", R"({"blockId":"intro","delta":"Hello "})"),
                   f("message",
                     R"({"blockId":"intro","delta":"world.","cites":[{"key":"1","source":"a.org"}]})"),
                   f("message", R"({"blockId":"intro","delta":"","done":true})"),
                   f("message", R"({"blockId":"body","delta":"Part","error":"quota"})"),
                   f("message", R"({"other":true})")}
        << false
        << QStringList {QStringLiteral("intro.md=complete:Hello world."),
                        QStringLiteral("body.md=error:Part"),
                        QStringLiteral("event:Sources for intro: [1] a.org")}
        << 1;
    QTest::newRow("model-chunk: named events, steps, code block, completion")
        << QStringLiteral("model-chunk")
        << Frames {f("job:progress", R"({"jobId":"j1","progress":10,"step":"thinking"})"),
                   f("model:chunk",
                     R"({"jobId":"j1","chunk":"Run:\n```sh\n","sequence":1,"metadata":{"step":"writing"}})"),
                   f("model:chunk", R"({"jobId":"j1","chunk":"ls\n```\n","sequence":2})"),
                   f("job:progress", R"({"jobId":"j1","progress":100})"),
                   f("job:completed", R"({"jobId":"j1","result":{"tokens":2}})")}
        << false
        << QStringList {QStringLiteral("snippet-1.sh=complete:ls\n"),
                        QStringLiteral("assistant:Run:\n```sh\nls\n```\n"),
                        QStringLiteral("steps=complete,complete,complete,complete"),
                        QStringLiteral("progress=100"), QStringLiteral("session=2")}
        << 0;
    QTest::newRow("model-chunk: type in data, replayed and skipped sequences")
        << QStringLiteral("model-chunk")
        << Frames {f("message", R"({"type":"model:chunk","jobId":7,"chunk":"a","sequence":1})"),
                   f("message", R"({"type":"model:chunk","jobId":7,"chunk":"b","sequence":2})"),
                   f("message", R"({"type":"model:chunk","jobId":7,"chunk":"a","sequence":1})"),
                   f("message", R"({"type":"model:chunk","jobId":7,"chunk":"b","sequence":2})"),
                   f("message", R"({"type":"model:chunk","jobId":7,"chunk":"d","sequence":4})"),
                   f("message", R"({"type":"job:completed","jobId":7})")}
        << false << QStringList {QStringLiteral("assistant:abd |"), QStringLiteral("session=2")}
        << 1;
    QTest::newRow("model-chunk: two jobs complete the session together")
        << QStringLiteral("model-chunk")
        << Frames {f("model:chunk", R"({"jobId":"a","chunk":"one","sequence":1})"),
                   f("model:chunk", R"({"jobId":"b","chunk":"two","sequence":1})"),
                   f("job:completed", R"({"jobId":"a"})"),
                   f("job:completed", R"({"jobId":"b","result":"ignored: b streamed"})")}
        << false
        << QStringList {QStringLiteral("assistant:one"), QStringLiteral("assistant:two"),
                        QStringLiteral("session=2")}
        << 0;
    QTest::newRow("model-chunk: failure, unknown event, no jobId, not JSON")
        << QStringLiteral("model-chunk")
        << Frames {f("model:chunk", R"({"jobId":"j","chunk":"partial","sequence":1})"),
                   f("job:paused", R"({"jobId":"j"})"), f("model:chunk", R"({"chunk":"x"})"),
                   f("model:chunk", "oops"),
                   f("job:failed", R"({"jobId":"j","error":"model crashed"})")}
        << false << QStringList {QStringLiteral("assistant:partial"), QStringLiteral("session=3")}
        << 3;
    QTest::newRow("model-chunk: stream ends before completion")
        << QStringLiteral("model-chunk")
        << Frames {f("model:chunk", R"({"jobId":"j","chunk":"half","sequence":1})")} << true
        << QStringList {QStringLiteral("assistant:half"), QStringLiteral("session=2")} << 1;
    // Two jobs streaming unnamed blocks at the same time: each its own file, nothing mixed.
    QTest::newRow("model-chunk: unnamed blocks of two jobs get distinct files")
        << QStringLiteral("model-chunk")
        << Frames {f("model:chunk", R"({"jobId":"a","chunk":"```python\nx = 1\n","sequence":1})"),
                   f("model:chunk", R"({"jobId":"b","chunk":"```python\ny = 2\n","sequence":1})"),
                   f("model:chunk", R"({"jobId":"a","chunk":"x += 1\n```\n","sequence":2})"),
                   f("model:chunk", R"({"jobId":"b","chunk":"y += 2\n```\n","sequence":2})")}
        << false
        << QStringList {QStringLiteral("snippet-1.py=complete:x = 1\nx += 1"),
                        QStringLiteral("snippet-2.py=complete:y = 2\ny += 2")}
        << 0;
    QTest::newRow("openai: garbage and other choices")
        << QStringLiteral("openai")
        << Frames {f("message", "not json"),
                   f("message", R"({"choices":[{"index":1,"delta":{"content":"B"}}]})"),
                   f("message", R"({"choices":[{"index":0,"delta":{"content":"A"}}]})")}
        << true << QStringList {QStringLiteral("assistant:A |"), QStringLiteral("session=2")} << 2;
    // Progress numbers that do not fit an int are clamped, not converted (UBSan, found by fuzzing).
    QTest::newRow("smart-forge: huge progress")
        << QStringLiteral("smart-forge")
        << Frames {f("step:start",
                     R"({"type":"step:start","data":{"step":"generating","progress":4444444444}})")}
        << false << QStringList {QStringLiteral("progress=100")} << 0;
    QTest::newRow("writing-flow: hugely negative progress")
        << QStringLiteral("writing-flow")
        << Frames {f("message", R"({"step":"search","progress":-1e300})")} << false
        << QStringList {QStringLiteral("progress=0")} << 0;
    QTest::newRow("model-chunk: progress far beyond int")
        << QStringLiteral("model-chunk")
        << Frames {f("job:progress", R"({"jobId":"j","progress":1e300,"step":"thinking"})")}
        << false << QStringList {QStringLiteral("progress=100")} << 0;
}

void TestDialectDecoder::decode()
{
    QFETCH(QString, dialect);
    QFETCH(Frames, frames);
    QFETCH(bool, finish);
    QFETCH(QStringList, contains);
    QFETCH(int, warnings);

    Dialect kind = Dialect::Native;
    QVERIFY(DialectDecoder::dialectFromText(dialect, &kind));
    const auto decoder = DialectDecoder::create(kind, &LanguageGuesser::extensionForLanguage);
    QVERIFY(decoder);
    QCOMPARE(decoder->dialect(), kind);
    SessionModel model;
    quint64 sequence = 0;
    QStringList seenWarnings;
    auto apply = [&](const DialectOutput &output) {
        seenWarnings += output.warnings;
        for (const EventPayload &payload : output.events) {
            if (std::holds_alternative<ConnectedEvent>(payload))
                continue;
            QVERIFY2(model.apply(Event {++sequence, QString(), payload}),
                     qPrintable(eventName(payload)));
        }
    };
    for (const Frame &frame : frames)
        apply(decoder->decode(SseEvent {frame.type, frame.data, QByteArray()}));
    if (finish)
        apply(decoder->finish());
    const QString state = describe(model);
    for (const QString &part : contains)
        QVERIFY2(state.contains(part), qPrintable(state + QStringLiteral("\nlacks: ") + part));
    QVERIFY2(seenWarnings.size() == warnings, qPrintable(seenWarnings.join(u'\n')));
}

// A Socket.IO server replays a job's history after a reconnect: every chunk already applied is
// dropped and counted, none is shown twice.
void TestDialectDecoder::modelChunk_countsDuplicates()
{
    const auto decoder = DialectDecoder::create(Dialect::ModelChunk);
    int duplicates = 0;
    QString text;
    for (int pass = 0; pass < 2; ++pass) {
        for (int sequence = 1; sequence <= 5 + pass * 3; ++sequence) {
            const QByteArray data = QStringLiteral(R"({"jobId":"j","chunk":"%1","sequence":%1})")
                                        .arg(sequence)
                                        .toUtf8();
            const DialectOutput out = decoder->decode({"model:chunk", data, {}});
            duplicates += out.duplicates;
            for (const EventPayload &payload : out.events) {
                if (const auto *chat = std::get_if<ChatEvent>(&payload))
                    text += chat->delta;
            }
        }
    }
    QCOMPARE(duplicates, 5);
    QCOMPARE(text, QStringLiteral("12345678"));
}

// Whether a stream that closes after these frames has ended its work (complete, no reconnect).
void TestDialectDecoder::workDone_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<Frames>("frames");
    QTest::addColumn<bool>("done");

    QTest::newRow("writing-flow: nothing yet")
        << QStringLiteral("writing-flow") << Frames() << false;
    QTest::newRow("writing-flow: a block still open")
        << QStringLiteral("writing-flow")
        << Frames {f("message", R"({"blockId":"a","delta":"x","done":true})"),
                   f("message", R"({"blockId":"b","delta":"y"})")}
        << false;
    QTest::newRow("writing-flow: every block done or failed")
        << QStringLiteral("writing-flow")
        << Frames {f("message", R"({"blockId":"a","delta":"x","done":true})"),
                   f("message", R"({"blockId":"b","delta":"y"})"),
                   f("message", R"({"blockId":"b","error":"quota"})")}
        << true;
    QTest::newRow("writing-flow: autopilot done")
        << QStringLiteral("writing-flow")
        << Frames {f("message", R"({"step":"search","progress":10})"),
                   f("message", R"({"step":"done","progress":100})")}
        << true;
    QTest::newRow("writing-flow: autopilot under way")
        << QStringLiteral("writing-flow") << Frames {f("message", R"({"step":"outline"})")}
        << false;
    QTest::newRow("code-stream: a file still streaming")
        << QStringLiteral("code-stream")
        << Frames {f("code", R"({"type":"start","fileName":"a.js"})"),
                   f("code", R"({"type":"delta","fileName":"a.js","delta":"x"})")}
        << false;
    QTest::newRow("code-stream: every file complete or failed")
        << QStringLiteral("code-stream")
        << Frames {f("connected", R"({"clientId":"c"})"),
                   f("code", R"({"type":"start","fileName":"a.js"})"),
                   f("code", R"({"type":"complete","fileName":"a.js","fullContent":"x"})"),
                   f("code", R"({"type":"error","fileName":"b.js","error":"no"})")}
        << true;
    QTest::newRow("code-stream: only connected")
        << QStringLiteral("code-stream") << Frames {f("connected", R"({"clientId":"c"})")} << false;
}

void TestDialectDecoder::workDone()
{
    QFETCH(QString, dialect);
    QFETCH(Frames, frames);
    QFETCH(bool, done);

    Dialect kind = Dialect::Native;
    QVERIFY(DialectDecoder::dialectFromText(dialect, &kind));
    const auto decoder = DialectDecoder::create(kind);
    for (const Frame &frame : frames)
        decoder->decode(SseEvent {frame.type, frame.data, QByteArray()});
    QCOMPARE(decoder->workDone(), done);
}

// A block is over once `done`: the same block sent again (a replay that did not start where
// the first connection did) is dropped and counted, never appended twice.
void TestDialectDecoder::writingFlow_dropsFramesOfFinishedBlocks()
{
    const auto decoder = DialectDecoder::create(Dialect::WritingFlow);
    SessionModel model;
    quint64 sequence = 0;
    int duplicates = 0;
    const QList<QByteArray> frames {R"({"blockId":"a","delta":"one "})",
                                    R"({"blockId":"a","delta":"two","done":true})"};
    for (int pass = 0; pass < 2; ++pass) {
        for (const QByteArray &data : frames) {
            const DialectOutput out = decoder->decode({"message", data, {}});
            duplicates += out.duplicates;
            for (const EventPayload &payload : out.events)
                QVERIFY(model.apply(Event {++sequence, QString(), payload}));
        }
    }
    QCOMPARE(duplicates, 2);
    QCOMPARE(model.files().size(), 1);
    QCOMPARE(model.files().at(0).content, QStringLiteral("one two"));
    QCOMPARE(model.files().at(0).state, FileState::Complete);
}

// The source's own steps reach the model by their names, in order, with their states.
void TestDialectDecoder::sourceSteps_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<Frames>("frames");
    QTest::addColumn<QString>("steps"); // name=state, in order

    QTest::newRow("writing-flow autopilot (seed 004)")
        << QStringLiteral("writing-flow")
        << Frames {f("message", R"({"step":"search","progress":10})"),
                   f("message", R"({"step":"strategy","progress":45})"),
                   f("message", R"({"step":"outline","progress":80})")}
        << QStringLiteral("search=complete,strategy=complete,outline=active");
    QTest::newRow("writing-flow autopilot done")
        << QStringLiteral("writing-flow")
        << Frames {f("message", R"({"step":"search"})"), f("message", R"({"step":"outline"})"),
                   f("message", R"({"step":"done","progress":100})")}
        << QStringLiteral("search=complete,outline=complete");
    QTest::newRow("writing-flow autopilot error")
        << QStringLiteral("writing-flow")
        << Frames {f("message", R"({"step":"search"})"),
                   f("message", R"({"step":"error","message":"offline"})")}
        << QStringLiteral("search=error");
    QTest::newRow("model-chunk (seed 003)")
        << QStringLiteral("model-chunk")
        << Frames {f("job:progress", R"({"jobId":"j","progress":5,"step":"thinking"})"),
                   f("model:chunk",
                     R"({"jobId":"j","chunk":"a","sequence":1,"metadata":{"step":"searching"}})"),
                   f("model:chunk",
                     R"({"jobId":"j","chunk":"b","sequence":2,"metadata":{"step":"writing"}})"),
                   f("job:completed", R"({"jobId":"j"})")}
        << QStringLiteral("thinking=complete,searching=complete,writing=complete");
    QTest::newRow("smart-forge has the four")
        << QStringLiteral("smart-forge") << Frames {f("step:start", R"({"step":"planning"})")}
        << QString();
}

void TestDialectDecoder::sourceSteps()
{
    QFETCH(QString, dialect);
    QFETCH(Frames, frames);
    QFETCH(QString, steps);

    Dialect kind = Dialect::Native;
    QVERIFY(DialectDecoder::dialectFromText(dialect, &kind));
    const auto decoder = DialectDecoder::create(kind);
    SessionModel model;
    quint64 sequence = 0;
    for (const Frame &frame : frames) {
        for (const EventPayload &payload : decoder->decode({frame.type, frame.data, {}}).events)
            QVERIFY(model.apply(Event {++sequence, QString(), payload}));
    }
    QStringList seen;
    for (const SourceStep &step : model.sourceSteps())
        seen.append(step.name + u'=' + SessionModel::stepStateText(step.state));
    QCOMPARE(seen.join(u','), steps);
}

void TestDialectDecoder::detect_data()
{
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("expected"); // empty: undecided

    QTest::newRow("native code") << QByteArray("code")
                                 << QByteArray(R"({"seq":3,"event":"code","fileName":"a"})")
                                 << QStringLiteral("native");
    QTest::newRow("native connected")
        << QByteArray("connected") << QByteArray(R"({"seq":0,"event":"connected"})")
        << QStringLiteral("native");
    QTest::newRow("code-stream connected is undecided")
        << QByteArray("connected") << QByteArray(R"({"clientId":"c"})") << QString();
    QTest::newRow("code-stream code")
        << QByteArray("code") << QByteArray(R"({"fileName":"a","type":"start"})")
        << QStringLiteral("code-stream");
    QTest::newRow("smart-forge named")
        << QByteArray("step:start") << QByteArray(R"({"step":"planning"})")
        << QStringLiteral("smart-forge");
    QTest::newRow("smart-forge typed")
        << QByteArray("message") << QByteArray(R"({"type":"project:created"})")
        << QStringLiteral("smart-forge");
    QTest::newRow("chat-text object")
        << QByteArray("message") << QByteArray(R"({"text":"hi"})") << QStringLiteral("chat-text");
    QTest::newRow("chat-text string")
        << QByteArray("message") << QByteArray(R"("hi ")") << QStringLiteral("chat-text");
    QTest::newRow("openai chunk") << QByteArray(
        "message") << QByteArray(R"({"object":"chat.completion.chunk","choices":[]})")
                                  << QStringLiteral("openai");
    QTest::newRow("openai done") << QByteArray("message") << QByteArray("[DONE]")
                                 << QStringLiteral("openai");
    QTest::newRow("writing-flow generation")
        << QByteArray("message") << QByteArray(R"({"blockId":"b","delta":"x"})")
        << QStringLiteral("writing-flow");
    QTest::newRow("writing-flow autopilot")
        << QByteArray("message") << QByteArray(R"({"step":"search","progress":5})")
        << QStringLiteral("writing-flow");
    QTest::newRow("model-chunk named")
        << QByteArray("model:chunk") << QByteArray(R"({"jobId":"j","chunk":"x","sequence":1})")
        << QStringLiteral("model-chunk");
    QTest::newRow("model-chunk progress in data")
        << QByteArray("message") << QByteArray(R"({"jobId":"j","progress":5,"step":"thinking"})")
        << QStringLiteral("model-chunk");
    QTest::newRow("model-chunk socket.io completion")
        << QByteArray("job:completed") << QByteArray(R"({"jobId":"j"})")
        << QStringLiteral("model-chunk");
    QTest::newRow("plain text is undecided")
        << QByteArray("message") << QByteArray("hello") << QString();
}

void TestDialectDecoder::detect()
{
    QFETCH(QByteArray, type);
    QFETCH(QByteArray, data);
    QFETCH(QString, expected);
    const auto detection = DialectDecoder::detect(SseEvent {type, data, QByteArray()});
    QCOMPARE(detection.has_value(), !expected.isEmpty());
    if (detection) {
        QCOMPARE(DialectDecoder::dialectText(detection->dialect), expected);
        QVERIFY(!detection->reason.isEmpty());
    }
}

void TestDialectDecoder::dialectNames()
{
    for (const QString &name : DialectDecoder::dialectNames()) {
        Dialect dialect = Dialect::Auto;
        QVERIFY(DialectDecoder::dialectFromText(name, &dialect));
        QCOMPARE(DialectDecoder::dialectText(dialect), name);
    }
    Dialect dialect = Dialect::Auto;
    QVERIFY(!DialectDecoder::dialectFromText(u"socket.io", &dialect));
}

QTEST_GUILESS_MAIN(TestDialectDecoder)
#include "tst_dialectdecoder.moc"
