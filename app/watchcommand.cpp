#include "app/watchcommand.h"

#include "app/commandline.h"
#include "app/connectoptions.h"
#include "app/watchrun.h"
#include "core/client/chatconversation.h"
#include "core/client/sessionclient.h"
#include "core/protocol/dialectdecoder.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTextStream>
#include <chrono>
#include <cmath>
#include <optional>

namespace inkstream::app {

namespace {

constexpr int kExitUsage = CommandLine::Usage;

// BYTES as given on the command line, with an optional K, M or G (KiB, MiB, GiB); > 0.
std::optional<qint64> parseBytes(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^([0-9]{1,18})([KMG]?)(i?B)?$"),
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 number = match.captured(1).toLongLong();
    const QString unit = match.captured(2).toUpper();
    const int shift = unit == u"K" ? 10 : unit == u"M" ? 20 : unit == u"G" ? 30 : 0;
    if (number < 1 || number > (std::numeric_limits<qint64>::max() >> shift))
        return std::nullopt;
    return number << shift;
}

// Seconds as given on the command line to milliseconds; >= 0.
std::optional<std::chrono::milliseconds> parseSecondsOrZero(const QString &text)
{
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || !(seconds >= 0) || seconds > 31536000)
        return std::nullopt;
    return std::chrono::milliseconds(std::llround(seconds * 1000));
}

// Seconds as given on the command line ("2", "0.5") to milliseconds; > 0.
std::optional<std::chrono::milliseconds> parseSeconds(const QString &text)
{
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || !(seconds > 0) || seconds > 31536000)
        return std::nullopt;
    return std::chrono::milliseconds(std::llround(seconds * 1000));
}

} // namespace

int WatchCommand::run(const QStringList &arguments)
{
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Follows a session headless. Writes each received file under DIR when it completes\n"
        "(atomically, each fsync'd). Refused, with an error on stderr and in the summary, and\n"
        "never written: names that would lead outside DIR, with control or bidirectional\n"
        "control characters, a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, with or\n"
        "without extension) or a dot or space at the end of any segment, and a name that would\n"
        "be the same file on disk as one that came before (compared as UTF-8, where unpaired\n"
        "surrogates become U+FFFD, normalised and case-folded; the error names both).\n"
        "With --summary, a JSON summary: status (complete, idle, error, timeout, interrupted,\n"
        "limit), files (name, sha256, bytes, state: writing, complete, error, or\n"
        "incomplete when DIR does not hold it as listed because the deadline or a limit came\n"
        "first), bytesWritten (under DIR), chat, steps, progress, events,\n"
        "reconnects, duplicatesDropped, replayedFramesSkipped (frames an id-less stream sent\n"
        "again from its start after a reconnect), resyncs (re-syncs from the snapshot after a\n"
        "gap), resyncBytes (bytes of the snapshots those re-syncs read), resumedFrom (the last\n"
        "sequence --state held when the run started; 0: fresh),\n"
        "transport (the one in use: sse, ws or poll), dialect (the stream format followed, and\n"
        "dialectReason: why), warnings (what the dialect decoder did not understand),\n"
        "corrections (completed files whose full content differed from the deltas), errors;\n"
        "and analytics: timeToFirstEventMs and timeToFirstCodeMs (since the connection was\n"
        "asked for; null if none came), durationMs (first to last event), bytes (on the wire),\n"
        "codeChars, chatChars (code points), tokens (streamed deltas), charsPerSecond and\n"
        "tokensPerSecond (over the duration), throughput (per throughputBucketMs since the\n"
        "start: atMs, charsPerSecond, chatCharsPerSecond, tokensPerSecond, events, bytes),\n"
        "usage (what an LLM API reported per reply: replies, inputTokens and outputTokens,\n"
        "null when none reported them, and stopReasons: how many replies gave each).\n"
        "With --state FILE the viewer's state (files, chat, steps, last sequence) is kept in\n"
        "FILE while it runs, and a run started again with the same FILE resumes where it was.\n"
        "SIGINT/SIGTERM end the run with status interrupted (files, state, summary written).\n"
        "An unusable --state FILE is a usage error (2)."));
    CommandLine::addStandardOptions(&parser);
    parser.addPositionalArgument(QStringLiteral("watch"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(
        QStringLiteral("SESSION_URL"),
        QStringLiteral("http://HOST:PORT/api/sessions/ID (or its /stream), or any other SSE "
                       "stream URL as it is, e.g. an nchan subscriber URL (docs/relay.md)."));
    const QCommandLineOption outputOption(QStringLiteral("output"),
                                          QStringLiteral("Write the session's files under DIR."),
                                          QStringLiteral("DIR"));
    const QCommandLineOption untilOption(
        QStringLiteral("until"),
        QStringLiteral("When to stop: \"complete\" (the session completes; default) or "
                       "\"idle:SECONDS\" (no event for that long, or the session completes)."),
        QStringLiteral("CONDITION"), QStringLiteral("complete"));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"),
        QStringLiteral("A deadline for the whole run: stop after SECONDS (status timeout, exit 3), "
                       "even while a flood of events keeps it busy. Nothing is written after it; "
                       "files not on disk by then are listed as incomplete."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption maxFilesOption(
        QStringLiteral("max-files"),
        QStringLiteral("Stop (status limit, exit 5) when the session names more than N files; "
                       "the first N are kept (default 10000)."),
        QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption maxOutputOption(
        QStringLiteral("max-output"),
        QStringLiteral("Stop (status limit, exit 5) rather than write more than BYTES under DIR "
                       "in all, rewrites included; K, M or G for KiB, MiB, GiB (default 1G)."),
        QStringLiteral("BYTES"), QStringLiteral("1G"));
    const QCommandLineOption recordOption(
        QStringLiteral("record"),
        QStringLiteral("Record every event as it arrives to FILE (docs/recording.md); "
                       "`inkstream serve --replay FILE` shows it again."),
        QStringLiteral("FILE"));
    parser.addOption(recordOption);
    const QCommandLineOption stateOption(
        QStringLiteral("state"),
        QStringLiteral("Keep the viewer's state in FILE (written atomically, at most about once a "
                       "second while it changes, and at exit). Started again with the same FILE "
                       "and URL, watch writes the files it already has and resumes after the "
                       "last sequence it applied; a FILE of another URL or version, or not a "
                       "viewer state, is refused (exit 2)."),
        QStringLiteral("FILE"));
    parser.addOption(stateOption);
    const QCommandLineOption summaryOption(
        QStringLiteral("summary"),
        QStringLiteral("Write the JSON summary to FILE, or stdout with -."),
        QStringLiteral("FILE"));
    const QCommandLineOption attemptsOption(
        QStringLiteral("max-attempts"),
        QStringLiteral("Reconnection attempts in a row before giving up (exit 1); a connection "
                       "that delivers no event counts as failed; 0 = never (default 5)."),
        QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption backoffBaseOption(
        QStringLiteral("backoff-base"),
        QStringLiteral("First reconnection delay in SECONDS, doubled per failed attempt, with full "
                       "jitter (default: the server's retry: hint, else 1). No reconnection ever "
                       "comes sooner than 0.25 s, whatever this or the server says."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption backoffCapOption(
        QStringLiteral("backoff-cap"),
        QStringLiteral("Longest reconnection delay in SECONDS (default 30)."),
        QStringLiteral("SECONDS"), QStringLiteral("30"));
    const QCommandLineOption heartbeatOption(
        QStringLiteral("heartbeat-timeout"),
        QStringLiteral("No bytes for SECONDS means the connection is dead: reconnect; 0 disables "
                       "(default 45)."),
        QStringLiteral("SECONDS"), QStringLiteral("45"));
    const QCommandLineOption maxEventOption(
        QStringLiteral("max-event-size"),
        QStringLiteral(
            "Drop (with an error) any single event larger than BYTES (default 1048576)."),
        QStringLiteral("BYTES"), QStringLiteral("1048576"));
    const QCommandLineOption pollIntervalOption(
        QStringLiteral("poll-interval"),
        QStringLiteral("SECONDS between snapshot polls with the poll transport (default 1)."),
        QStringLiteral("SECONDS"), QStringLiteral("1"));
    const QCommandLineOption methodOption(
        QStringLiteral("method"),
        QStringLiteral("HTTP method that opens the stream (default GET; POST with --data). A "
                       "non-GET stream is sent once and its end completes the session."),
        QStringLiteral("METHOD"));
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QStringLiteral("Request body (JSON) to send."),
                                        QStringLiteral("JSON"));
    const QCommandLineOption headerOption(QStringLiteral("header"),
                                          QStringLiteral("Request header \"Name: value\" "
                                                         "(repeatable)."),
                                          QStringLiteral("HEADER"));
    parser.addOptions({outputOption, untilOption, timeoutOption, maxFilesOption, maxOutputOption,
                       summaryOption, attemptsOption, backoffBaseOption, backoffCapOption,
                       heartbeatOption, maxEventOption, pollIntervalOption, methodOption,
                       dataOption, headerOption});
    ConnectOptions connectOptions;
    connectOptions.addTo(&parser);
    const CommandLine commandLine(QStringLiteral("watch"));
    if (const auto status = commandLine.parse(&parser, arguments))
        return *status;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        err << "inkstream watch: expected exactly one SESSION_URL\n" << parser.helpText();
        return kExitUsage;
    }

    WatchOptions options;
    options.quiet = commandLine.isQuiet();
    options.url = QUrl(positional.at(1), QUrl::StrictMode);
    const QString scheme = options.url.scheme();
    if (!options.url.isValid() || (scheme != u"http" && scheme != u"https")
        || options.url.host().isEmpty()) {
        err << "inkstream watch: not an http(s) URL: " << positional.at(1) << '\n';
        return kExitUsage;
    }
    options.outputDir = parser.value(outputOption);
    const QString until = parser.value(untilOption);
    if (until.startsWith(QStringLiteral("idle:"))) {
        options.idleAfter = parseSeconds(until.mid(5));
        if (!options.idleAfter) {
            err << "inkstream watch: --until idle:SECONDS needs a positive number of seconds\n";
            return kExitUsage;
        }
    } else if (until != u"complete") {
        err << "inkstream watch: --until takes \"complete\" or \"idle:SECONDS\", not \"" << until
            << "\"\n";
        return kExitUsage;
    }
    if (parser.isSet(timeoutOption)) {
        options.timeout = parseSeconds(parser.value(timeoutOption));
        if (!options.timeout) {
            err << "inkstream watch: --timeout needs a positive number of seconds\n";
            return kExitUsage;
        }
        // The whole run: loading --state and opening DIR count too.
        options.deadline = QDeadlineTimer(*options.timeout, Qt::PreciseTimer);
    }
    bool filesOk = false;
    options.maxFiles = parser.value(maxFilesOption).toLongLong(&filesOk);
    if (!filesOk || options.maxFiles < 1) {
        err << "inkstream watch: --max-files needs a positive number of files\n";
        return kExitUsage;
    }
    const auto maxOutput = parseBytes(parser.value(maxOutputOption));
    if (!maxOutput) {
        err << "inkstream watch: --max-output needs a positive number of bytes (K, M or G "
               "allowed), not \""
            << parser.value(maxOutputOption) << "\"\n";
        return kExitUsage;
    }
    options.maxOutput = *maxOutput;
    options.summaryPath = parser.value(summaryOption);
    options.recordPath = parser.value(recordOption);
    options.statePath = parser.value(stateOption);
    bool attemptsOk = false;
    options.maxAttempts = parser.value(attemptsOption).toInt(&attemptsOk);
    if (!attemptsOk || options.maxAttempts < 0) {
        err << "inkstream watch: --max-attempts needs a number >= 0\n";
        return kExitUsage;
    }

    if (parser.isSet(backoffBaseOption)) {
        options.backoffBase = parseSecondsOrZero(parser.value(backoffBaseOption));
        if (!options.backoffBase) {
            err << "inkstream watch: --backoff-base needs a number of seconds >= 0\n";
            return kExitUsage;
        }
    }
    const auto cap = parseSecondsOrZero(parser.value(backoffCapOption));
    if (!cap) {
        err << "inkstream watch: --backoff-cap needs a number of seconds >= 0\n";
        return kExitUsage;
    }
    options.backoffCap = *cap;
    const auto heartbeat = parseSecondsOrZero(parser.value(heartbeatOption));
    if (!heartbeat) {
        err << "inkstream watch: --heartbeat-timeout needs a number of seconds >= 0\n";
        return kExitUsage;
    }
    options.heartbeatTimeout = *heartbeat;
    bool sizeOk = false;
    options.maxEventSize = parser.value(maxEventOption).toLongLong(&sizeOk);
    if (!sizeOk || options.maxEventSize < 1) {
        err << "inkstream watch: --max-event-size needs a positive number of bytes\n";
        return kExitUsage;
    }

    if (QString error; !connectOptions.read(parser, &error)) {
        err << "inkstream watch: " << error << '\n';
        return kExitUsage;
    }
    options.transport = connectOptions.transport();
    options.dialect = connectOptions.dialect();
    const auto pollInterval = parseSeconds(parser.value(pollIntervalOption));
    if (!pollInterval) {
        err << "inkstream watch: --poll-interval needs a positive number of seconds\n";
        return kExitUsage;
    }
    options.pollInterval = *pollInterval;

    for (const QString &header : parser.values(headerOption)) {
        const qsizetype colon = header.indexOf(u':');
        const QString name = colon > 0 ? header.left(colon).trimmed() : QString();
        static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
        if (name.isEmpty() || !token.match(name).hasMatch() || header.contains(u'\n')
            || header.contains(u'\r')) {
            err << "inkstream watch: --header needs \"Name: value\", not \"" << header << "\"\n";
            return kExitUsage;
        }
        options.request.headers.append({name.toLatin1(), header.mid(colon + 1).trimmed().toUtf8()});
    }
    options.request.body = parser.value(dataOption).toUtf8();
    const QString prompt = connectOptions.prompt();
    const bool chatApi = core::ChatRequest::needsModel(options.dialect);
    const core::ChatRequest::Options request = connectOptions.requestOptions();
    const QString dialectName = core::DialectDecoder::dialectText(options.dialect);
    if (chatApi) {
        if (prompt.isEmpty() && options.request.body.isEmpty()) {
            err << "inkstream watch: --dialect " << dialectName
                << " needs --prompt TEXT (or a request body in --data)\n";
            return kExitUsage;
        }
        options.url = core::ChatRequest::url(options.dialect, options.url);
        if (options.request.body.isEmpty()) {
            if (!connectOptions.isModelSet()) {
                err << "inkstream watch: --dialect " << dialectName << " needs --model NAME\n";
                return kExitUsage;
            }
            options.request.body = core::ChatRequest::body(
                options.dialect, options.url, request,
                QJsonArray {QJsonObject {{QStringLiteral("role"), QStringLiteral("user")},
                                         {QStringLiteral("content"), prompt}}},
                QString());
        }
        for (const auto &header : core::ChatRequest::headers(options.dialect, request)) {
            if (header.first != "Content-Type")
                options.request.headers.append(header);
        }
    } else if (!prompt.isEmpty()) {
        if (!options.request.body.isEmpty()) {
            err << "inkstream watch: --prompt and --data exclude each other here\n";
            return kExitUsage;
        }
        options.request.body = core::ChatRequest::body(
            options.dialect == core::Dialect::AiSdk ? options.dialect : core::Dialect::ChatText,
            options.url, request,
            QJsonArray {QJsonObject {{QStringLiteral("role"), QStringLiteral("user")},
                                     {QStringLiteral("content"), prompt}}},
            options.dialect == core::Dialect::AiSdk ? QStringLiteral("watch") : QString());
    } else if (connectOptions.isModelSet()) {
        err << "inkstream watch: --model goes with --dialect openai, openai-responses, anthropic "
               "or ollama\n";
        return kExitUsage;
    }
    if (!chatApi)
        options.request.addBearer(connectOptions.token());
    options.request.method = parser.isSet(methodOption)
        ? parser.value(methodOption).toUpper().toLatin1()
        : options.request.body.isEmpty() ? QByteArrayLiteral("GET")
                                         : QByteArrayLiteral("POST");
    static const QRegularExpression methodPattern(QStringLiteral("^[A-Z]+$"));
    if (!methodPattern.match(QString::fromLatin1(options.request.method)).hasMatch()) {
        err << "inkstream watch: --method takes an HTTP method such as GET or POST\n";
        return kExitUsage;
    }

    WatchRun run(options);
    return run.exec();
}

} // namespace inkstream::app
