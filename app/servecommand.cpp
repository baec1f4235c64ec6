#include "app/servecommand.h"

#include "app/commandline.h"
#include "app/publishersecurityoptions.h"
#include "app/relayoptions.h"
#include "app/tapoptions.h"
#include "app/terminationsignals.h"
#include "core/model/recordingreader.h"
#include "core/model/recordingwriter.h"
#include "core/server/demoscript.h"
#include "core/server/nchanrelay.h"
#include "core/server/publisher.h"
#include "core/server/recordingplayer.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QHostInfo>
#include <QPointer>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace inkstream::app {

namespace {

constexpr std::chrono::seconds kShutdownGrace {2};

// $XDG_STATE_HOME/inkstream/sessions (Qt 6.4 has no StateLocation).
QString defaultDataDirectory()
{
    QString state = qEnvironmentVariable("XDG_STATE_HOME");
    if (state.isEmpty())
        state = QDir::homePath() + QStringLiteral("/.local/state");
    return state + QStringLiteral("/inkstream/sessions");
}

// "7d", "12h", "30m", "3600s" or "3600" to seconds.
std::optional<std::chrono::seconds> parseAge(const QString &text)
{
    static const QHash<QChar, qint64> units {{u's', 1}, {u'm', 60}, {u'h', 3600}, {u'd', 86400}};
    QString number = text.trimmed();
    qint64 unit = 1;
    if (!number.isEmpty() && units.contains(number.back())) {
        unit = units.value(number.back());
        number.chop(1);
    }
    bool ok = false;
    const qint64 value = number.toLongLong(&ok);
    if (!ok || value < 0 || value > std::numeric_limits<qint64>::max() / unit / 2)
        return std::nullopt;
    return std::chrono::seconds(value * unit);
}

// Every viewer is a file descriptor: the soft limit (often 1024) is raised to the hard one, as
// servers do, so the per-address limits rather than the process's descriptors bound viewers.
void raiseFileDescriptorLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
#endif
}

} // namespace

int ServeCommand::run(const QStringList &arguments)
{
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the Inkstream publisher headless. Opens one session and prints its URL\n"
        "(http://HOST:PORT/api/sessions/ID) as the first line on stdout; viewers follow that\n"
        "URL, and `inkstream publish URL FILE...` streams files into it. Stops on "
        "SIGINT/SIGTERM."));
    CommandLine::addStandardOptions(&parser);
    parser.addPositionalArgument(QStringLiteral("serve"), QStringLiteral("The subcommand."));
    const QCommandLineOption bindOption(QStringLiteral("bind"),
                                        QStringLiteral("Address or host name to listen on "
                                                       "(default 127.0.0.1; localhost works)."),
                                        QStringLiteral("ADDR"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption portOption(
        QStringLiteral("port"),
        QStringLiteral("Port to listen on; 0 picks a free port (default 8080)."),
        QStringLiteral("N"), QStringLiteral("8080"));
    const QCommandLineOption demoOption(
        QStringLiteral("demo"),
        QStringLiteral(
            "Play the scripted demo session; it starts when the first viewer connects, or at "
            "once with --relay (nchan's message buffer keeps it for late viewers)."));
    const QCommandLineOption speedOption(
        QStringLiteral("speed"), QStringLiteral("Demo and replay speed factor (default 1)."),
        QStringLiteral("FACTOR"), QStringLiteral("1"));
    const QCommandLineOption keepAliveOption(
        QStringLiteral("keep-alive"),
        QStringLiteral("Seconds between `: ping` keep-alive comments; 0 disables (default 30)."),
        QStringLiteral("SECONDS"), QStringLiteral("30"));
    const QCommandLineOption noStreamingOption(
        QStringLiteral("no-streaming"),
        QStringLiteral(
            "Publish files whole instead of typing them (also INKSTREAM_STREAMING=false)."));
    const QCommandLineOption bufferOption(
        QStringLiteral("buffer-size"),
        QStringLiteral("Events of each session kept decoded in memory for catch-ups; older ones "
                       "are read from the log (default 4096)."),
        QStringLiteral("EVENTS"), QString::number(core::Session::kDefaultBufferSize));
    const QCommandLineOption maxBodyOption(
        QStringLiteral("max-body"),
        QStringLiteral("Largest request body in bytes; larger ones get 413 (default 8 MiB)."),
        QStringLiteral("BYTES"), QString::number(8 * 1024 * 1024));
    const QCommandLineOption maxEventOption(
        QStringLiteral("max-event"),
        QStringLiteral("Largest single posted event in bytes (default 256 KiB)."),
        QStringLiteral("BYTES"), QString::number(256 * 1024));
    const QCommandLineOption sessionOption(
        QStringList {QStringLiteral("session"), QStringLiteral("session-id")},
        QStringLiteral("Id of the session (A-Z a-z 0-9 _ -, up to 64); default random. A "
                       "publisher restarted with the same id keeps its URL, and viewers resume."),
        QStringLiteral("ID"));
    parser.addOptions({bindOption, portOption, demoOption, speedOption, keepAliveOption,
                       noStreamingOption, bufferOption, maxBodyOption, maxEventOption,
                       sessionOption});
    RelayOptions relayOptions;
    relayOptions.addTo(&parser);
    TapOptions tapOptions;
    tapOptions.addTo(&parser);
    const QCommandLineOption recordOption(
        QStringLiteral("record"),
        QStringLiteral("Record every event of the session to FILE (docs/recording.md)."),
        QStringLiteral("FILE"));
    const QCommandLineOption replayOption(
        QStringLiteral("replay"),
        QStringLiteral("Publish a recording live, with its timing scaled by --speed; it starts "
                       "when the first viewer connects."),
        QStringLiteral("FILE"));
    parser.addOptions({recordOption, replayOption});
    const QCommandLineOption dataDirOption(
        QStringLiteral("data-dir"),
        QStringLiteral("Keep session logs (the source of truth: every event, appended before it "
                       "is sent or acknowledged) in DIR, one DIR/ID.log per session; a session "
                       "whose log is there is restored from it (default: "
                       "$XDG_STATE_HOME/inkstream/sessions)."),
        QStringLiteral("DIR"));
    const QCommandLineOption ephemeralOption(
        QStringLiteral("ephemeral"),
        QStringLiteral("Keep sessions in memory only: nothing on disk, nothing survives a "
                       "restart."));
    const QCommandLineOption fsyncOption(
        QStringLiteral("fsync"),
        QStringLiteral("When the log is forced to disk: \"batch\" (a background sync at most "
                       "20 ms after a write; acknowledgments wait for it), \"always\" (before "
                       "anything is sent or acknowledged) or \"never\" (the kernel decides; a "
                       "crash of the process loses nothing, a power cut may). Default batch."),
        QStringLiteral("POLICY"), QStringLiteral("batch"));
    const QCommandLineOption retainOption(
        QStringLiteral("retain"),
        QStringLiteral("At start-up, remove the logs of sessions that completed longer ago than "
                       "this: a number with s, m, h or d (default 7d)."),
        QStringLiteral("AGE"), QStringLiteral("7d"));
    parser.addOptions({dataDirOption, ephemeralOption, fsyncOption, retainOption});
    const PublisherSecurityOptions securityOptions;
    securityOptions.addTo(&parser);
    const CommandLine commandLine(QStringLiteral("serve"));
    if (const auto status = commandLine.parse(&parser, arguments))
        return *status;

    if (parser.positionalArguments().size() > 1) {
        err << "inkstream serve: unexpected argument " << parser.positionalArguments().at(1)
            << '\n';
        return CommandLine::Usage;
    }
    QHostAddress address;
    if (!address.setAddress(parser.value(bindOption))) {
        // A host name ("localhost", this machine's name): its first address, IPv4 first.
        const QHostInfo host = QHostInfo::fromName(parser.value(bindOption));
        const QList<QHostAddress> addresses = host.addresses();
        const auto ipv4 = std::find_if(addresses.cbegin(), addresses.cend(), [](const auto &a) {
            return a.protocol() == QAbstractSocket::IPv4Protocol;
        });
        if (addresses.isEmpty()) {
            err << "inkstream serve: --bind needs an IP address or a host name of this machine, "
                   "not "
                << parser.value(bindOption) << " (" << host.errorString() << ")\n";
            return CommandLine::Usage;
        }
        address = ipv4 != addresses.cend() ? *ipv4 : addresses.constFirst();
    }
    bool ok = false;
    const uint port = parser.value(portOption).toUInt(&ok);
    if (!ok || port > 65535) {
        err << "inkstream serve: --port needs a number from 0 to 65535\n";
        return CommandLine::Usage;
    }
    const int keepAlive = parser.value(keepAliveOption).toInt(&ok);
    if (!ok || keepAlive < 0) {
        err << "inkstream serve: --keep-alive needs a number of seconds (0 disables)\n";
        return CommandLine::Usage;
    }
    const double speed = parser.value(speedOption).toDouble(&ok);
    if (!ok || !(speed > 0.0)) {
        err << "inkstream serve: --speed needs a positive number\n";
        return CommandLine::Usage;
    }

    const int bufferSize = parser.value(bufferOption).toInt(&ok);
    if (!ok || bufferSize < 0) {
        err << "inkstream serve: --buffer-size needs a number of events (0 or more)\n";
        return CommandLine::Usage;
    }
    const qint64 maxBody = parser.value(maxBodyOption).toLongLong(&ok);
    if (!ok || maxBody < 1) {
        err << "inkstream serve: --max-body needs a positive number of bytes\n";
        return CommandLine::Usage;
    }
    const qint64 maxEvent = parser.value(maxEventOption).toLongLong(&ok);
    if (!ok || maxEvent < 1) {
        err << "inkstream serve: --max-event needs a positive number of bytes\n";
        return CommandLine::Usage;
    }
    const QByteArray streamingEnv = qgetenv("INKSTREAM_STREAMING").trimmed().toLower();
    const bool streaming = !parser.isSet(noStreamingOption) && streamingEnv != "false"
        && streamingEnv != "0" && streamingEnv != "no" && streamingEnv != "off";

    core::SessionHub hub;
    hub.setBufferSize(bufferSize);
    hub.setStreamingEnabled(streaming);
    core::Publisher publisher(&hub);
    publisher.setKeepAliveInterval(std::chrono::seconds(keepAlive));
    publisher.setMaxBodySize(maxBody);
    publisher.setMaxEventSize(maxEvent);
    QString securityError;
    if (!securityOptions.applyTo(parser, address, &publisher, &securityError)) {
        err << "inkstream serve: " << securityError << '\n';
        return CommandLine::Usage;
    }
    const QString requestedId = parser.value(sessionOption);
    if (!requestedId.isEmpty() && !core::SessionHub::isValidSessionId(requestedId)) {
        err << "inkstream serve: --session needs 1 to 64 characters of A-Z a-z 0-9 _ -\n";
        return CommandLine::Usage;
    }
    if (QString relayError; !relayOptions.read(parser, &relayError)) {
        err << "inkstream serve: " << relayError << '\n';
        return CommandLine::Usage;
    }
    if (QString tapError; !tapOptions.read(parser, &tapError)) {
        err << "inkstream serve: " << tapError << '\n';
        return CommandLine::Usage;
    }
    raiseFileDescriptorLimit();
    if (!publisher.listen(address, quint16(port))) {
        err << "inkstream serve: cannot listen on " << address.toString() << " port " << port
            << ": " << publisher.errorString() << '\n';
        return CommandLine::Error;
    }
    if (parser.isSet(ephemeralOption) && parser.isSet(dataDirOption)) {
        err << "inkstream serve: --ephemeral and --data-dir exclude each other\n";
        return CommandLine::Usage;
    }
    core::SessionLog::Fsync fsync = core::SessionLog::Fsync::Batch;
    if (!core::SessionLog::fsyncFromText(parser.value(fsyncOption), &fsync)) {
        err << "inkstream serve: --fsync takes batch, always or never, not \""
            << parser.value(fsyncOption) << "\"\n";
        return CommandLine::Usage;
    }
    const std::optional<std::chrono::seconds> retain = parseAge(parser.value(retainOption));
    if (!retain) {
        err << "inkstream serve: --retain needs an age such as 7d, 12h, 30m or 3600s, not \""
            << parser.value(retainOption) << "\"\n";
        return CommandLine::Usage;
    }
    if (!parser.isSet(ephemeralOption)) {
        const QString dataDir
            = parser.isSet(dataDirOption) ? parser.value(dataDirOption) : defaultDataDirectory();
        if (!QDir().mkpath(dataDir)) {
            err << "inkstream serve: cannot create the data directory " << dataDir << '\n';
            return CommandLine::Error;
        }
        QStringList warnings;
        for (const QString &removed :
             core::SessionLog::removeCompletedOlderThan(dataDir, *retain, &warnings))
            err << "inkstream serve: removed expired session log " << removed << '\n';
        for (const QString &warning : std::as_const(warnings))
            err << "inkstream serve: warning: " << warning << '\n';
        hub.setDataDirectory(dataDir, fsync);
    }
    QString sessionError;
    QStringList recoveryWarnings;
    QElapsedTimer restoring;
    restoring.start();
    core::Session *session = hub.createSession(requestedId, &sessionError, &recoveryWarnings);
    for (const QString &warning : std::as_const(recoveryWarnings))
        err << "inkstream serve: warning: " << warning << '\n';
    if (!session) {
        err << "inkstream serve: " << sessionError << '\n';
        return CommandLine::Error;
    }
    if (session->lastSequence() > 0)
        err << "inkstream serve: restored session " << session->id() << " from "
            << session->log()->path() << " (" << session->lastSequence() << " events, "
            << session->log()->sizeOnDisk() << " bytes) in " << restoring.elapsed() << " ms\n";
    core::NchanRelay *relay = relayOptions.attachTo(session);
    if (relay)
        err << "inkstream serve: relaying to " << relay->publishUrl().toString() << '\n';
    if (tapOptions.attachTo(session, &publisher)) {
        for (const QString &line : tapOptions.describe(publisher.baseUrl()))
            err << "inkstream serve: " << line << '\n';
    }

    if (parser.isSet(demoOption) && parser.isSet(replayOption)) {
        err << "inkstream serve: --demo and --replay cannot be combined\n";
        return CommandLine::Usage;
    }
    core::RecordingWriter recorder;
    if (parser.isSet(recordOption)) {
        QString error;
        if (!recorder.open(parser.value(recordOption), publisher.sessionUrl(session->id()),
                           QStringLiteral("native"), &error)) {
            err << "inkstream serve: " << error << '\n';
            return CommandLine::Error;
        }
        QObject::connect(session, &core::Session::eventPublished, session,
                         [&recorder](const core::Event &event) { recorder.write(event); });
    }
    if (parser.isSet(replayOption)) {
        core::Recording recording;
        QString error;
        if (!core::RecordingReader::read(parser.value(replayOption), &recording, &error)) {
            err << "inkstream serve: " << error << '\n';
            return CommandLine::Error;
        }
        for (const QString &warning : std::as_const(recording.warnings))
            err << "inkstream serve: warning: " << warning << '\n';
        auto *player = new core::RecordingPlayer(std::move(recording), session, session);
        player->setSpeed(speed);
        QObject::connect(
            &publisher, &core::Publisher::subscriberConnected, player,
            [player, id = session->id()](const QString &sessionId) {
                if (sessionId == id)
                    player->start();
            },
            Qt::SingleShotConnection);
    }

    core::DemoScript *demo = nullptr;
    if (parser.isSet(demoOption)) {
        // A child of its session: DELETE /api/sessions/ID takes the demo with it.
        demo = new core::DemoScript(session, session);
        demo->setSpeed(speed);
        QString error;
        if (!demo->load(core::DemoScript::defaultScriptPath(), &error)) {
            err << "inkstream serve: " << error << '\n';
            return CommandLine::Error;
        }
        if (relay) {
            if (!demo->start()) {
                err << "inkstream serve: the demo did not start\n";
                return CommandLine::Error;
            }
        } else {
            // The point of the demo is watching it being written: wait for the first viewer.
            QObject::connect(
                &publisher, &core::Publisher::subscriberConnected, demo,
                [demo, id = session->id(), started = false](const QString &sessionId) mutable {
                    if (sessionId == id && !started)
                        started = demo->start();
                });
        }
    }

    // Graceful stop: every viewer gets a `shutdown` event and a clean close; the process exits
    // once they are gone (at most kShutdownGrace later).
    // A relay gets the same grace to deliver what it still holds.
    const QPointer<core::NchanRelay> relayGuard(relay);
    const auto stopGracefully = [&publisher, relayGuard] {
        publisher.closeAllStreams(QStringLiteral("publisher stopped"));
        const auto quitWhenDone = [&publisher, relayGuard] {
            if (publisher.subscriberCount() == 0 && (!relayGuard || relayGuard->isIdle()))
                QCoreApplication::quit();
        };
        QObject::connect(&publisher, &core::Publisher::subscriberDisconnected, &publisher,
                         quitWhenDone);
        if (relayGuard)
            QObject::connect(relayGuard.data(), &core::NchanRelay::idle, &publisher, quitWhenDone);
        QTimer::singleShot(kShutdownGrace, &publisher, &QCoreApplication::quit);
        quitWhenDone();
    };
    // SIGINT/SIGTERM stop gracefully; a second one quits at once.
    TerminationSignals terminationSignals;
    if (terminationSignals.install())
        QObject::connect(&terminationSignals, &TerminationSignals::received, &publisher,
                         [stopGracefully](int, int count) {
                             if (count == 1)
                                 stopGracefully();
                             else
                                 QCoreApplication::quit();
                         });
    else
        err << "inkstream serve: cannot install signal handlers; stop with SIGKILL\n";

    // The URL is the first line on stdout and is flushed at once: scripts read it.
    const QByteArray url = publisher.sessionUrl(session->id()).toString().toUtf8() + '\n';
    std::fwrite(url.constData(), 1, size_t(url.size()), stdout);
    std::fflush(stdout);
    err << "inkstream serve: listening on " << publisher.baseUrl().toString()
        << (demo && !relay ? " (demo starts when the first viewer connects)" : "")
        << "; stop with Ctrl+C\n";
    err.flush();

    const int code = QCoreApplication::exec();
    if (relayGuard)
        err << "inkstream serve: relayed " << relayGuard->relayedCount()
            << " events (last sequence " << relayGuard->lastRelayedSequence() << "), "
            << relayGuard->queued() << " still queued, " << relayGuard->droppedCount()
            << " dropped, " << relayGuard->refusedCount() << " refused\n";
    err << "inkstream serve: stopped\n";
    return code;
}

} // namespace inkstream::app
