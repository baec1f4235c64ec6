#include "core/model/languageguesser.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/dialectdecoder.h"
#include "core/protocol/endpointdetector.h"
#include "core/protocol/ndjsonsplitter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <functional>

using namespace inkstream::core;

// The LLM API decoders (ollama, anthropic, openai-responses, ai-sdk) as units: frames in the
// shapes their documents give, applied to a SessionModel; plus NDJSON framing and detection
// from the URL and the answer's headers.
class TestLlmDecoders final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decode_data();
    void decode();
    void ndjson_splitsLinesAcrossReads();
    void ndjson_dropsOversizedLine();
    void endpoint_fromUrl();
    void endpoint_fromResponse();
    void detect_fromFrames();
};

namespace {

using Frame = std::pair<QByteArray, QByteArray>; // event name, data
using Frames = QList<Frame>;

const QString kReply = QStringLiteral("Here:\n```js title=\"a.js\"\nlet a = 1;\n```\n");

// "STOP_REASON INPUT OUTPUT" of each `usage` event (-1: a count not reported).
QStringList usageTexts(const QList<UsageEvent> &usages)
{
    QStringList texts;
    for (const UsageEvent &usage : usages)
        texts.append(QStringLiteral("%1 %2 %3")
                         .arg(usage.stopReason)
                         .arg(usage.inputTokens)
                         .arg(usage.outputTokens));
    return texts;
}

// Feeds `frames` (and, unless `ends` is false, the stream's end) into a decoder for `dialect`
// and applies its events to `model`; the warnings. `usages` collects the usage events.
QStringList run(Dialect dialect, const Frames &frames, SessionModel *model,
                QList<UsageEvent> *usages = nullptr)
{
    auto decoder = DialectDecoder::create(dialect, &LanguageGuesser::extensionForLanguage);
    QStringList warnings;
    quint64 sequence = 0;
    const auto apply = [&](const DialectOutput &out) {
        warnings += out.warnings;
        for (const EventPayload &payload : out.events) {
            if (usages && std::holds_alternative<UsageEvent>(payload))
                usages->append(std::get<UsageEvent>(payload));
            Event event;
            event.sequence = ++sequence;
            event.payload = payload;
            model->apply(event);
        }
    };
    for (const Frame &frame : frames) {
        SseEvent event;
        event.type = frame.first;
        event.data = frame.second;
        apply(decoder->decode(event));
    }
    apply(decoder->finish());
    return warnings;
}

QByteArray pieceJson(const QString &piece)
{
    QByteArray quoted = QJsonDocument(QJsonArray {piece}).toJson(QJsonDocument::Compact);
    return quoted.mid(1, quoted.size() - 2);
}

// The reply in pieces of 5 characters, each through `wrap`.
Frames pieces(const std::function<Frame(const QByteArray &)> &wrap, qsizetype upTo = -1)
{
    Frames frames;
    const QString text = upTo < 0 ? kReply : kReply.left(upTo);
    for (qsizetype i = 0; i < text.size(); i += 5)
        frames.append(wrap(pieceJson(text.mid(i, 5))));
    return frames;
}

} // namespace

void TestLlmDecoders::decode_data()
{
    QTest::addColumn<int>("dialect");
    QTest::addColumn<Frames>("frames");
    QTest::addColumn<QString>("error"); // empty: completes
    QTest::addColumn<QString>("usage"); // usageTexts() of the reply's usage event, "" for none
    QTest::addColumn<int>("warnings");

    const auto ollamaChat = [](const QByteArray &piece) {
        return Frame {"message",
                      "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":" + piece
                          + "},\"done\":false}"};
    };
    const QByteArray ollamaDone
        = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
          "\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":9}";
    QTest::newRow("ollama chat") << int(Dialect::Ollama)
                                 << pieces(ollamaChat) + Frames {{"message", ollamaDone}}
                                 << QString() << QStringLiteral("stop 3 9") << 0;
    const auto ollamaGenerate = [](const QByteArray &piece) {
        return Frame {"message", "{\"response\":" + piece + ",\"done\":false}"};
    };
    QTest::newRow("ollama generate, error line")
        << int(Dialect::Ollama)
        << pieces(ollamaGenerate, 30) + Frames {{"message", "{\"error\":\"out of memory\"}"}}
        << QStringLiteral("out of memory") << QString() << 1;

    const auto anthropicDelta = [](const QByteArray &piece) {
        return Frame {"content_block_delta",
                      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                      "\"text_delta\",\"text\":"
                          + piece + "}}"};
    };
    const Frames anthropicStart {
        {"message_start",
         "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"role\":\"assistant\","
         "\"content\":[],\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}"},
        {"content_block_start",
         "{\"type\":\"content_block_start\",\"index\":0,"
         "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"},
        {"ping", "{\"type\":\"ping\"}"}};
    const Frames anthropicEnd {
        {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"},
        {"message_delta",
         "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
         "\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}"},
        {"message_stop", "{\"type\":\"message_stop\"}"}};
    QTest::newRow("anthropic") << int(Dialect::Anthropic)
                               << anthropicStart + pieces(anthropicDelta) + anthropicEnd
                               << QString() << QStringLiteral("end_turn 25 15") << 0;
    QTest::newRow("anthropic, thinking block and error")
        << int(Dialect::Anthropic)
        << anthropicStart
            + Frames {{"content_block_start",
                       "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{"
                       "\"type\":\"thinking\",\"thinking\":\"\"}}"}}
            + pieces(anthropicDelta, 30)
            + Frames {{"error",
                       "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                       "\"message\":\"Overloaded\"}}"}}
        << QStringLiteral("Overloaded (overloaded_error)") << QString() << 2;

    const auto responsesDelta = [](const QByteArray &piece) {
        return Frame {"response.output_text.delta",
                      "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\","
                      "\"output_index\":0,\"content_index\":0,\"delta\":"
                          + piece + "}"};
    };
    const Frames responsesStart {
        {"response.created",
         "{\"type\":\"response.created\",\"response\":{\"status\":"
         "\"in_progress\"}}"},
        {"response.output_item.added", "{\"type\":\"response.output_item.added\"}"}};
    QTest::newRow("openai-responses") << int(Dialect::OpenAiResponses)
                                      << responsesStart + pieces(responsesDelta)
            + Frames {{"response.completed",
                       "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\","
                       "\"usage\":{\"input_tokens\":4,\"output_tokens\":8}}}"}}
                                      << QString() << QStringLiteral("completed 4 8") << 0;
    QTest::newRow("openai-responses, reasoning and failed")
        << int(Dialect::OpenAiResponses)
        << responsesStart
            + Frames {{"response.reasoning_summary_text.delta",
                       "{\"type\":\"response.reasoning_summary_text.delta\",\"delta\":\"x\"}"}}
            + pieces(responsesDelta, 30)
            + Frames {{"response.failed",
                       "{\"type\":\"response.failed\",\"response\":{\"status\":\"failed\","
                       "\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}}}"}}
        << QStringLiteral("boom (server_error)") << QString() << 2;

    const auto aiSdkDelta = [](const QByteArray &piece) {
        return Frame {"message", "{\"type\":\"text-delta\",\"id\":\"t1\",\"delta\":" + piece + "}"};
    };
    const Frames aiSdkStart {{"message", "{\"type\":\"start\",\"messageId\":\"m1\"}"},
                             {"message", "{\"type\":\"start-step\"}"},
                             {"message", "{\"type\":\"text-start\",\"id\":\"t1\"}"}};
    QTest::newRow("ai-sdk") << int(Dialect::AiSdk)
                            << aiSdkStart + pieces(aiSdkDelta)
            + Frames {{"message", "{\"type\":\"text-end\",\"id\":\"t1\"}"},
                      {"message", "{\"type\":\"finish-step\"}"},
                      {"message", "{\"type\":\"finish\",\"finishReason\":\"stop\"}"},
                      {"message", "[DONE]"}}
                            << QString() << QStringLiteral("stop -1 -1") << 0;
    QTest::newRow("ai-sdk, data part and error")
        << int(Dialect::AiSdk)
        << aiSdkStart + Frames {{"message", "{\"type\":\"data-weather\",\"data\":{}}"}}
            + pieces(aiSdkDelta, 30)
            + Frames {{"message", "{\"type\":\"error\",\"errorText\":\"rate limited\"}"},
                      {"message", "[DONE]"}}
        << QStringLiteral("rate limited") << QString() << 2;
}

void TestLlmDecoders::decode()
{
    QFETCH(int, dialect);
    QFETCH(Frames, frames);
    QFETCH(QString, error);
    QFETCH(QString, usage);
    QFETCH(int, warnings);

    SessionModel model;
    QList<UsageEvent> usages;
    const QStringList said = run(Dialect(dialect), frames, &model, &usages);
    QVERIFY2(said.size() == warnings, qPrintable(said.join(u'\n')));
    QVERIFY(!model.chat().isEmpty());
    const ChatMessage &reply = model.chat().constFirst();
    QCOMPARE(reply.role, ChatRole::Assistant);
    QCOMPARE(model.files().size(), 1);
    QCOMPARE(model.files().at(0).name, QStringLiteral("a.js"));
    if (error.isEmpty()) {
        QCOMPARE(reply.text, kReply);
        QCOMPARE(model.state(), SessionState::Complete);
        QCOMPARE(model.files().at(0).content, QStringLiteral("let a = 1;\n"));
        QCOMPARE(model.progress(), 100);
    } else {
        // What arrived stays: 30 characters reach into the code block.
        QCOMPARE(reply.text, kReply.left(30));
        QCOMPARE(model.state(), SessionState::Error);
        QCOMPARE(model.sessionError(), error);
        QCOMPARE(model.files().at(0).content, QStringLiteral("let a"));
    }
    // The source's account goes to the analytics, not into the chat.
    for (const ChatMessage &message : model.chat())
        QVERIFY2(message.role != ChatRole::Event, qPrintable(message.text));
    QCOMPARE(usageTexts(usages).join(u'|'), usage);
    if (!usages.isEmpty())
        QCOMPARE(usages.constFirst().messageId, reply.id);
}

void TestLlmDecoders::ndjson_splitsLinesAcrossReads()
{
    NdjsonSplitter splitter;
    QCOMPARE(splitter.feed("{\"a\":1}\n{\"b\""), QList<QByteArray> {"{\"a\":1}"});
    QCOMPARE(splitter.bufferedBytes(), 4);
    QCOMPARE(splitter.feed(":2}\r\n\n{\"c\":3}"), QList<QByteArray> {"{\"b\":2}"});
    QCOMPARE(splitter.finish(), QList<QByteArray> {"{\"c\":3}"}); // no newline at the end
    QVERIFY(splitter.takeDrops().isEmpty());
}

void TestLlmDecoders::ndjson_dropsOversizedLine()
{
    NdjsonSplitter splitter;
    splitter.setMaxLineSize(8);
    QCOMPARE(splitter.feed("0123456789"), QList<QByteArray>());
    QCOMPARE(splitter.feed("abc\n{\"ok\":1}\n"), QList<QByteArray> {"{\"ok\":1}"});
    QCOMPARE(splitter.takeDrops().size(), 1);
    QVERIFY(splitter.bufferedBytes() <= 8);
}

void TestLlmDecoders::endpoint_fromUrl()
{
    const auto dialectOf = [](const char *url) {
        const auto found = EndpointDetector::fromUrl(QUrl(QString::fromLatin1(url)));
        return found ? DialectDecoder::dialectText(found->dialect) : QString();
    };
    QCOMPARE(dialectOf("http://h/socket.io/?jobId=j1"), QStringLiteral("model-chunk"));
    QCOMPARE(dialectOf("http://h/socket.io"), QStringLiteral("model-chunk"));
    QCOMPARE(dialectOf("https://api.anthropic.com/v1/messages"), QStringLiteral("anthropic"));
    QCOMPARE(dialectOf("https://api.openai.com/v1/responses/"), QStringLiteral("openai-responses"));
    QCOMPARE(dialectOf("http://h/v1/chat/completions"), QStringLiteral("openai"));
    QCOMPARE(dialectOf("http://h/api/chat"), QString()); // the answer tells (Ollama or AI SDK)
    QCOMPARE(dialectOf("http://h/api/sessions/abc"), QString());
    QVERIFY(EndpointDetector::fromUrl(QUrl(QStringLiteral("http://h/socket.io/")))
                ->reason.contains(QStringLiteral("/socket.io/")));
}

void TestLlmDecoders::endpoint_fromResponse()
{
    const QUrl url(QStringLiteral("http://h/api/chat"));
    const auto with = [](QByteArray contentType, QByteArray uiStream) {
        return [contentType, uiStream](const QByteArray &name) {
            return name == "Content-Type"                 ? contentType
                : name == "x-vercel-ai-ui-message-stream" ? uiStream
                                                          : QByteArray();
        };
    };
    auto found = EndpointDetector::fromResponse(url, with("application/x-ndjson", {}));
    QVERIFY(found && found->dialect == Dialect::Ollama);
    QVERIFY(found->reason.contains(QStringLiteral("/api/chat")));
    found = EndpointDetector::fromResponse(url, with("text/event-stream", "v1"));
    QVERIFY(found && found->dialect == Dialect::AiSdk);
    QVERIFY(found->reason.contains(QStringLiteral("x-vercel-ai-ui-message-stream: v1")));
    QVERIFY(!EndpointDetector::fromResponse(url, with("text/event-stream; charset=utf-8", {})));
}

void TestLlmDecoders::detect_fromFrames()
{
    const auto detected = [](const char *type, const char *data) {
        const auto found = DialectDecoder::detect(SseEvent {type, data, {}});
        return found ? DialectDecoder::dialectText(found->dialect) : QString();
    };
    QCOMPARE(detected("message_start", "{\"type\":\"message_start\",\"message\":{}}"),
             QStringLiteral("anthropic"));
    QCOMPARE(detected("response.created", "{\"type\":\"response.created\"}"),
             QStringLiteral("openai-responses"));
    QCOMPARE(detected("message", "{\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"x\"}"),
             QStringLiteral("ai-sdk"));
    QCOMPARE(detected("message", "{\"model\":\"m\",\"response\":\"x\",\"done\":false}"),
             QStringLiteral("ollama"));
}

QTEST_GUILESS_MAIN(TestLlmDecoders)
#include "tst_llmdecoders.moc"
