#include "app/guicommand.h"

#include "app/afterfirstpaint.h"
#include "app/commandline.h"
#include "app/connectoptions.h"
#include "app/guiapplication.h"
#include "app/localdemo.h"
#include "app/localtap.h"
#include "app/relayoptions.h"
#include "app/startupreport.h"
#include "core/client/chatconversation.h"
#include "core/client/connectionsettings.h"
#include "core/client/sessionclient.h"
#include "core/model/recordingwriter.h"
#include "core/model/sessionmodel.h"
#include "core/server/accesspolicy.h"
#include "core/server/upstreamtap.h"
#include "ui/apptheme.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTextStream>
#include <QTimer>

namespace inkstream::app {

namespace {

int usageError(const QString &message)
{
    return CommandLine(QString()).usageError(message);
}

struct GuiOptions
{
    bool demo = false;
    QUrl tap; // --tap: the upstream; empty: none
    QByteArray tapKey; // OPENAI_API_KEY for the tap; empty: the callers' keys go through
    core::ConnectionSettings connect; // url empty: none
    QString prompt;
    double speed = 1.0;
    quint16 port = 0; // of the demo's publisher; 0: any free one
    RelayOptions relay;
    QString theme; // empty: the stored preference
    QString recordPath; // --record FILE; empty = none
};

// Returns an exit status when the program should stop here, or -1 to go on.
int parseOptions(const QStringList &arguments, GuiOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Watch an AI write code, live.\n\n"
                       "Commands (run 'inkstream COMMAND --help' for each):\n"
                       "  serve      run the publisher headless\n"
                       "  publish    hand files to a publisher to stream\n"
                       "  watch      follow a session headless and write its files\n"
                       "  replay     watch a recording again, with a timeline\n"
                       "  sse-dump   parse a raw SSE stream from stdin"));
    CommandLine::addStandardOptions(&parser);
    const QCommandLineOption demoOption(
        QStringLiteral("demo"),
        QStringLiteral("Start the embedded publisher on loopback with the scripted demo session "
                       "and watch it."));
    const QCommandLineOption connectOption(
        QStringLiteral("connect"),
        QStringLiteral("Follow the session at URL (http://HOST:PORT/api/sessions/ID), or any "
                       "stream endpoint in the format --dialect names."),
        QStringLiteral("URL"));
    const QCommandLineOption speedOption(QStringLiteral("speed"),
                                         QStringLiteral("Demo speed factor (default 1)."),
                                         QStringLiteral("FACTOR"), QStringLiteral("1"));
    const QCommandLineOption themeOption(
        QStringLiteral("theme"),
        QStringLiteral("Colours: system (follow the desktop), light or dark. Remembered."),
        QStringLiteral("THEME"));
    const QCommandLineOption tapOption(
        QStringLiteral("tap"),
        QStringLiteral("Start the embedded publisher on loopback as a tap on the "
                       "OpenAI-compatible server at URL (e.g. http://127.0.0.1:11434/v1) and "
                       "watch what passes: point any tool's base URL at the address the window "
                       "shows (docs/tap.md). OPENAI_API_KEY, when set, replaces the tools' keys."),
        QStringLiteral("URL"));
    const QCommandLineOption portOption(
        QStringLiteral("port"),
        QStringLiteral("With --demo or --tap: the embedded publisher's port (default: a free "
                       "one)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption recordOption(
        QStringLiteral("record"),
        QStringLiteral("Record every event of the session as it arrives to FILE, to watch again "
                       "with 'inkstream replay FILE' (docs/recording.md)."),
        QStringLiteral("FILE"));
    parser.addOptions({demoOption, tapOption, connectOption});
    ConnectOptions connectOptions;
    connectOptions.addTo(&parser);
    parser.addOptions({speedOption, themeOption, portOption, recordOption});
    options->relay.addTo(&parser);
    parser.addPositionalArgument(
        QStringLiteral("URL"),
        QStringLiteral("Open the window on this session or stream endpoint, as --connect does "
                       "(how the desktop entry opens a link)."),
        QStringLiteral("[URL]"));
    if (const auto status = CommandLine(QString()).parse(&parser, arguments))
        return *status;

    // A lone http(s) URL is what the desktop entry's %u passes: it means --connect URL.
    const QStringList positional = parser.positionalArguments();
    QString connectValue = parser.value(connectOption);
    if (!positional.isEmpty()) {
        const QString &first = positional.constFirst();
        const bool isUrl = first.startsWith(u"http://", Qt::CaseInsensitive)
            || first.startsWith(u"https://", Qt::CaseInsensitive);
        if (!isUrl)
            return usageError(QStringLiteral("unknown command '%1'").arg(first));
        if (positional.size() > 1)
            return usageError(QStringLiteral("one URL at a time, not '%1'").arg(positional.at(1)));
        if (parser.isSet(connectOption))
            return usageError(QStringLiteral("give the URL once: as --connect or on its own"));
        connectValue = first;
    }
    const bool connecting = !connectValue.isEmpty();
    if (parser.isSet(demoOption) && connecting)
        return usageError(QStringLiteral("--demo and --connect cannot be combined"));
    if (parser.isSet(tapOption)) {
        if (parser.isSet(demoOption) || connecting)
            return usageError(QStringLiteral("--tap cannot be combined with --demo or --connect"));
        QString error;
        if (!core::UpstreamTap::checkUpstreamUrl(parser.value(tapOption), QStringLiteral("--tap"),
                                                 &options->tap, &error))
            return usageError(error);
        options->tapKey = qgetenv("OPENAI_API_KEY");
        if (!core::AccessPolicy::normalizeToken(&options->tapKey, QStringLiteral("OPENAI_API_KEY"),
                                                &error))
            return usageError(error);
    }
    bool speedOk = false;
    options->speed = parser.value(speedOption).toDouble(&speedOk);
    if (!speedOk || options->speed <= 0)
        return usageError(QStringLiteral("--speed needs a positive number"));
    options->demo = parser.isSet(demoOption);
    options->recordPath = parser.value(recordOption);
    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    if (!portOk || port > 65535)
        return usageError(QStringLiteral("--port needs a number from 0 to 65535"));
    options->port = quint16(port);
    if (QString relayError; !options->relay.read(parser, &relayError))
        return usageError(relayError);
    if (parser.isSet(portOption) && !options->demo && options->tap.isEmpty())
        return usageError(QStringLiteral("--port goes with --demo or --tap"));
    for (const QString &name : options->relay.names()) {
        if (parser.isSet(name) && !options->demo)
            return usageError(QStringLiteral("--%1 goes with --demo").arg(name));
    }
    if (parser.isSet(themeOption)) {
        bool known = false;
        ui::AppTheme::modeFromName(parser.value(themeOption), &known);
        if (!known)
            return usageError(QStringLiteral("--theme takes system, light or dark"));
        options->theme = parser.value(themeOption);
    }
    for (const QCommandLineOption &option : connectOptions.options()) {
        if (parser.isSet(option) && !connecting)
            return usageError(
                QStringLiteral("--%1 goes with --connect").arg(option.names().constFirst()));
    }
    if (connecting) {
        core::ConnectionSettings &connect = options->connect;
        connect.url = QUrl::fromUserInput(connectValue);
        if (!connect.url.isValid()
            || (connect.url.scheme() != u"http" && connect.url.scheme() != u"https"))
            return usageError(QStringLiteral("--connect needs an http:// or https:// URL, not '%1'")
                                  .arg(connectValue));
        if (QString error; !connectOptions.read(parser, &error))
            return usageError(error);
        connect.dialect = connectOptions.dialect();
        connect.transport = connectOptions.transport();
        connect.token = connectOptions.token();
        connect.model = connectOptions.model();
        connect.system = connectOptions.requestOptions().system;
        connect.maxTokens = connectOptions.requestOptions().maxTokens;
        connect.temperature = connectOptions.requestOptions().temperature;
        const bool needsModel = core::ChatRequest::needsModel(connect.dialect);
        if (needsModel && connect.model.isEmpty())
            return usageError(QStringLiteral("--dialect %1 needs --model NAME")
                                  .arg(core::DialectDecoder::dialectText(connect.dialect)));
        if (!needsModel && connectOptions.isModelSet())
            return usageError(QStringLiteral("--model goes with --dialect openai, "
                                             "openai-responses, anthropic or ollama"));
        options->prompt = connectOptions.prompt();
        if (connectOptions.isPromptSet() && !connect.takesPrompts())
            return usageError(QStringLiteral("--prompt needs a chat dialect (openai, "
                                             "openai-responses, anthropic, ollama, ai-sdk or "
                                             "chat-text)"));
    }
    return -1;
}

} // namespace

int GuiCommand::run(int argc, char *argv[])
{
    GuiOptions options;
    if (const int status = GuiApplication::parseBeforeWindow(
            argc, argv,
            [&options](const QStringList &arguments) { return parseOptions(arguments, &options); });
        status >= 0)
        return status;

    QApplication app(argc, argv);
    GuiApplication::setUp(options.theme);

    core::SessionModel model;
    core::SessionClient client(&model);
    LocalDemo demo;
    demo.setSpeed(options.speed);
    demo.setPort(options.port);
    demo.setRelay(options.relay);
    ui::MainWindow window(&model, &client);

    auto startDemo = [&] {
        QString error;
        const QUrl url = demo.startSession(&error);
        if (url.isEmpty()) {
            QMessageBox::critical(&window, QStringLiteral("Inkstream"), error);
            return;
        }
        client.connectTo(url);
    };
    QObject::connect(&window, &ui::MainWindow::localDemoRequested, &window, startDemo);
    // Said on stderr too, so whoever started the demo knows where nchan's viewers subscribe.
    QObject::connect(&demo, &LocalDemo::relayStarted, &window, [&window](const QUrl &publishUrl) {
        QTextStream(stderr) << "inkstream: relaying the demo to " << publishUrl.toString() << '\n';
        window.showStatusMessage(QObject::tr("Relaying to %1").arg(publishUrl.toString()));
    });
    QObject::connect(&demo, &LocalDemo::relayErrorOccurred, &window,
                     [&window](const QString &message) {
                         QTextStream(stderr) << "inkstream: " << message << '\n';
                         window.showStatusMessage(message);
                     });

    // --record: the file opens when the first connection starts (its header names the source).
    core::RecordingWriter recorder;
    bool recordingRefused = false;
    if (!options.recordPath.isEmpty()) {
        QObject::connect(
            &client, &core::SessionClient::stateChanged, &window, [&](core::ConnectionState state) {
                if (state != core::ConnectionState::Connecting || recorder.isOpen()
                    || recordingRefused)
                    return;
                QString error;
                if (!recorder.open(options.recordPath, client.sessionUrl(),
                                   core::DialectDecoder::dialectText(client.dialect()), &error)) {
                    recordingRefused = true;
                    QTextStream(stderr) << "inkstream: " << error << '\n';
                    QMessageBox::warning(&window, QStringLiteral("Inkstream"), error);
                    return;
                }
                QTextStream(stderr) << "inkstream: recording to " << options.recordPath << '\n';
                window.showRecording(options.recordPath);
            });
        QObject::connect(&client, &core::SessionClient::eventReceived, &window,
                         [&recorder](const core::Event &event) {
                             if (recorder.isOpen())
                                 recorder.write(event);
                         });
    }

    StartupReport::installIfRequested(&window, &model);
    window.show();
    LocalTap tap;
    const auto startTap = [&](const QUrl &upstream) {
        QString error;
        const QUrl url = tap.start(upstream, options.tapKey, options.port, &error);
        if (url.isEmpty()) {
            QMessageBox::critical(&window, QStringLiteral("Inkstream"), error);
            return;
        }
        // On stderr too: the base URL is what one pastes into a tool.
        QTextStream(stderr) << "inkstream: tapping " << upstream.toString(QUrl::RemoveUserInfo)
                            << ": point OpenAI-compatible clients at "
                            << tap.clientBaseUrl().toString() << '\n';
        window.showStatusMessage(
            QObject::tr("Tap ready: base URL %1").arg(tap.clientBaseUrl().toString()));
        client.connectTo(url);
    };
    QObject::connect(&window, &ui::MainWindow::tapRequested, &window, startTap);
    if (options.demo)
        AfterFirstPaint::run(&window, startDemo);
    else if (!options.tap.isEmpty())
        AfterFirstPaint::run(&window, [&] { startTap(options.tap); });
    if (options.connect.url.isValid())
        AfterFirstPaint::run(&window, [&] {
            window.connectWith(options.connect);
            QString error;
            if (!options.prompt.isEmpty() && !window.conversation()->send(options.prompt, &error))
                QMessageBox::warning(&window, QStringLiteral("Inkstream"), error);
        });
    return app.exec();
}

} // namespace inkstream::app
