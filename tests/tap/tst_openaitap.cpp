// `inkstream serve --openai-upstream` (and --ollama-upstream) as a tap, driven as a process on
// loopback: the official `openai` npm client (tests/tap/openaiclient.js) calls the upstream
// (tests/dialects/servers/tapupstream.js) once directly and once through the tap, and must
// receive the same; `inkstream watch` of the tap's session must then show the reply as chat and
// its code blocks as files with the right bytes.

#include "tests/support/childprocess.h"
#include "tests/support/nodeserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kReplyText = QStringLiteral(
    "Sure. Save this as sum.js:\n\n```js title=\"sum.js\"\nexport function sum(a, b) {\n  "
    "return a + b;\n}\n```\n\nThen:\n\n```python\nprint(1)\n```\n");
const QByteArray kSumJs = "export function sum(a, b) {\n  return a + b;\n}\n";

QString testsDir()
{
    return QDir(qEnvironmentVariable("INKSTREAM_SOURCE_DIR")).filePath(QStringLiteral("tests"));
}

// A Node script of tests/tap, run to its end; its one line of JSON output.
QJsonObject runNode(const QString &script, const QStringList &arguments)
{
    QProcess node;
    node.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    node.start(QStringLiteral("node"),
               QStringList {QDir(testsDir()).filePath(QStringLiteral("tap/") + script)}
                   + arguments);
    if (!node.waitForFinished(60000)) {
        node.kill();
        node.waitForFinished();
        return {{QStringLiteral("timedOut"), true}};
    }
    return QJsonDocument::fromJson(node.readAllStandardOutput()).object();
}

// The openai client: MODE against BASE (…/v1) with KEY.
QJsonObject openAi(const QString &mode, const QString &base, const QString &key,
                   const QString &model = QStringLiteral("mock-1"),
                   const QString &prompt = QStringLiteral("Write sum.js"))
{
    return runNode(QStringLiteral("openaiclient.js"), {mode, base, key, model, prompt});
}

QJsonObject httpCall(const QString &method, const QString &url, const QByteArray &body = {},
                     const QString &authorization = {})
{
    QStringList arguments {method, url, QString::fromUtf8(body)};
    if (!authorization.isEmpty())
        arguments.append(authorization);
    return runNode(QStringLiteral("httpclient.js"), arguments);
}

QJsonObject getJson(const QUrl &url)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(url));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(10000))
        return {};
    const QJsonObject object = QJsonDocument::fromJson(reply->readAll()).object();
    delete reply;
    return object;
}

// `inkstream watch SESSION --output DIR --summary -` until the session ends.
struct Watch
{
    QJsonObject summary;
    QTemporaryDir output;

    explicit Watch(const QString &sessionUrl)
    {
        ChildProcess watch;
        watch.process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        watch.process.start(binary(),
                            {QStringLiteral("watch"), sessionUrl, QStringLiteral("--output"),
                             output.path(), QStringLiteral("--summary"), QStringLiteral("-"),
                             QStringLiteral("-q"), QStringLiteral("--timeout"),
                             QStringLiteral("30")});
        if (watch.process.waitForFinished(40000))
            summary = QJsonDocument::fromJson(watch.process.readAllStandardOutput()).object();
    }
    QByteArray file(const QString &name) const
    {
        QFile file(QDir(output.path()).filePath(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
    }
    // The text of every chat message of `role`, in order.
    QStringList chat(const QString &role) const
    {
        QStringList texts;
        for (const QJsonValue message : summary.value(QStringLiteral("chat")).toArray()) {
            if (message[QStringLiteral("role")].toString() == role)
                texts.append(message[QStringLiteral("text")].toString());
        }
        return texts;
    }
    QString status() const { return summary.value(QStringLiteral("status")).toString(); }
    QStringList fileNames() const
    {
        QStringList names;
        for (const QJsonValue file : summary.value(QStringLiteral("files")).toArray())
            names.append(file[QStringLiteral("name")].toString());
        return names;
    }
};

// The upstream and a tap in front of it.
struct Tap
{
    NodeServer upstream;
    int upstreamPort = 0;
    ServeProcess serve;
    QString sessionUrl;
    QString base; // http://127.0.0.1:PORT

    explicit Tap(const QStringList &extra = {}, const QStringList &environment = {},
                 const QStringList &upstreamArguments = {})
        : upstream(QStringLiteral("tapupstream.js"), upstreamArguments)
        , upstreamPort(upstream.port())
        , serve(QStringList {QStringLiteral("--ephemeral"), QStringLiteral("--openai-upstream"),
                             QStringLiteral("http://127.0.0.1:%1/v1").arg(upstreamPort),
                             QStringLiteral("--ollama-upstream"),
                             QStringLiteral("http://127.0.0.1:%1").arg(upstreamPort)}
                    + extra,
                environment)
    {
        sessionUrl = serve.readUrl();
        const QUrl url(sessionUrl);
        base = QStringLiteral("http://127.0.0.1:%1").arg(url.port());
    }
    bool ok() const { return upstreamPort > 0 && sessionUrl.startsWith(u"http://"); }
    QString direct() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(upstreamPort); }
    QString tapped() const { return base + QStringLiteral("/v1"); }
    QString directRoot() const { return QStringLiteral("http://127.0.0.1:%1").arg(upstreamPort); }
    QJsonObject stats() const
    {
        return getJson(QUrl(QStringLiteral("http://127.0.0.1:%1/stats").arg(upstreamPort)));
    }
    QJsonObject snapshot() const { return getJson(QUrl(sessionUrl + QStringLiteral("/snapshot"))); }
};

} // namespace

class TstOpenAiTap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void streamedCompletion();
    void nonStreamedCompletion();
    void upstreamErrors_data();
    void upstreamErrors();
    void midStreamFailures_data();
    void midStreamFailures();
    void callerAbortCancelsUpstream();
    void concurrentCallers();
    void moreCallersThanConnectionsPerHost();
    void toolCalls();
    void otherRoutesAreForwardedUnpublished();
    void upstreamKeyReplacesTheCallers();
    void tokenRequiredOffLoopbackStyle();
    void ollamaNative_data();
    void ollamaNative();
    void usageErrors();
    void windowFollowsTheTap();
};

void TstOpenAiTap::streamedCompletion()
{
    Tap tap;
    QVERIFY(tap.ok());
    const QJsonObject direct
        = openAi(QStringLiteral("stream"), tap.direct(), QStringLiteral("test-key"));
    const QJsonObject tapped
        = openAi(QStringLiteral("stream"), tap.tapped(), QStringLiteral("test-key"));
    QVERIFY(!direct.contains(QStringLiteral("error")));
    QCOMPARE(direct[QStringLiteral("text")].toString(), kReplyText);
    QCOMPARE(tapped, direct); // every chunk, as the client parsed it

    // The bytes too: the SSE frames and [DONE], as the upstream wrote them.
    const QJsonObject rawDirect
        = openAi(QStringLiteral("raw"), tap.direct(), QStringLiteral("test-key"));
    const QJsonObject rawTapped
        = openAi(QStringLiteral("raw"), tap.tapped(), QStringLiteral("test-key"));
    QVERIFY(rawDirect[QStringLiteral("body")].toString().endsWith(u"data: [DONE]\n\n"));
    QCOMPARE(rawTapped, rawDirect);

    const Watch watch(tap.sessionUrl);
    QCOMPARE(watch.status(), QStringLiteral("complete"));
    QCOMPARE(watch.chat(QStringLiteral("user")),
             QStringList({QStringLiteral("Write sum.js"), QStringLiteral("Write sum.js")}));
    QCOMPARE(watch.chat(QStringLiteral("assistant")), QStringList({kReplyText, kReplyText}));
    QCOMPARE(watch.file(QStringLiteral("sum.js")), kSumJs);
    QCOMPARE(watch.file(QStringLiteral("snippet-1.py")), QByteArray("print(1)\n"));
    QCOMPARE(watch.file(QStringLiteral("snippet-2.py")), QByteArray("print(1)\n"));
}

void TstOpenAiTap::nonStreamedCompletion()
{
    Tap tap;
    QVERIFY(tap.ok());
    const QJsonObject direct
        = openAi(QStringLiteral("complete"), tap.direct(), QStringLiteral("test-key"));
    const QJsonObject tapped
        = openAi(QStringLiteral("complete"), tap.tapped(), QStringLiteral("test-key"));
    QVERIFY(direct.contains(QStringLiteral("completion")));
    QCOMPARE(tapped, direct);

    const Watch watch(tap.sessionUrl);
    QCOMPARE(watch.status(), QStringLiteral("complete"));
    QCOMPARE(watch.chat(QStringLiteral("assistant")), QStringList {kReplyText});
    QCOMPARE(watch.file(QStringLiteral("sum.js")), kSumJs);
    QCOMPARE(watch.file(QStringLiteral("snippet-1.py")), QByteArray("print(1)\n"));
}

void TstOpenAiTap::upstreamErrors_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("401") << "mock-1"
                         << "wrong-key" << 401 << "Incorrect API key provided";
    QTest::newRow("429") << "rate-limited"
                         << "test-key" << 429 << "Rate limit reached for mock-1";
    QTest::newRow("500") << "broken"
                         << "test-key" << 500
                         << "The server had an error while processing your request.";
}

void TstOpenAiTap::upstreamErrors()
{
    QFETCH(QString, model);
    QFETCH(QString, key);
    QFETCH(int, status);
    QFETCH(QString, message);
    Tap tap;
    QVERIFY(tap.ok());
    for (const QString &mode : {QStringLiteral("stream"), QStringLiteral("complete")}) {
        const QJsonObject direct = openAi(mode, tap.direct(), key, model);
        const QJsonObject tapped = openAi(mode, tap.tapped(), key, model);
        QCOMPARE(direct[QStringLiteral("error")][QStringLiteral("status")].toInt(), status);
        QCOMPARE(tapped, direct); // status, error body, x-request-id
    }
    const Watch watch(tap.sessionUrl);
    QCOMPARE(watch.status(), QStringLiteral("error"));
    const QStringList events = watch.chat(QStringLiteral("event"));
    QCOMPARE(events.size(), 2);
    for (const QString &event : events)
        QVERIFY2(event.contains(QString::number(status)) && event.contains(message),
                 qPrintable(event));
    QVERIFY(watch.chat(QStringLiteral("assistant")).isEmpty());
}

void TstOpenAiTap::midStreamFailures_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("error");
    QTest::newRow("error frame") << "error-midway"
                                 << "The model is overloaded mid-stream";
    QTest::newRow("cut connection") << "cut-midway"
                                    << "the upstream broke off the reply";
}

void TstOpenAiTap::midStreamFailures()
{
    QFETCH(QString, model);
    QFETCH(QString, error);
    Tap tap;
    QVERIFY(tap.ok());
    const QJsonObject direct
        = openAi(QStringLiteral("stream"), tap.direct(), QStringLiteral("test-key"), model);
    const QJsonObject tapped
        = openAi(QStringLiteral("stream"), tap.tapped(), QStringLiteral("test-key"), model);
    QVERIFY(direct.contains(QStringLiteral("error")));
    QCOMPARE(tapped, direct); // the chunks that arrived, then the same failure

    const QString arrived = direct[QStringLiteral("text")].toString();
    QVERIFY(arrived.endsWith(u"export "));
    const Watch watch(tap.sessionUrl);
    QCOMPARE(watch.status(), QStringLiteral("error"));
    QCOMPARE(watch.chat(QStringLiteral("assistant")), QStringList {arrived});
    const QStringList events = watch.chat(QStringLiteral("event"));
    QCOMPARE(events.size(), 1);
    QVERIFY2(events.constFirst().contains(error), qPrintable(events.constFirst()));
    QCOMPARE(watch.file(QStringLiteral("sum.js")), QByteArray("export ")); // what arrived, kept
}

void TstOpenAiTap::callerAbortCancelsUpstream()
{
    Tap tap({}, {}, {QStringLiteral("--slow"), QStringLiteral("100")});
    QVERIFY(tap.ok());
    const QJsonObject aborted = openAi(QStringLiteral("abort"), tap.tapped(),
                                       QStringLiteral("test-key"), QStringLiteral("slow"));
    QCOMPARE(aborted[QStringLiteral("received")].toInt(), 3);
    // The upstream sees its request cancelled long before its reply would have ended.
    QTRY_COMPARE_WITH_TIMEOUT(tap.stats()[QStringLiteral("cancelled")].toInt(), 1, 5000);
    QCOMPARE(tap.stats()[QStringLiteral("completed")].toInt(), 0);

    const Watch watch(tap.sessionUrl);
    QCOMPARE(watch.status(), QStringLiteral("complete"));
    const QStringList assistant = watch.chat(QStringLiteral("assistant"));
    QCOMPARE(assistant.size(), 1);
    QVERIFY(kReplyText.startsWith(assistant.constFirst()));
    QVERIFY(assistant.constFirst().size() < kReplyText.size());
    const QStringList events = watch.chat(QStringLiteral("event"));
    QCOMPARE(events.size(), 1);
    QVERIFY2(events.constFirst().startsWith(u"Stopped"), qPrintable(events.constFirst()));
}

void TstOpenAiTap::concurrentCallers()
{
    Tap tap({}, {}, {QStringLiteral("--slow"), QStringLiteral("20")});
    QVERIFY(tap.ok());
    // Both replies write same.js at the same time (slow: they overlap).
    const QJsonObject both
        = openAi(QStringLiteral("concurrent"), tap.tapped(), QStringLiteral("test-key"),
                 QStringLiteral("slow"), QStringLiteral("name:same.js"));
    const QString expected
        = QString(kReplyText).replace(QStringLiteral("sum.js\""), QStringLiteral("same.js\""));
    QCOMPARE(both[QStringLiteral("texts")].toArray(), QJsonArray({expected, expected}));

    const Watch watch(tap.sessionUrl);
    QCOMPARE(watch.status(), QStringLiteral("complete"));
    QCOMPARE(watch.chat(QStringLiteral("assistant")), QStringList({expected, expected}));
    QStringList names = watch.fileNames();
    names.sort();
    QCOMPARE(names,
             QStringList({QStringLiteral("same-2.js"), QStringLiteral("same.js"),
                          QStringLiteral("snippet-1.py"), QStringLiteral("snippet-2.py")}));
    QCOMPARE(watch.file(QStringLiteral("same.js")), kSumJs);
    QCOMPARE(watch.file(QStringLiteral("same-2.js")), kSumJs);
}

// Ten callers at once stream at once (the upstream sees all ten open): no caller waits for a
// connection another's reply holds (as behind a client's per-host cap, such as Qt's six).
void TstOpenAiTap::moreCallersThanConnectionsPerHost()
{
    Tap tap({}, {}, {QStringLiteral("--slow"), QStringLiteral("20")});
    QVERIFY(tap.ok());
    const QJsonObject many = openAi(QStringLiteral("many"), tap.tapped(), QStringLiteral("test-key"),
                                    QStringLiteral("slow"), QStringLiteral("10"));
    const QJsonArray texts = many[QStringLiteral("texts")].toArray();
    QCOMPARE(texts.size(), 10);
    for (const QJsonValue text : texts)
        QCOMPARE(text.toString(), kReplyText);
    QCOMPARE(tap.stats()[QStringLiteral("mostOpen")].toInt(), 10);
    const Watch watch(tap.sessionUrl);
    QCOMPARE(watch.status(), QStringLiteral("complete"));
    QCOMPARE(watch.chat(QStringLiteral("assistant")).size(), 10);
}

void TstOpenAiTap::toolCalls()
{
    Tap tap;
    QVERIFY(tap.ok());
    for (const QString &mode : {QStringLiteral("stream"), QStringLiteral("complete")}) {
        const QJsonObject direct
            = openAi(mode, tap.direct(), QStringLiteral("test-key"), QStringLiteral("tools"));
        QCOMPARE(openAi(mode, tap.tapped(), QStringLiteral("test-key"), QStringLiteral("tools")),
                 direct);
    }
    const Watch watch(tap.sessionUrl);
    QCOMPARE(watch.status(), QStringLiteral("complete"));
    const QString call = QStringLiteral("Tool call: get_weather({\"city\":\"Paris\"})");
    QCOMPARE(watch.chat(QStringLiteral("event")), QStringList({call, call}));
}

void TstOpenAiTap::otherRoutesAreForwardedUnpublished()
{
    Tap tap;
    QVERIFY(tap.ok());
    for (const QString &mode : {QStringLiteral("models"), QStringLiteral("embeddings")}) {
        const QJsonObject direct = openAi(mode, tap.direct(), QStringLiteral("test-key"));
        QVERIFY2(!direct.contains(QStringLiteral("error")),
                 QJsonDocument(direct).toJson().constData());
        QCOMPARE(openAi(mode, tap.tapped(), QStringLiteral("test-key")), direct);
    }
    const QJsonObject unknown
        = httpCall(QStringLiteral("GET"), tap.tapped() + QStringLiteral("/nothing"));
    QCOMPARE(unknown, httpCall(QStringLiteral("GET"), tap.direct() + QStringLiteral("/nothing")));
    QCOMPARE(unknown[QStringLiteral("status")].toInt(), 404);
    const QJsonObject snapshot = tap.snapshot();
    QCOMPARE(snapshot[QStringLiteral("state")].toString(), QStringLiteral("idle"));
    QVERIFY(snapshot[QStringLiteral("chat")].toArray().isEmpty());
    // The publisher's own routes are still its own.
    QCOMPARE(httpCall(QStringLiteral("GET"),
                      tap.base + QStringLiteral("/healthz"))[QStringLiteral("status")]
                 .toInt(),
             200);
}

void TstOpenAiTap::upstreamKeyReplacesTheCallers()
{
    // The key given to serve goes upstream instead of the caller's, and is never logged nor
    // published (the serve log at debug level is read whole).
    const QString secret = QStringLiteral("test-key");
    QTemporaryDir dir;
    const QString keyFile = dir.filePath(QStringLiteral("key"));
    QFile file(keyFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(secret.toUtf8() + '\n');
    file.close();
    Tap keyed({QStringLiteral("--openai-key-file"), keyFile},
              {QStringLiteral("QT_LOGGING_RULES=inkstream.*=true")});
    QVERIFY(keyed.ok());
    const QJsonObject tapped
        = openAi(QStringLiteral("stream"), keyed.tapped(), QStringLiteral("callers-own-key"));
    QCOMPARE(tapped[QStringLiteral("text")].toString(), kReplyText);
    const QJsonArray seen = keyed.stats()[QStringLiteral("authorizations")].toArray();
    QCOMPARE(seen, QJsonArray {QStringLiteral("Bearer test-key")});

    // OPENAI_API_KEY does the same.
    Tap fromEnvironment({}, {QStringLiteral("OPENAI_API_KEY=test-key")});
    QVERIFY(fromEnvironment.ok());
    QCOMPARE(
        openAi(QStringLiteral("complete"), fromEnvironment.tapped(),
               QStringLiteral("nothing"))[QStringLiteral("completion")][QStringLiteral("object")]
            .toString(),
        QStringLiteral("chat.completion"));

    const QJsonObject snapshot = keyed.snapshot();
    QVERIFY(!QJsonDocument(snapshot).toJson().contains(secret.toUtf8()));
    keyed.serve.stop();
    const QByteArray log = keyed.serve.process.readAllStandardError();
    QVERIFY2(log.contains("tap"), log.constData()); // the log was on
    QVERIFY2(!log.contains(secret.toUtf8()), log.constData());
    QVERIFY(!log.contains("callers-own-key"));
}

void TstOpenAiTap::tokenRequiredOffLoopbackStyle()
{
    // With a publisher token (required off loopback), a tap caller presents it as its API key
    // (or X-Inkstream-Token); it never goes upstream, the tap's key does.
    Tap tap({QStringLiteral("--token"), QStringLiteral("publisher-token"),
             QStringLiteral("--openai-key"), QStringLiteral("test-key")});
    QVERIFY(tap.ok());
    const QJsonObject without
        = openAi(QStringLiteral("complete"), tap.tapped(), QStringLiteral("not-the-token"));
    QCOMPARE(without[QStringLiteral("error")][QStringLiteral("status")].toInt(), 403);
    const QJsonObject none = httpCall(QStringLiteral("POST"),
                                      tap.tapped() + QStringLiteral("/chat/completions"), "{}");
    QCOMPARE(none[QStringLiteral("status")].toInt(), 401);
    QCOMPARE(tap.stats()[QStringLiteral("requests")].toInt(), 0); // refused before upstream

    const QJsonObject with
        = openAi(QStringLiteral("stream"), tap.tapped(), QStringLiteral("publisher-token"));
    QCOMPARE(with[QStringLiteral("text")].toString(), kReplyText);
    QCOMPARE(tap.stats()[QStringLiteral("authorizations")].toArray(),
             QJsonArray {QStringLiteral("Bearer test-key")});
    const QJsonObject snapshot
        = getJson(QUrl(tap.sessionUrl + QStringLiteral("/snapshot?token=publisher-token")));
    QCOMPARE(snapshot[QStringLiteral("chat")].toArray().size(), 2);
}

void TstOpenAiTap::ollamaNative_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("status");
    QTest::newRow("chat")
        << "/api/chat"
        << QByteArray(
               R"({"model":"mock-llama","messages":[{"role":"user","content":"Write sum.js"}]})")
        << "complete";
    QTest::newRow("chat, not streamed")
        << "/api/chat"
        << QByteArray(
               R"({"model":"mock-llama","stream":false,"messages":[{"role":"user","content":"Write sum.js"}]})")
        << "complete";
    QTest::newRow("generate") << "/api/generate"
                              << QByteArray(R"({"model":"mock-llama","prompt":"Write sum.js"})")
                              << "complete";
    QTest::newRow("failing")
        << "/api/chat"
        << QByteArray(
               R"({"model":"mock-llama","messages":[{"role":"user","content":"Write sum.js and fail"}]})")
        << "error";
}

void TstOpenAiTap::ollamaNative()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, request);
    QFETCH(QString, status);
    Tap tap;
    QVERIFY(tap.ok());
    const QJsonObject direct = httpCall(QStringLiteral("POST"), tap.directRoot() + path, request);
    const QJsonObject tapped = httpCall(QStringLiteral("POST"), tap.base + path, request);
    QCOMPARE(direct[QStringLiteral("status")].toInt(), 200);
    QCOMPARE(tapped, direct); // the NDJSON lines (or the JSON), byte for byte
    const QJsonObject tags
        = httpCall(QStringLiteral("GET"), tap.base + QStringLiteral("/api/tags"));
    QCOMPARE(tags, httpCall(QStringLiteral("GET"), tap.directRoot() + QStringLiteral("/api/tags")));

    const Watch watch(tap.sessionUrl);
    QCOMPARE(watch.status(), status);
    const QJsonObject asked = QJsonDocument::fromJson(request).object();
    const QString prompt = asked.contains(QStringLiteral("prompt"))
        ? asked[QStringLiteral("prompt")].toString()
        : asked[QStringLiteral("messages")][0][QStringLiteral("content")].toString();
    QCOMPARE(watch.chat(QStringLiteral("user")), QStringList {prompt});
    if (status == u"complete") {
        QCOMPARE(watch.chat(QStringLiteral("assistant")), QStringList {kReplyText});
        QCOMPARE(watch.file(QStringLiteral("sum.js")), kSumJs);
        QCOMPARE(watch.file(QStringLiteral("snippet-1.py")), QByteArray("print(1)\n"));
    } else {
        QCOMPARE(watch.chat(QStringLiteral("assistant")), QStringList {kReplyText.left(60)});
        QVERIFY(watch.chat(QStringLiteral("event"))
                    .value(0)
                    .contains(u"model runner has unexpectedly stopped"));
    }
}

void TstOpenAiTap::usageErrors()
{
    ServeProcess bad({QStringLiteral("--ephemeral"), QStringLiteral("--openai-upstream"),
                      QStringLiteral("ftp://example")});
    QVERIFY(bad.process.waitForFinished(10000));
    QCOMPARE(bad.process.exitCode(), 2);
    QVERIFY(bad.process.readAllStandardError().contains("--openai-upstream needs an http(s) URL"));
    ServeProcess keyAlone(
        {QStringLiteral("--ephemeral"), QStringLiteral("--openai-key"), QStringLiteral("k")});
    QVERIFY(keyAlone.process.waitForFinished(10000));
    QCOMPARE(keyAlone.process.exitCode(), 2);
    for (const QStringList &arguments :
         {QStringList {QStringLiteral("--tap"), QStringLiteral("ftp://example")},
          QStringList {QStringLiteral("--tap"), QStringLiteral("http://127.0.0.1:1/v1"),
                       QStringLiteral("--demo")}}) {
        QProcess window;
        window.start(binary(), arguments);
        QVERIFY(window.waitForFinished(10000));
        QCOMPARE(window.exitCode(), 2);
    }
}

// `inkstream --tap URL` (offscreen): the window's embedded publisher taps the upstream, says
// where to point tools, and follows the session until the reply a client asked for completes.
void TstOpenAiTap::windowFollowsTheTap()
{
    NodeServer upstream(QStringLiteral("tapupstream.js"));
    const int port = upstream.port();
    QVERIFY(port > 0);
    ChildProcess window;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.insert(QStringLiteral("INKSTREAM_STARTUP_REPORT"), QStringLiteral("1"));
    QTemporaryDir config;
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
    window.process.setProcessEnvironment(environment);
    window.process.setProcessChannelMode(QProcess::MergedChannels);
    window.process.start(binary(),
                         {QStringLiteral("--tap"),
                          QStringLiteral("http://127.0.0.1:%1/v1").arg(port),
                          QStringLiteral("-platform"), QStringLiteral("offscreen")});
    QByteArray output;
    const QByteArray said = "point OpenAI-compatible clients at ";
    const auto waitFor = [&](const QByteArray &marker) {
        QDeadlineTimer deadline(60000);
        while (!output.contains(marker) && window.process.state() != QProcess::NotRunning
               && !deadline.hasExpired()) {
            window.process.waitForReadyRead(200);
            output.append(window.process.readAll());
        }
        return output.contains(marker);
    };
    QVERIFY2(waitFor(said + "http://127.0.0.1:"), output.constData());
    QVERIFY2(waitFor("/v1\n"), output.constData());
    const qsizetype start = output.indexOf(said) + said.size();
    const QString base = QString::fromUtf8(output.mid(start, output.indexOf('\n', start) - start));
    QVERIFY2(base.endsWith(u"/v1"), qPrintable(base));
    const QJsonObject tapped = openAi(QStringLiteral("stream"), base, QStringLiteral("test-key"));
    QCOMPARE(tapped[QStringLiteral("text")].toString(), kReplyText);
    // The window followed the tap's session to the end of that reply.
    QVERIFY2(waitFor("inkstream-startup: complete"), output.constData());
}

QTEST_GUILESS_MAIN(TstOpenAiTap)
#include "tst_openaitap.moc"
