// Decode benchmark (issue 4): SSE framing alone, and SseParser -> EventCodec::decode ->
// SessionModel::apply, single thread, on a stream recorded from the real publisher path.
//
//   bench_decode record FILE [BYTES]   writes the recorded stream (Session::publish frames)
//   bench_decode measure FILE [RUNS]   prints one JSON line per measure
#include "core/model/sessionmodel.h"
#include "core/protocol/chunker.h"
#include "core/protocol/eventcodec.h"
#include "core/protocol/sseparser.h"
#include "core/server/session.h"

#include <QCoreApplication>
#include <QFile>
#include <QLoggingCategory>
#include <QString>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace inkstream::core;

namespace {

constexpr qsizetype kChunk = 16 * 1024; // a realistic socket read
constexpr int kDeltaChars = 5; // the publisher's default ChunkOptions

// Source text that looks like code: indentation, identifiers, comments, some non-ASCII.
QString codeFile(int fileIndex, qsizetype bytes)
{
    static const char *const lines[] = {
        "#include <vector>\n",
        "namespace demo {\n",
        "    // Compute the running total — naïve but clear.\n",
        "    int total = 0;\n",
        "    for (const auto &item : items) {\n",
        "        total += item.value * factor; /* «scaled» */\n",
        "    }\n",
        "    return \"done\\t\" + std::to_string(total);\n",
        "}\n",
        "def handler(request):\n",
        "    return {\"status\": 200, \"body\": request.body}\n",
        "\n",
    };
    QString text;
    int i = fileIndex;
    while (text.size() < bytes)
        text += QString::fromUtf8(lines[i++ % std::size(lines)]);
    return text;
}

int record(const QString &path, qsizetype bytes)
{
    Session session(QStringLiteral("bench"));
    session.setBufferSize(0);
    QByteArray stream;
    QObject::connect(&session, &Session::eventPublished,
                     [&stream](const Event &, const QByteArray &frame) { stream += frame; });
    stream += "retry: 3000\n\n";
    const QStringList names = {QStringLiteral("src/main.cpp"), QStringLiteral("src/server.py"),
                               QStringLiteral("web/app.js"), QStringLiteral("README.md")};
    session.publish(ChatEvent {ChatEvent::Type::Start, QStringLiteral("m1"), ChatRole::Assistant,
                               QStringLiteral("Let me write the files.")});
    session.publish(StepEvent {StepName::Planning, StepEvent::Status::Start,
                               QStringLiteral("Planning the structure...")});
    int fileIndex = 0;
    int chatIndex = 1;
    while (stream.size() < bytes) {
        const QString name = names[fileIndex % names.size()]
            + (fileIndex >= names.size() ? QString::number(fileIndex) : QString());
        const QString content = codeFile(fileIndex, 64 * 1024);
        CodeEvent start;
        start.type = CodeEvent::Type::Start;
        start.fileName = name;
        session.publish(start);
        int deltas = 0;
        for (const QStringView piece : Chunker::split(content, kDeltaChars)) {
            CodeEvent delta;
            delta.fileName = name;
            delta.delta = piece.toString();
            session.publish(delta);
            if (++deltas % 1000 == 0) {
                session.publish(
                    ProgressEvent {int(std::min<qsizetype>(99, stream.size() * 100 / bytes)),
                                   QStringLiteral("Writing ") + name});
                const QString id = QStringLiteral("m") + QString::number(++chatIndex);
                session.publish(ChatEvent {ChatEvent::Type::Start, id, ChatRole::Assistant, {}});
                for (const QStringView token : Chunker::split(u"Now the next part of the file.", 4))
                    session.publish(ChatEvent {ChatEvent::Type::Delta, id, ChatRole::Assistant,
                                               token.toString()});
                session.publish(ChatEvent {ChatEvent::Type::Complete, id, ChatRole::Assistant, {}});
            }
        }
        CodeEvent complete;
        complete.type = CodeEvent::Type::Complete;
        complete.fileName = name;
        session.publish(complete);
        session.publish(StepEvent {StepName::Generating, StepEvent::Status::Start, name});
        ++fileIndex;
    }
    session.publish(StepEvent {StepName::Complete, StepEvent::Status::Complete, {}});
    session.publish(SessionEvent {SessionEvent::Type::Complete, {}});
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(stream) != stream.size()) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        return 1;
    }
    std::fprintf(stderr, "recorded %lld bytes, %llu events, %d files\n",
                 static_cast<long long>(stream.size()),
                 static_cast<unsigned long long>(session.lastSequence()), fileIndex);
    return 0;
}

struct Sample
{
    double seconds = 0;
    quint64 events = 0;
    quint64 deltas = 0;
};

template<typename Run> std::vector<Sample> repeat(int runs, Run run)
{
    std::vector<Sample> samples;
    for (int i = 0; i < runs; ++i) {
        const auto begin = std::chrono::steady_clock::now();
        Sample sample = run();
        sample.seconds
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
        samples.push_back(sample);
    }
    std::sort(samples.begin(), samples.end(),
              [](const Sample &a, const Sample &b) { return a.seconds < b.seconds; });
    return samples;
}

void report(const char *name, const std::vector<Sample> &samples, qsizetype bytes)
{
    const Sample &best = samples.front();
    const Sample &median = samples[samples.size() / 2];
    std::printf("{\"measure\":\"%s\",\"runs\":%zu,\"bytes\":%lld,\"events\":%llu,\"deltas\":%llu,"
                "\"best_s\":%.6f,\"median_s\":%.6f,\"best_mb_s\":%.1f,\"median_mb_s\":%.1f,"
                "\"best_events_s\":%.0f,\"median_events_s\":%.0f,\"best_deltas_s\":%.0f,"
                "\"median_deltas_s\":%.0f}\n",
                name, samples.size(), static_cast<long long>(bytes),
                static_cast<unsigned long long>(best.events),
                static_cast<unsigned long long>(best.deltas), best.seconds, median.seconds,
                double(bytes) / 1e6 / best.seconds, double(bytes) / 1e6 / median.seconds,
                double(best.events) / best.seconds, double(median.events) / median.seconds,
                double(best.deltas) / best.seconds, double(median.deltas) / median.seconds);
}

int measure(const QString &path, int runs)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return 1;
    }
    const QByteArray stream = file.readAll();
    const auto feedAll = [&stream](SseParser &parser) {
        for (qsizetype at = 0; at < stream.size(); at += kChunk)
            parser.feed(QByteArrayView(stream).sliced(at, std::min(kChunk, stream.size() - at)));
    };

    // Framing as the client uses it: events handed over as views into the received bytes.
    const auto framing = repeat(runs, [&] {
        SseParser parser;
        Sample sample;
        parser.setEventViewHandler([&sample](const SseEventView &) { ++sample.events; });
        feedAll(parser);
        return sample;
    });
    report("sse_framing", framing, stream.size());
    // And with every event copied into an owned SseEvent (handlers that keep events).
    const auto framingCopy = repeat(runs, [&] {
        SseParser parser;
        Sample sample;
        parser.setEventHandler([&sample](const SseEvent &) { ++sample.events; });
        feedAll(parser);
        return sample;
    });
    report("sse_framing_copy", framingCopy, stream.size());

    QString finalState;
    bool failed = false;
    const auto full = repeat(runs, [&] {
        SseParser parser;
        SessionModel model;
        Sample sample;
        parser.setEventViewHandler([&](const SseEventView &event) {
            DecodeResult result = EventCodec::decode(event.type, event.data, event.lastEventId);
            if (!result.ok() || !model.apply(*result.event)) {
                failed = true;
                return;
            }
            ++sample.events;
            if (const auto *code = std::get_if<CodeEvent>(&result.event->payload);
                code && code->type == CodeEvent::Type::Delta)
                ++sample.deltas;
        });
        feedAll(parser);
        qsizetype chars = 0;
        for (const SessionFile &f : model.files())
            chars += f.content.size();
        finalState = QString::number(model.files().size()) + QStringLiteral(" files, ")
            + QString::number(chars) + QStringLiteral(" UTF-16 units, last sequence ")
            + QString::number(model.lastSequence());
        return sample;
    });
    if (failed) {
        std::fprintf(stderr, "an event failed to decode or apply\n");
        return 1;
    }
    std::fprintf(stderr, "model after decode-and-apply: %s\n", qPrintable(finalState));
    report("decode_apply", full, stream.size());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("inkstream.*.debug=false"));
    const QStringList args = app.arguments();
    if (args.size() >= 3 && args[1] == QLatin1String("record"))
        return record(args[2], args.size() > 3 ? args[3].toLongLong() : 4 * 1024 * 1024);
    if (args.size() >= 3 && args[1] == QLatin1String("measure"))
        return measure(args[2], args.size() > 3 ? std::max(1, args[3].toInt()) : 7);
    std::fprintf(stderr, "usage: bench_decode record FILE [BYTES] | measure FILE [RUNS]\n");
    return 2;
}
