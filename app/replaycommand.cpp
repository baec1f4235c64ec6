#include "app/replaycommand.h"

#include "app/afterfirstpaint.h"
#include "app/commandline.h"
#include "app/guiapplication.h"
#include "app/startupreport.h"
#include "core/client/sessionclient.h"
#include "core/model/recordingreader.h"
#include "core/model/replaycontroller.h"
#include "core/model/sessionmodel.h"
#include "ui/counttext.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>

namespace inkstream::app {

namespace {

struct ReplayOptions
{
    QString path;
    double speed = 1.0; // ReplayClock::kInstant: all at once
    bool paused = false;
};

int usageError(const QString &message)
{
    return CommandLine(QStringLiteral("replay")).usageError(message);
}

// Returns an exit status when the program should stop here, or -1 to go on.
int parseOptions(const QStringList &commandLineArguments, ReplayOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Watch a recording (made with --record by the window, watch or serve) again in the "
        "window, with a timeline: play/pause (Ctrl+Space), previous/next file (Ctrl+[ and "
        "Ctrl+]), drag to seek, speed from 0.25x to 20x or instant. A recording cut off by a "
        "crash plays up to its last complete event, with a warning."));
    CommandLine::addStandardOptions(&parser);
    parser.addPositionalArgument(QStringLiteral("replay"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The recording."));
    const QCommandLineOption speedOption(
        QStringLiteral("speed"),
        QStringLiteral("Playback speed: a factor from 0.25 to 20 (default 1), or 'instant'."),
        QStringLiteral("X"), QStringLiteral("1"));
    const QCommandLineOption pausedOption(QStringLiteral("paused"),
                                          QStringLiteral("Open at the start without playing."));
    parser.addOptions({speedOption, pausedOption});
    if (const auto status
        = CommandLine(QStringLiteral("replay")).parse(&parser, commandLineArguments))
        return *status;

    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() != 2)
        return usageError(arguments.size() < 2 ? QStringLiteral("name the recording to replay")
                                               : QStringLiteral("one recording at a time"));
    options->path = arguments.at(1);
    const QString speed = parser.value(speedOption);
    if (speed == u"instant") {
        options->speed = core::ReplayClock::kInstant;
    } else {
        bool ok = false;
        options->speed = speed.toDouble(&ok);
        if (!ok || options->speed < 0.25 || options->speed > 20)
            return usageError(QStringLiteral("--speed takes a factor from 0.25 to 20 or "
                                             "'instant', not '%1'")
                                  .arg(speed));
    }
    options->paused = parser.isSet(pausedOption);
    return -1;
}

} // namespace

int ReplayCommand::run(int argc, char *argv[])
{
    ReplayOptions options;
    QString cutOff;
    // Options, the header and a cut-off end are checked before any window, so they need no
    // display. The events are read by the replay's index in the background once the window is
    // up; the other warnings come from it.
    const auto parseAndCheck = [&options, &cutOff](const QStringList &arguments) {
        if (const int status = parseOptions(arguments, &options); status >= 0)
            return status;
        QString error;
        core::Recording header;
        if (!core::RecordingReader::readHeader(options.path, &header, &error)) {
            QTextStream(stderr) << "inkstream replay: " << error << '\n';
            return 1;
        }
        cutOff = core::RecordingReader::cutOffWarning(options.path);
        if (!cutOff.isEmpty())
            QTextStream(stderr) << "inkstream replay: warning: " << cutOff << '\n';
        return -1;
    };
    if (const int status = GuiApplication::parseBeforeWindow(argc, argv, parseAndCheck);
        status >= 0)
        return status;

    QApplication app(argc, argv);
    GuiApplication::setUp({});

    core::SessionModel model;
    core::SessionClient idleClient(&model); // the window's; never connects in a replay
    ui::MainWindow window(&model, &idleClient);
    core::ReplayController replay(&model);
    QString error;
    if (!replay.open(options.path, &error)) { // changed since it was checked
        QTextStream(stderr) << "inkstream replay: " << error << '\n';
        return 1;
    }
    replay.setSpeed(options.speed);
    window.attachReplay(&replay, QFileInfo(options.path).fileName());
    QObject::connect(
        &replay, &core::ReplayController::warningFound, &window, [&cutOff](const QString &warning) {
            if (warning != cutOff) // said already
                QTextStream(stderr) << "inkstream replay: warning: " << warning << '\n';
        });
    window.showStatusMessage(QObject::tr("Reading the recording…"));
    QObject::connect(&replay, &core::ReplayController::indexed, &window, [&window, &replay] {
        const QString counted
            = ui::CountText::of(replay.size(), QObject::tr("1 event"), QObject::tr("%1 events"));
        const QStringList &warnings = replay.recording().warnings;
        window.showStatusMessage(
            warnings.isEmpty() ? QObject::tr("%1 recorded").arg(counted)
                               : QObject::tr("%1 (%2 replayable)").arg(warnings.last(), counted));
    });
    StartupReport::installIfRequested(&window, &model);
    window.show();
    if (!options.paused)
        AfterFirstPaint::run(&window, [&replay] { replay.play(); });
    return app.exec();
}

} // namespace inkstream::app
