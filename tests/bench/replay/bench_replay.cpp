// Replay benchmark (issue 21): a 500 MB recording in the real window under a real X server.
//
//   bench_replay generate FILE MB    writes a recording of about MB megabytes: ~200 files typed
//                                    in token-sized deltas (rewritten as an agent revises them)
//                                    with chat narration between them
//   bench_replay window FILE SEEKS   opens FILE as `inkstream replay` does and measures the first
//                                    frame, the index, SEEKS random seeks and the memory
//   bench_replay fullread FILE       the previous way of opening a replay: RecordingReader::read
//                                    of the whole file (time and memory), for comparison
//
// Prints Markdown table rows. Run through tests/bench/replay/run.sh.
#include "core/client/sessionclient.h"
#include "core/model/logrecord.h"
#include "core/model/recordingreader.h"
#include "core/model/recordingwriter.h"
#include "core/model/replaycontroller.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"
#include "ui/apptheme.h"
#include "ui/heapupkeep.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QTextStream>
#include <QUrl>
#include <algorithm>

using namespace inkstream;

namespace {

double rssMiB(const char *field = "VmRSS:")
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype index = qMin(values.size() - 1, qsizetype(p / 100.0 * values.size()));
    return values.at(index);
}

QString ms(double value)
{
    return QString::number(value, 'f', 1) + QStringLiteral(" ms");
}

QString mib(double value)
{
    return QString::number(value, 'f', 1) + QStringLiteral(" MiB");
}

// One revision of a file: code-like lines, 4 to 40 KB.
QString fileText(QRandomGenerator *random, int file, int revision)
{
    // Each line names the file (%1) and a number (%2), so no two revisions are alike.
    static const QStringList lines = {
        QStringLiteral("def handle_%1_%2(request, limit=%2):\n"),
        QStringLiteral("    \"\"\"Answers one request for module %1 (rev %2).\"\"\"\n"),
        QStringLiteral("    if request.method not in (\"GET\", \"HEAD\"):  # %1.%2\n"),
        QStringLiteral("        return Response(405, headers={\"Allow\": \"GET\"})  # %1\n"
                       "        # retry %2\n"),
        QStringLiteral("    items = [item for item in store.find(%1) if item.size < %2]\n"),
        QStringLiteral("    # caf\u00e9 %1: cache the answer for %2 seconds\n"),
        QStringLiteral("    return Response(200, body=render(request.path, items, %1, %2))\n\n"),
    };
    const int target = 4000 + int(random->bounded(36000));
    QString text;
    for (int i = 0; text.size() < target; ++i)
        text += lines.at(i % lines.size()).arg(file).arg(revision * 100 + i);
    return text;
}

int generate(const QString &path, qint64 megabytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        qWarning("cannot write %s", qPrintable(path));
        return 1;
    }
    const qint64 target = megabytes * 1000 * 1000;
    QRandomGenerator random(2112);
    QByteArray out = core::RecordingWriter::headerLine(
        QUrl(QStringLiteral("http://127.0.0.1:8080/api/sessions/bench")), QStringLiteral("native"));
    qint64 written = 0;
    quint64 sequence = 0;
    qint64 at = 0;
    const QString session = QStringLiteral("bench");
    const auto add = [&](core::EventPayload payload, qint64 afterMs) {
        at += afterMs;
        const core::Event event {++sequence, session, std::move(payload)};
        core::LogRecord::append(&out, at, "event", core::EventCodec::encodeJson(event));
        if (out.size() > (1 << 22)) {
            written += file.write(out);
            out.clear();
        }
    };
    constexpr int kFiles = 200;
    QList<int> revisions(kFiles, 0);
    int message = 0;
    // Turn after turn, the agent narrates in chat, then types one file (a new one while there
    // are fewer than 200, else it revises one), in deltas of 2–12 characters every few ms.
    for (int turn = 0; written + out.size() < target; ++turn) {
        const QString messageId = QStringLiteral("m%1").arg(message++);
        add(
            core::ChatEvent {
                core::ChatEvent::Type::Start, messageId, core::ChatRole::Assistant, {}},
            turn == 0 ? 0 : 400);
        const int words = 20 + int(random.bounded(60));
        for (int w = 0; w < words; ++w)
            add(core::ChatEvent {core::ChatEvent::Type::Delta, messageId, core::ChatRole::Assistant,
                                 QStringLiteral("word%1 ").arg(w)},
                30);
        add(
            core::ChatEvent {
                core::ChatEvent::Type::Complete, messageId, core::ChatRole::Assistant, {}},
            10);
        const int index = turn < kFiles ? turn : int(random.bounded(kFiles));
        const QString name
            = QStringLiteral("src/module_%1/handler_%2.py").arg(index % 17).arg(index);
        core::CodeEvent start;
        start.type = core::CodeEvent::Type::Start;
        start.fileName = name;
        add(start, 50);
        const QString text = fileText(&random, index, revisions[index]++);
        for (qsizetype from = 0; from < text.size();) {
            const qsizetype size = std::min<qsizetype>(2 + random.bounded(11), text.size() - from);
            core::CodeEvent delta;
            delta.type = core::CodeEvent::Type::Delta;
            delta.fileName = name;
            delta.delta = text.mid(from, size);
            delta.offset = from;
            add(delta, 1 + random.bounded(4));
            from += size;
        }
        core::CodeEvent complete;
        complete.type = core::CodeEvent::Type::Complete;
        complete.fileName = name;
        add(complete, 5);
        add(core::ProgressEvent {int(std::min<qint64>(99, (written + out.size()) * 100 / target)),
                                 name},
            1);
    }
    add(core::SessionEvent {}, 100);
    written += file.write(out);
    QTextStream(stdout) << "| generated | " << path << ": " << written << " bytes, " << sequence
                        << " events, " << QString::number(at / 3600000.0, 'f', 1)
                        << " h recorded |\n";
    return 0;
}

int fullRead(const QString &path)
{
    QElapsedTimer clock;
    clock.start();
    core::Recording recording;
    QString error;
    if (!core::RecordingReader::read(path, &recording, &error)) {
        qWarning("%s", qPrintable(error));
        return 1;
    }
    QTextStream(stdout) << "| the previous way: read the whole recording before the window ("
                        << recording.events.size() << " events) | " << ms(clock.elapsed())
                        << ", RSS " << mib(rssMiB()) << " (peak " << mib(rssMiB("VmHWM:"))
                        << "), before its timeline's snapshots | |\n";
    return 0;
}

qint64 textBytes(const core::SessionModel &model)
{
    qint64 chars = 0;
    for (const core::SessionFile &file : model.files())
        chars += file.content.size();
    for (const core::ChatMessage &message : model.chat())
        chars += message.text.size();
    return chars * qint64(sizeof(QChar));
}

int window(const QString &path, int seeks)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    QTextStream out(stdout);
    ui::AppTheme::apply(ui::AppTheme::Mode::Dark);

    // As `inkstream replay FILE` builds it (app/replaycommand.cpp).
    core::SessionModel model;
    core::SessionClient idleClient(&model);
    ui::MainWindow window(&model, &idleClient);
    core::ReplayController replay(&model);
    QString error;
    if (!replay.open(path, &error)) {
        qWarning("%s", qPrintable(error));
        return 1;
    }
    window.attachReplay(&replay, QStringLiteral("bench.inkrec"));
    window.show();
    if (!QTest::qWaitForWindowExposed(&window, 10000)) {
        qWarning("the window was not exposed");
        return 1;
    }
    const double exposedMs = sinceStart.nsecsElapsed() / 1e6;
    // The first frame: the first event applied (its recorded time is 0) and the window painted.
    QSignalSpy moved(&replay, &core::ReplayController::positionChanged);
    replay.play();
    if (replay.position() < 1 && !moved.wait(10000)) {
        qWarning("no first event");
        return 1;
    }
    replay.pause();
    window.repaint();
    const double firstFrameMs = sinceStart.nsecsElapsed() / 1e6;
    const qsizetype indexedAtFirstFrame = replay.size();
    const double rssAfterOpen = rssMiB();

    QSignalSpy indexed(&replay, &core::ReplayController::indexed);
    if (!replay.isIndexed() && !indexed.wait(600000)) {
        qWarning("the index did not complete");
        return 1;
    }
    const double indexedMs = sinceStart.nsecsElapsed() / 1e6;
    QCoreApplication::processEvents();
    const double rssIndexed = rssMiB();

    // Seeks to random places, each until the window has laid out and painted the state there.
    QRandomGenerator random(4242);
    QList<double> seekMs;
    QList<double> modelMs;
    double worstText = 0;
    double worstRssOverText = 0;
    for (int i = 0; i < seeks; ++i) {
        const qsizetype target = qsizetype(random.bounded(double(replay.size() + 1)));
        // The same seek into a model no view watches: the index's part of it.
        core::SessionModel unseen;
        QElapsedTimer clock;
        clock.start();
        if (!replay.timeline().seek(target, &unseen)) {
            qWarning("seek to %lld failed", static_cast<long long>(target));
            return 1;
        }
        modelMs.append(clock.nsecsElapsed() / 1e6);
        clock.start();
        if (!replay.seek(target)) {
            qWarning("seek to %lld failed", static_cast<long long>(target));
            return 1;
        }
        QCoreApplication::processEvents(); // the layouts the seek asked for
        window.repaint();
        seekMs.append(clock.nsecsElapsed() / 1e6);
        QCoreApplication::processEvents();
        const double text = textBytes(model) / 1024.0 / 1024.0;
        worstText = std::max(worstText, text);
        worstRssOverText = std::max(worstRssOverText, rssMiB() - text);
    }
    const double rssAfterSeeks = rssMiB();
    const double contentNow = textBytes(model) / 1024.0 / 1024.0;

    out << "| recording | " << QFileInfo(path).size() << " bytes, " << replay.size() << " events, "
        << replay.index().checkpoints().size() << " checkpoints | |\n";
    out << "| window exposed | " << ms(exposedMs) << " | |\n";
    out << "| first frame (first event applied and painted) | " << ms(firstFrameMs) << " ("
        << indexedAtFirstFrame << " events indexed by then) | < 1000 ms |\n";
    out << "| index complete (in the background; seeks reach as far as it has read) | "
        << ms(indexedMs) << " | |\n";
    out << "| seek to a random event until painted (" << seeks << ") | p50 "
        << ms(percentile(seekMs, 50)) << ", p99 " << ms(percentile(seekMs, 99)) << ", max "
        << ms(percentile(seekMs, 100)) << " | < 100 ms |\n";
    out << "| the same seeks into a model no view watches (checkpoint + reading on) | p50 "
        << ms(percentile(modelMs, 50)) << ", p99 " << ms(percentile(modelMs, 99)) << ", max "
        << ms(percentile(modelMs, 100)) << " | |\n";
    out << "| RSS after the first frame | " << mib(rssAfterOpen) << " | < 200 MiB + content |\n";
    out << "| RSS once indexed | " << mib(rssIndexed) << " | < 200 MiB + content |\n";
    out << "| RSS after the seeks (content held now) | " << mib(rssAfterSeeks) << " ("
        << mib(contentNow) << ") | < 200 MiB + content |\n";
    out << "| largest RSS minus content during the seeks (largest content) | "
        << mib(worstRssOverText) << " (" << mib(worstText) << ") | < 200 MiB |\n";
    out << "| checkpoint file on disk (temporary) | "
        << mib(replay.index().store().bytesWritten() / 1024.0 / 1024.0) << " | |\n";
    out.flush();
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    const QByteArray mode = argc > 2 ? QByteArray(argv[1]) : QByteArray();
    if (mode == "generate" && argc > 3)
        return generate(QString::fromLocal8Bit(argv[2]), QByteArray(argv[3]).toLongLong());
    if (mode == "fullread")
        return fullRead(QString::fromLocal8Bit(argv[2]));
    if (mode == "window") {
        QApplication app(argc, argv);
        ui::HeapUpkeep::install(&app); // as the application does
        QApplication::setOrganizationName(QStringLiteral("InkstreamBench"));
        return window(QString::fromLocal8Bit(argv[2]),
                      argc > 3 ? QByteArray(argv[3]).toInt() : 200);
    }
    QTextStream(stderr) << "usage: bench_replay generate FILE MB | window FILE [SEEKS] | "
                           "fullread FILE\n";
    return 2;
}
