#include "tests/support/nodeserver.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

// `inkstream watch --summary -` against a Node.js loopback server per dialect
// (tests/dialects/servers/*.js, written from the seed documents).
class TestDialects final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void watch_data();
    void watch();
    void socketIo_pingPongReconnectAndAuth();
    void chatApis_data();
    void chatApis();
    void idLessReplay_endsByteIdentical_data();
    void idLessReplay_endsByteIdentical();
    void codeStream_errorReasonReachesTheSummary();
};

namespace {

// Runs `inkstream watch URL --summary - --output DIR ARGS` to its end; the summary, or an empty
// object when there was none (stderr says why).
QJsonObject runWatch(const QString &url, const QString &outputDir, const QStringList &arguments,
                     QByteArray *stderrText)
{
    QProcess watch;
    watch.setProcessChannelMode(QProcess::SeparateChannels);
    QStringList args {
        QStringLiteral("watch"),    url,       QStringLiteral("--summary"), QStringLiteral("-"),
        QStringLiteral("--output"), outputDir, QStringLiteral("--timeout"), QStringLiteral("30")};
    watch.start(qEnvironmentVariable("INKSTREAM_BINARY"), args + arguments);
    if (!watch.waitForStarted(10000) || !watch.waitForFinished(45000)) {
        watch.kill();
        watch.waitForFinished(5000);
    }
    *stderrText = watch.readAllStandardError();
    return QJsonDocument::fromJson(watch.readAllStandardOutput()).object();
}

// Starts the Node server `script` and runs `watch` against PATH on it (runWatch); an empty
// summary, with stderr saying why, when the server did not start.
QJsonObject watchNodeServer(const QString &script, const QString &path, const QString &outputDir,
                            const QStringList &arguments, QByteArray *stderrText)
{
    NodeServer node(script);
    const int port = node.port(); // port() reads the server's first line: once
    if (port <= 0) {
        *stderrText = "the Node server " + script.toUtf8() + " did not report its port";
        return {};
    }
    return runWatch(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path), outputDir,
                    arguments, stderrText);
}

// What watchNodeServer left for a data row: the output directory, stderr, the summary and the
// summary indented (for failure messages).
struct RowRun
{
    QTemporaryDir output;
    QByteArray stderrText;
    QJsonObject summary;
    QByteArray pretty;
};

// Runs watchNodeServer for the current row's `server`, `path` and `arguments` into `run`: fails
// the test when the output directory is not valid, when `secret` (unless null) reached stderr or
// when there is no summary. The caller returns when this failed (QTest::currentTestFailed()).
void watchRow(RowRun *run, const char *secret = nullptr)
{
    QFETCH(QString, server);
    QFETCH(QString, path);
    QFETCH(QStringList, arguments);
    QVERIFY(run->output.isValid());
    run->summary = watchNodeServer(server, path, run->output.path(), arguments, &run->stderrText);
    if (secret)
        QVERIFY2(!run->stderrText.contains(secret), "the API key must never be logged");
    QVERIFY2(!run->summary.isEmpty(), run->stderrText.constData());
    run->pretty = QJsonDocument(run->summary).toJson();
}

} // namespace

void TestDialects::initTestCase()
{
    QVERIFY2(QFileInfo(qEnvironmentVariable("INKSTREAM_BINARY")).isExecutable(),
             "INKSTREAM_BINARY must name the built inkstream");
    QProcess node;
    node.start(QStringLiteral("node"), {QStringLiteral("--version")});
    QVERIFY2(node.waitForFinished(10000) && node.exitCode() == 0, "node is required");
}

using StringMap = QMap<QString, QString>;

void TestDialects::watch_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<StringMap>("files"); // name -> content on disk
    QTest::addColumn<QStringList>("chat"); // substrings of the chat, in order of messages
    QTest::addColumn<QString>("steps"); // comma-separated states, or name=state: the source's
    QTest::addColumn<int>("progress");
    QTest::addColumn<int>("warnings");

    const QString pending = QStringLiteral("pending,pending,pending,pending");
    const QString allComplete = QStringLiteral("complete,complete,complete,complete");
    QTest::newRow("code-stream, detected")
        << QStringLiteral("codestream.js") << QStringLiteral("/api/interview/1/code-stream")
        << QStringList {QStringLiteral("--until"), QStringLiteral("idle:1.5")}
        << QStringLiteral("idle") << QStringLiteral("code-stream")
        << StringMap {{QStringLiteral("solution.js"),
                       QStringLiteral("const solution = (s) => s.split(\"\").reverse().join(\"\");"
                                      "\nmodule.exports = solution;\n")},
                      {QStringLiteral("util.js"),
                       QStringLiteral("export const add = (a, b) => a + b;\n")}}
        << QStringList() << pending << 0 << 1;
    const StringMap forgeFiles {
        {QStringLiteral("index.js"),
         QStringLiteral("const express = require(\"express\");\nconst app = express();\n"
                        "app.listen(3000);\n")}};
    const QStringList forgeChat {QStringLiteral("Project created: todo-api"),
                                 QStringLiteral("Planning API structure..."),
                                 QStringLiteral("Generating files..."),
                                 QStringLiteral("Generating index.js..."),
                                 QStringLiteral("✓ Created index.js"),
                                 QStringLiteral("Validating generated code..."),
                                 QStringLiteral("API generated successfully!")};
    QTest::newRow("smart-forge, names in event:, detected")
        << QStringLiteral("smartforge.js") << QStringLiteral("/named/api/stream/p1")
        << QStringList() << QStringLiteral("complete") << QStringLiteral("smart-forge")
        << forgeFiles << forgeChat << allComplete << 100 << 1;
    QTest::newRow("smart-forge, type in data, explicit")
        << QStringLiteral("smartforge.js") << QStringLiteral("/typed/api/stream/p1")
        << QStringList {QStringLiteral("--dialect"), QStringLiteral("smart-forge")}
        << QStringLiteral("complete") << QStringLiteral("smart-forge") << forgeFiles << forgeChat
        << allComplete << 100 << 1;
    const StringMap chatFiles {
        {QStringLiteral("sum.py"), QStringLiteral("def add(a, b):\n    return a + b\n")},
        {QStringLiteral("snippet-1.sh"), QStringLiteral("echo ok\n")}};
    QTest::newRow("chat-text, POST --data, detected")
        << QStringLiteral("chattext.js") << QStringLiteral("/api/v1/chat/unified/stream")
        << QStringList {QStringLiteral("--method"), QStringLiteral("POST"),
                        QStringLiteral("--data"),   QStringLiteral("{\"message\":\"sum?\"}"),
                        QStringLiteral("--header"), QStringLiteral("X-User: test")}
        << QStringLiteral("complete") << QStringLiteral("chat-text") << chatFiles
        << QStringList {QStringLiteral("Here is `sum.py`:\n\n```python\ndef add")} << allComplete
        << 100 << 0;
    QTest::newRow("chat-text, bare strings, --prompt")
        << QStringLiteral("chattext.js") << QStringLiteral("/bare/stream")
        << QStringList {QStringLiteral("--dialect"), QStringLiteral("chat-text"),
                        QStringLiteral("--prompt"), QStringLiteral("sum?")}
        << QStringLiteral("complete") << QStringLiteral("chat-text") << chatFiles
        << QStringList {QStringLiteral("And a shell line:")} << allComplete << 100 << 0;
    QTest::newRow("writing-flow autopilot, detected")
        << QStringLiteral("writingflow.js") << QStringLiteral("/api/autopilot/stream?taskId=t1")
        << QStringList() << QStringLiteral("complete") << QStringLiteral("writing-flow")
        << StringMap() << QStringList {QStringLiteral("Document doc-7 is ready")}
        << QStringLiteral("search=complete,strategy=complete,outline=complete") << 100 << 0;
    QTest::newRow("writing-flow generation, explicit")
        << QStringLiteral("writingflow.js") << QStringLiteral("/api/generation/stream?streamId=s1")
        << QStringList {QStringLiteral("--dialect"), QStringLiteral("writing-flow"),
                        QStringLiteral("--until"), QStringLiteral("idle:1.5")}
        << QStringLiteral("idle") << QStringLiteral("writing-flow")
        << StringMap {{QStringLiteral("intro.md"),
                       QStringLiteral("Streaming makes writing "
                                      "visible.")},
                      {QStringLiteral("body.md"), QStringLiteral("Each block streams apart.")}}
        << QStringList {QStringLiteral("Sources for intro: [smith2020] example.org/smith")}
        << pending << 0 << 0;
    const StringMap sumFile {{QStringLiteral("sum.js"),
                              QStringLiteral("export function sum(a, b) {\n  return a + b;\n}\n")}};
    QTest::newRow("model-chunk over SSE, detected")
        << QStringLiteral("modelchunk.js") << QStringLiteral("/api/jobs/job-1/stream")
        << QStringList() << QStringLiteral("complete") << QStringLiteral("model-chunk") << sumFile
        << QStringList {QStringLiteral("Here is the sum function.")}
        << QStringLiteral("thinking=complete,writing=complete") << 100 << 0;
    QTest::newRow("model-chunk over Socket.IO, detected")
        << QStringLiteral("modelchunk.js") << QStringLiteral("/?jobId=job-3")
        << QStringList {QStringLiteral("--transport"), QStringLiteral("socketio")}
        << QStringLiteral("complete") << QStringLiteral("model-chunk") << sumFile
        << QStringList {QStringLiteral("It adds two numbers.")}
        << QStringLiteral("thinking=complete,writing=complete") << 100 << 0;
    QTest::newRow("openai, --prompt --model --token")
        << QStringLiteral("openai.js") << QString()
        << QStringList {QStringLiteral("--dialect"), QStringLiteral("openai"),
                        QStringLiteral("--model"),   QStringLiteral("mock-1"),
                        QStringLiteral("--prompt"),  QStringLiteral("Write sum.js"),
                        QStringLiteral("--token"),   QStringLiteral("test-key")}
        << QStringLiteral("complete") << QStringLiteral("openai")
        << StringMap {{QStringLiteral("sum.js"),
                       QStringLiteral("export function sum(a, b) {\n  return a + b;\n}\n")},
                      {QStringLiteral("snippet-1.py"), QStringLiteral("print(1)\n")}}
        << QStringList {QStringLiteral("Sure. Save this as sum.js:")} << allComplete << 100 << 0;
}

void TestDialects::watch()
{
    QFETCH(QString, status);
    QFETCH(QString, dialect);
    QFETCH(StringMap, files);
    QFETCH(QStringList, chat);
    QFETCH(QString, steps);
    QFETCH(int, progress);
    QFETCH(int, warnings);

    RowRun run;
    watchRow(&run, "test-key");
    if (QTest::currentTestFailed())
        return;
    const auto &[output, stderrText, summary, pretty] = run;
    QVERIFY2(summary.value(QStringLiteral("status")).toString() == status, pretty.constData());
    QCOMPARE(summary.value(QStringLiteral("dialect")).toString(), dialect);
    // The only errors are failed files, each with the reason its source gave (issue 18, 4).
    QStringList failedFiles;
    for (const QJsonValue &file : summary.value(QStringLiteral("files")).toArray()) {
        const QJsonObject entry = file.toObject();
        if (entry.value(QStringLiteral("state")).toString() == u"error") {
            QVERIFY2(!entry.value(QStringLiteral("error")).toString().isEmpty(),
                     pretty.constData());
            failedFiles.append(entry.value(QStringLiteral("name")).toString() + u": "
                               + entry.value(QStringLiteral("error")).toString());
        }
    }
    QStringList errors;
    for (const QJsonValue &error : summary.value(QStringLiteral("errors")).toArray())
        errors.append(error.toString());
    QVERIFY2(errors == failedFiles, pretty.constData());
    QVERIFY2(summary.value(QStringLiteral("warnings")).toArray().size() == warnings,
             pretty.constData());

    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        QFile file(QDir(output.path()).filePath(it.key()));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(it.key()));
        QCOMPARE(QString::fromUtf8(file.readAll()), it.value());
    }
    int completeFiles = 0;
    for (const QJsonValue &file : summary.value(QStringLiteral("files")).toArray())
        completeFiles += file.toObject().value(QStringLiteral("state")).toString() == u"complete";
    QCOMPARE(completeFiles, files.size());

    const QJsonArray messages = summary.value(QStringLiteral("chat")).toArray();
    QVERIFY2(messages.size() >= chat.size(), pretty.constData());
    for (int i = 0; i < chat.size(); ++i) {
        bool found = false;
        for (const QJsonValue &message : messages)
            found = found
                || message.toObject().value(QStringLiteral("text")).toString().contains(chat.at(i));
        QVERIFY2(found, qPrintable(chat.at(i)));
    }
    QStringList stepStates;
    for (const QJsonValue &step : summary.value(QStringLiteral("steps")).toArray()) {
        const QString name = step.toObject().value(QStringLiteral("name")).toString();
        const QString state = step.toObject().value(QStringLiteral("state")).toString();
        stepStates.append(steps.contains(u'=') ? name + u'=' + state : state);
    }
    QCOMPARE(stepStates.join(u','), steps);
    QCOMPARE(summary.value(QStringLiteral("progress")).toInt(), progress);
}

// Seed 000's `code` error event carries a reason: it reaches the file's entry and the errors.
void TestDialects::codeStream_errorReasonReachesTheSummary()
{
    QTemporaryDir output;
    QByteArray stderrText;
    const QJsonObject summary = watchNodeServer(
        QStringLiteral("codestream.js"), QStringLiteral("/api/interview/1/code-stream"),
        output.path(), {QStringLiteral("--until"), QStringLiteral("idle:1.5")}, &stderrText);
    QVERIFY2(!summary.isEmpty(), stderrText.constData());
    const QByteArray pretty = QJsonDocument(summary).toJson();
    QJsonObject broken;
    for (const QJsonValue &file : summary.value(QStringLiteral("files")).toArray()) {
        if (file.toObject().value(QStringLiteral("name")).toString() == u"broken.js")
            broken = file.toObject();
    }
    QCOMPARE(broken.value(QStringLiteral("state")).toString(), QStringLiteral("error"));
    QCOMPARE(broken.value(QStringLiteral("error")).toString(),
             QStringLiteral("Failed to stream code"));
    QVERIFY2(summary.value(QStringLiteral("errors"))
                 .toArray()
                 .contains(QStringLiteral("broken.js: Failed to stream code")),
             pretty.constData());
    QVERIFY2(stderrText.contains("broken.js: Failed to stream code"), stderrText.constData());
}

// Seeds 000 and 004 have no ids: a reconnected stream starts over. The server drops the first
// three connections mid-file (`dropAt`), each next one sends everything again from the start;
// what was received is skipped (counted), so the files end byte for byte as sent once. A
// stream that closes after its last block completes the session instead of reconnecting.
void TestDialects::idLessReplay_endsByteIdentical_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("status");
    QTest::addColumn<StringMap>("files");
    QTest::addColumn<int>("reconnects");
    QTest::addColumn<int>("skipped");

    const StringMap blocks {
        {QStringLiteral("intro.md"), QStringLiteral("Streaming makes writing visible.")},
        {QStringLiteral("body.md"), QStringLiteral("Each block streams apart.")}};
    const QStringList writingFlow {QStringLiteral("--dialect"), QStringLiteral("writing-flow"),
                                   QStringLiteral("--backoff-base"), QStringLiteral("0.25")};
    QTest::newRow("writing-flow generation, three replays, closes after the last block")
        << QStringLiteral("writingflow.js")
        << QStringLiteral("/api/generation/stream?streamId=s1&dropAt=1,2,4&close=1") << writingFlow
        << QStringLiteral("complete") << blocks << 3 << 1 + 2 + 4;
    QTest::newRow("writing-flow generation, closes after the last block")
        << QStringLiteral("writingflow.js")
        << QStringLiteral("/api/generation/stream?streamId=s1&close=1") << writingFlow
        << QStringLiteral("complete") << blocks << 0 << 0;
    QTest::newRow("code-stream, three replays, detected")
        << QStringLiteral("codestream.js")
        << QStringLiteral("/api/interview/1/code-stream?dropAt=8,16,24")
        << QStringList {QStringLiteral("--until"), QStringLiteral("idle:1.5"),
                        QStringLiteral("--backoff-base"), QStringLiteral("0.25")}
        << QStringLiteral("idle")
        << StringMap {{QStringLiteral("solution.js"),
                       QStringLiteral("const solution = (s) => s.split(\"\").reverse().join(\"\");"
                                      "\nmodule.exports = solution;\n")},
                      {QStringLiteral("util.js"),
                       QStringLiteral("export const add = (a, b) => a + b;\n")}}
        << 3 << 8 + 16 + 24;
}

void TestDialects::idLessReplay_endsByteIdentical()
{
    QFETCH(QString, status);
    QFETCH(StringMap, files);
    QFETCH(int, reconnects);
    QFETCH(int, skipped);

    RowRun run;
    watchRow(&run);
    if (QTest::currentTestFailed())
        return;
    const auto &[output, stderrText, summary, pretty] = run;
    QVERIFY2(summary.value(QStringLiteral("status")).toString() == status, pretty.constData());
    QVERIFY2(summary.value(QStringLiteral("reconnects")).toInt() == reconnects, pretty.constData());
    QVERIFY2(summary.value(QStringLiteral("replayedFramesSkipped")).toInt() == skipped,
             pretty.constData());
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        QFile file(QDir(output.path()).filePath(it.key()));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(it.key()));
        QCOMPARE(file.readAll(), it.value().toUtf8());
    }
    for (const QJsonValue &file : summary.value(QStringLiteral("files")).toArray()) {
        const QJsonObject entry = file.toObject();
        const QString name = entry.value(QStringLiteral("name")).toString();
        if (files.contains(name)) // byte-identical in the summary too: no doubled character
            QVERIFY2(entry.value(QStringLiteral("bytes")).toInt()
                         == files.value(name).toUtf8().size(),
                     pretty.constData());
    }
}

// Seed 003's realtime server over Socket.IO v4: the client answers the server's pings (a
// short ping interval over a stream of about two seconds: a client that did not would be
// dropped for a ping timeout), survives a dropped connection, de-duplicates the history the
// server replays after it, and a wrong token is a clear, final error.
void TestDialects::socketIo_pingPongReconnectAndAuth()
{
    NodeServer node(QStringLiteral("modelchunk.js"),
                    {QStringLiteral("--ping-interval"), QStringLiteral("150"),
                     QStringLiteral("--ping-timeout"), QStringLiteral("200"),
                     QStringLiteral("--drop-after"), QStringLiteral("20"),
                     QStringLiteral("--token"), QStringLiteral("sesame")});
    const int port = node.port();
    QVERIFY2(port > 0, "the Node server did not report its port");
    const QString url = QStringLiteral("http://127.0.0.1:%1/?jobId=job-9").arg(port);
    const QStringList socketIo {QStringLiteral("--transport"), QStringLiteral("socketio")};

    QTemporaryDir output;
    QVERIFY(output.isValid());
    QByteArray stderrText;
    const QJsonObject summary = runWatch(
        url, output.path(),
        socketIo + QStringList {QStringLiteral("--token"), QStringLiteral("sesame")}, &stderrText);
    QVERIFY2(!summary.isEmpty(), stderrText.constData());
    QVERIFY2(!stderrText.contains("sesame"), "the token must never be logged");
    const QByteArray pretty = QJsonDocument(summary).toJson();
    QVERIFY2(summary.value(QStringLiteral("status")).toString() == u"complete", pretty.constData());
    QCOMPARE(summary.value(QStringLiteral("transport")).toString(), QStringLiteral("socketio"));
    QCOMPARE(summary.value(QStringLiteral("reconnects")).toInt(), 1);
    // The server replays the job from its first chunk: what the first connection had is dropped.
    const int duplicates = summary.value(QStringLiteral("duplicatesDropped")).toInt();
    QVERIFY2(duplicates >= 1 && duplicates <= 20, pretty.constData());
    QFile file(QDir(output.path()).filePath(QStringLiteral("sum.js")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("export function sum(a, b) {\n  return a + b;\n}\n"));
    const QJsonArray chat = summary.value(QStringLiteral("chat")).toArray();
    QCOMPARE(chat.size(), 1);
    QCOMPARE(chat.at(0).toObject().value(QStringLiteral("text")).toString(),
             QStringLiteral("Here is the sum function.\n\n```js title=\"sum.js\"\nexport function "
                            "sum(a, b) {\n  return a + b;\n}\n```\n\nIt adds two numbers."));

    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sf"), QStringLiteral("http://127.0.0.1:%1/stats").arg(port)});
    QVERIFY(curl.waitForFinished(10000));
    const QJsonObject stats = QJsonDocument::fromJson(curl.readAllStandardOutput()).object();
    QCOMPARE(stats.value(QStringLiteral("connections")).toInt(), 2);
    QVERIFY2(stats.value(QStringLiteral("pongs")).toInt() >= 3,
             QJsonDocument(stats).toJson().constData());
    for (const QJsonValue &reason : stats.value(QStringLiteral("disconnects")).toArray())
        QVERIFY2(reason.toString() != u"ping timeout", "the client must answer the pings");

    const QJsonObject refused = runWatch(
        url, output.path(),
        socketIo + QStringList {QStringLiteral("--token"), QStringLiteral("wrong")}, &stderrText);
    QCOMPARE(refused.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
    QVERIFY2(refused.value(QStringLiteral("errors"))
                 .toArray()
                 .last()
                 .toString()
                 .contains(QStringLiteral("not authorized")),
             QJsonDocument(refused).toJson().constData());
}

// The LLM APIs and the Socket.IO URL (issue 18): each server speaks the format from its public
// documentation (the AI SDK's stream is the `ai` package's own). `auto` rows name no dialect:
// the URL or the answer's headers tell it before the first frame. Failing rows end mid-reply:
// what arrived stays, and the source's reason is the session's error.
void TestDialects::chatApis_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<QString>("reason"); // in dialectReason
    QTest::addColumn<QString>("error"); // empty: the session completes
    QTest::addColumn<QStringList>("chat"); // substrings found in the chat
    QTest::addColumn<QString>("usage"); // the summary's usage (compact JSON); empty: not checked

    const QString prompt = QStringLiteral("Write sum.js");
    const auto usage = [](const char *reason, int input, int output) {
        QJsonObject object {
            {QStringLiteral("replies"), 1},
            {QStringLiteral("stopReasons"), QJsonObject {{QString::fromLatin1(reason), 1}}},
            {QStringLiteral("inputTokens"), QJsonValue::Null},
            {QStringLiteral("outputTokens"), QJsonValue::Null}};
        if (input >= 0)
            object.insert(QStringLiteral("inputTokens"), input);
        if (output >= 0)
            object.insert(QStringLiteral("outputTokens"), output);
        return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
    };
    const QString failing = QStringLiteral("Write sum.js, then fail");
    const QString reply = QStringLiteral("Sure. Save this as sum.js:");
    const auto body = [](const QString &json) {
        return QStringList {QStringLiteral("--data"), json};
    };
    const QStringList anthropicHeaders {
        QStringLiteral("--header"), QStringLiteral("x-api-key: test-key"),
        QStringLiteral("--header"), QStringLiteral("anthropic-version: 2023-06-01")};
    const QStringList bearer {QStringLiteral("--header"),
                              QStringLiteral("Authorization: Bearer test-key")};

    QTest::newRow("socket.io server's root URL, auto: an Engine.IO handshake tells")
        << QStringLiteral("modelchunk.js") << QStringLiteral("/?jobId=job-3") << QStringList()
        << QStringLiteral("model-chunk") << QStringLiteral("Engine.IO handshake") << QString()
        << QStringList {QStringLiteral("It adds two numbers.")} << QString();
    QTest::newRow("socket.io URL, auto")
        << QStringLiteral("modelchunk.js") << QStringLiteral("/socket.io/?jobId=job-3")
        << QStringList() << QStringLiteral("model-chunk") << QStringLiteral("/socket.io/")
        << QString() << QStringList {QStringLiteral("It adds two numbers.")} << QString();

    const QStringList anthropic {QStringLiteral("--dialect"),    QStringLiteral("anthropic"),
                                 QStringLiteral("--model"),      QStringLiteral("mock-claude"),
                                 QStringLiteral("--token"),      QStringLiteral("test-key"),
                                 QStringLiteral("--max-tokens"), QStringLiteral("512"),
                                 QStringLiteral("--system"),     QStringLiteral("Be brief.")};
    QTest::newRow("anthropic, --prompt --system --max-tokens")
        << QStringLiteral("anthropic.js") << QString()
        << anthropic + QStringList {QStringLiteral("--prompt"), prompt}
        << QStringLiteral("anthropic") << QStringLiteral("requested") << QString()
        << QStringList {reply} << usage("end_turn", 12, 42);
    QTest::newRow("anthropic, auto from /v1/messages")
        << QStringLiteral("anthropic.js") << QStringLiteral("/v1/messages")
        << anthropicHeaders
            + body(QStringLiteral("{\"model\":\"mock-claude\",\"max_tokens\":64,\"stream\":true,"
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"sum\"}]}"))
        << QStringLiteral("anthropic") << QStringLiteral("/v1/messages") << QString()
        << QStringList {reply} << usage("stop_sequence", 12, 42);
    QTest::newRow("anthropic, error event mid-reply")
        << QStringLiteral("anthropic.js") << QString()
        << anthropic + QStringList {QStringLiteral("--prompt"), failing}
        << QStringLiteral("anthropic") << QStringLiteral("requested")
        << QStringLiteral("Overloaded (overloaded_error)") << QStringList {reply} << QString();

    const QStringList responses {QStringLiteral("--dialect"), QStringLiteral("openai-responses"),
                                 QStringLiteral("--model"),   QStringLiteral("mock-4o"),
                                 QStringLiteral("--token"),   QStringLiteral("test-key")};
    QTest::newRow("openai-responses, --prompt")
        << QStringLiteral("openairesponses.js") << QString()
        << responses + QStringList {QStringLiteral("--prompt"), prompt}
        << QStringLiteral("openai-responses") << QStringLiteral("requested") << QString()
        << QStringList {reply} << usage("completed", 9, 40);
    QTest::newRow("openai-responses, auto from /v1/responses")
        << QStringLiteral("openairesponses.js") << QStringLiteral("/v1/responses")
        << bearer
            + body(QStringLiteral("{\"model\":\"mock-4o\",\"stream\":true,\"input\":\"sum\"}"))
        << QStringLiteral("openai-responses") << QStringLiteral("/v1/responses") << QString()
        << QStringList {reply} << QString();
    QTest::newRow("openai-responses, response.failed mid-reply")
        << QStringLiteral("openairesponses.js") << QString()
        << responses + QStringList {QStringLiteral("--prompt"), failing}
        << QStringLiteral("openai-responses") << QStringLiteral("requested")
        << QStringLiteral("The model crashed (server_error)") << QStringList {reply} << QString();

    const QStringList ollama {QStringLiteral("--dialect"),     QStringLiteral("ollama"),
                              QStringLiteral("--model"),       QStringLiteral("mock-llama"),
                              QStringLiteral("--temperature"), QStringLiteral("0.2")};
    QTest::newRow("ollama /api/chat, --prompt --temperature")
        << QStringLiteral("ollama.js") << QString()
        << ollama + QStringList {QStringLiteral("--prompt"), prompt} << QStringLiteral("ollama")
        << QStringLiteral("requested") << QString() << QStringList {reply} << usage("stop", 26, 41);
    QTest::newRow("ollama /api/generate, --prompt")
        << QStringLiteral("ollama.js") << QStringLiteral("/api/generate")
        << ollama + QStringList {QStringLiteral("--prompt"), prompt} << QStringLiteral("ollama")
        << QStringLiteral("requested") << QString() << QStringList {reply} << QString();
    QTest::newRow("ollama, auto from an NDJSON answer to /api/chat")
        << QStringLiteral("ollama.js") << QStringLiteral("/api/chat")
        << body(QStringLiteral("{\"model\":\"mock-llama\",\"messages\":[{\"role\":\"user\","
                               "\"content\":\"sum\"}]}"))
        << QStringLiteral("ollama") << QStringLiteral("application/x-ndjson") << QString()
        << QStringList {reply} << QString();
    QTest::newRow("ollama, error line mid-reply")
        << QStringLiteral("ollama.js") << QString()
        << ollama + QStringList {QStringLiteral("--prompt"), failing} << QStringLiteral("ollama")
        << QStringLiteral("requested") << QStringLiteral("model runner has unexpectedly stopped")
        << QStringList {reply} << QString();

    QTest::newRow("ai-sdk, --dialect ai-sdk --prompt")
        << QStringLiteral("aisdk.js") << QStringLiteral("/api/chat")
        << QStringList {QStringLiteral("--dialect"), QStringLiteral("ai-sdk"),
                        QStringLiteral("--prompt"), prompt}
        << QStringLiteral("ai-sdk") << QStringLiteral("requested") << QString()
        << QStringList {reply} << usage("stop", -1, -1);
    QTest::newRow("ai-sdk, auto from the x-vercel-ai-ui-message-stream header")
        << QStringLiteral("aisdk.js") << QStringLiteral("/api/chat")
        << QStringList {QStringLiteral("--prompt"), prompt} << QStringLiteral("ai-sdk")
        << QStringLiteral("x-vercel-ai-ui-message-stream: v1") << QString() << QStringList {reply}
        << QString();
    QTest::newRow("ai-sdk, error part mid-reply")
        << QStringLiteral("aisdk.js") << QStringLiteral("/api/chat")
        << QStringList {QStringLiteral("--prompt"), failing} << QStringLiteral("ai-sdk")
        << QStringLiteral("x-vercel-ai-ui-message-stream")
        << QStringLiteral("the model provider "
                          "went away")
        << QStringList {reply} << QString();
}

void TestDialects::chatApis()
{
    QFETCH(QString, server);
    QFETCH(QString, dialect);
    QFETCH(QString, reason);
    QFETCH(QString, error);
    QFETCH(QStringList, chat);
    QFETCH(QString, usage);

    RowRun run;
    watchRow(&run, "test-key");
    if (QTest::currentTestFailed())
        return;
    const auto &[output, stderrText, summary, pretty] = run;
    QCOMPARE(summary.value(QStringLiteral("dialect")).toString(), dialect);
    QVERIFY2(summary.value(QStringLiteral("dialectReason")).toString().contains(reason),
             pretty.constData());
    // A failed reply leaves its code block open: the one warning says so.
    QVERIFY2(summary.value(QStringLiteral("warnings")).toArray().size()
                 == (error.isEmpty() ? 0 : 1),
             pretty.constData());

    const QJsonArray messages = summary.value(QStringLiteral("chat")).toArray();
    for (const QString &text : chat) {
        bool found = false;
        for (const QJsonValue &message : messages)
            found = found
                || message.toObject().value(QStringLiteral("text")).toString().contains(text);
        QVERIFY2(found, qPrintable(text + u'\n' + QString::fromUtf8(pretty)));
    }
    // The source's stop reason and token counts are analytics, not chat.
    for (const QJsonValue &message : messages)
        QVERIFY2(message.toObject().value(QStringLiteral("role")).toString() != u"event",
                 pretty.constData());
    if (!usage.isEmpty())
        QCOMPARE(QString::fromUtf8(QJsonDocument(summary.value(QStringLiteral("usage")).toObject())
                                       .toJson(QJsonDocument::Compact)),
                 usage);
    QStringList stepStates;
    for (const QJsonValue &step : summary.value(QStringLiteral("steps")).toArray())
        stepStates.append(step.toObject().value(QStringLiteral("state")).toString());

    // Clang 14 cannot capture a structured binding (C++20 allows it): the path is captured.
    const auto fileText = [directory = output.path()](const QString &name) {
        QFile file(QDir(directory).filePath(name));
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    };
    if (error.isEmpty()) {
        QVERIFY2(summary.value(QStringLiteral("status")).toString() == u"complete",
                 pretty.constData());
        QVERIFY2(summary.value(QStringLiteral("errors")).toArray().isEmpty(), pretty.constData());
        QCOMPARE(summary.value(QStringLiteral("progress")).toInt(), 100);
        QCOMPARE(stepStates.constLast(), QStringLiteral("complete"));
        QCOMPARE(fileText(QStringLiteral("sum.js")),
                 QStringLiteral("export function sum(a, b) {\n  return a + b;\n}\n"));
        if (server != u"modelchunk.js")
            QCOMPARE(fileText(QStringLiteral("snippet-1.py")), QStringLiteral("print(1)\n"));
        if (server == u"modelchunk.js")
            QCOMPARE(summary.value(QStringLiteral("transport")).toString(),
                     QStringLiteral("socketio"));
    } else {
        QVERIFY2(summary.value(QStringLiteral("status")).toString() == u"error",
                 pretty.constData());
        const QJsonArray errors = summary.value(QStringLiteral("errors")).toArray();
        QVERIFY2(!errors.isEmpty() && errors.last().toString().contains(error), pretty.constData());
        QVERIFY2(stepStates.contains(QStringLiteral("error")), pretty.constData());
        // The reply broke inside the code block: what arrived is kept.
        QCOMPARE(fileText(QStringLiteral("sum.js")), QStringLiteral("export func"));
    }
}

QTEST_GUILESS_MAIN(TestDialects)
#include "tst_dialects.moc"
