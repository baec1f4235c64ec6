#include "app/ssedumpcommand.h"

#include "app/commandline.h"
#include "core/protocol/sseparser.h"

#include <QCommandLineParser>
#include <QTextStream>
#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace inkstream::app {

namespace {

// JSON string from bytes the parser guarantees to be well-formed UTF-8: only quotes,
// backslashes and control characters need escaping.
void appendJsonString(QByteArray &out, const QByteArray &utf8)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += hex[(c >> 4) & 0xF];
                out += hex[c & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

bool writeAll(const QByteArray &bytes)
{
    return std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout) == size_t(bytes.size())
        && std::fflush(stdout) == 0;
}

} // namespace

int SseDumpCommand::run(const QStringList &arguments)
{
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Reads a raw text/event-stream from stdin, parses it by the WHATWG rules and prints one\n"
        "JSON line {\"event\",\"data\",\"id\"} per dispatched event (id: the last event ID at\n"
        "dispatch), then {\"retry\":N} if the stream set a reconnection time."));
    CommandLine::addStandardOptions(&parser);
    parser.addPositionalArgument(QStringLiteral("sse-dump"), QStringLiteral("The subcommand."));
    const QCommandLineOption chunkOption(
        QStringLiteral("chunk-bytes"),
        QStringLiteral("Feed the parser N bytes at a time (default: as read)."),
        QStringLiteral("N"));
    const QCommandLineOption maxEventOption(
        QStringLiteral("max-event-bytes"),
        QStringLiteral("Drop events larger than N bytes (default 1048576)."), QStringLiteral("N"),
        QString::number(core::SseParser::DefaultMaxEventSize));
    parser.addOptions({chunkOption, maxEventOption});
    const CommandLine commandLine(QStringLiteral("sse-dump"));
    if (const auto status = commandLine.parse(&parser, arguments))
        return *status;

    if (parser.positionalArguments().size() > 1) {
        err << "inkstream sse-dump: unexpected argument " << parser.positionalArguments().at(1)
            << '\n';
        return CommandLine::Usage;
    }
    bool ok = true;
    qsizetype chunkBytes = 0;
    if (parser.isSet(chunkOption)) {
        chunkBytes = parser.value(chunkOption).toLongLong(&ok);
        if (!ok || chunkBytes < 1) {
            err << "inkstream sse-dump: --chunk-bytes needs a positive number\n";
            return CommandLine::Usage;
        }
    }
    const qsizetype maxEventBytes = parser.value(maxEventOption).toLongLong(&ok);
    if (!ok || maxEventBytes < 1) {
        err << "inkstream sse-dump: --max-event-bytes needs a positive number\n";
        return CommandLine::Usage;
    }

    QByteArray out;
    core::SseParser sse;
    sse.setMaxEventSize(maxEventBytes);
    sse.setEventHandler([&out](const core::SseEvent &event) {
        out += "{\"event\":";
        appendJsonString(out, event.type);
        out += ",\"data\":";
        appendJsonString(out, event.data);
        out += ",\"id\":";
        appendJsonString(out, event.lastEventId);
        out += "}\n";
    });

    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    for (;;) {
        const ssize_t got = ::read(STDIN_FILENO, buffer.data(), size_t(buffer.size()));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            err << "inkstream sse-dump: cannot read stdin: " << qt_error_string(errno) << '\n';
            return CommandLine::Error;
        }
        if (got == 0)
            break;
        const QByteArrayView bytes(buffer.constData(), got);
        const qsizetype step = chunkBytes > 0 ? chunkBytes : bytes.size();
        for (qsizetype offset = 0; offset < bytes.size(); offset += step)
            sse.feed(bytes.sliced(offset, std::min(step, bytes.size() - offset)));
        // Events appear as they arrive, so a live stream can be piped through.
        if (!out.isEmpty() && !writeAll(std::exchange(out, {})))
            return CommandLine::Error;
    }
    if (sse.hasRetry())
        out += "{\"retry\":" + QByteArray::number(sse.retry()) + "}\n";
    if (!out.isEmpty() && !writeAll(out))
        return CommandLine::Error;
    return 0;
}

} // namespace inkstream::app
