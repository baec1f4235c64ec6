#include "app/guicommand.h"

#include "app/afterfirstpaint.h"
#include "app/localdemo.h"
#include "app/startupreport.h"
#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "ui/apptheme.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QSettings>
#include <QTextStream>
#include <QTimer>

namespace inkstream::app {

namespace {

int usageError(const QString &message)
{
    QTextStream(stderr) << "inkstream: " << message << "\nTry 'inkstream --help'.\n";
    return 2;
}

struct GuiOptions
{
    bool demo = false;
    QUrl connectUrl;
    double speed = 1.0;
    QString theme; // empty: the stored preference
};

void setApplicationNames()
{
    QCoreApplication::setApplicationName(QStringLiteral("inkstream"));
    QCoreApplication::setOrganizationName(QStringLiteral("Inkstream"));
    QCoreApplication::setApplicationVersion(QStringLiteral(INKSTREAM_VERSION));
}

bool hasDisplay()
{
    if (!qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return true; // offscreen, vnc, ...: the user chose
    return !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

// Returns an exit status when the program should stop here, or -1 to go on.
int parseOptions(GuiOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Watch an AI write code, live.\n\n"
                       "Commands (run 'inkstream COMMAND --help' for each):\n"
                       "  serve      run the publisher headless\n"
                       "  publish    hand files to a publisher to stream\n"
                       "  watch      follow a session headless and write its files\n"
                       "  sse-dump   parse a raw SSE stream from stdin"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOption(
        QStringLiteral("demo"),
        QStringLiteral("Start the embedded publisher on loopback with the scripted demo session "
                       "and watch it."));
    const QCommandLineOption connectOption(
        QStringLiteral("connect"),
        QStringLiteral("Follow the session at URL (http://HOST:PORT/api/sessions/ID)."),
        QStringLiteral("URL"));
    const QCommandLineOption speedOption(QStringLiteral("speed"),
                                         QStringLiteral("Demo speed factor (default 1)."),
                                         QStringLiteral("FACTOR"), QStringLiteral("1"));
    const QCommandLineOption themeOption(
        QStringLiteral("theme"),
        QStringLiteral("Colours: system (follow the desktop), light or dark. Remembered."),
        QStringLiteral("THEME"));
    parser.addOptions({demoOption, connectOption, speedOption, themeOption});
    parser.process(QCoreApplication::arguments());

    if (!parser.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unknown command '%1'").arg(parser.positionalArguments().constFirst()));
    if (parser.isSet(demoOption) && parser.isSet(connectOption))
        return usageError(QStringLiteral("--demo and --connect cannot be combined"));
    bool speedOk = false;
    options->speed = parser.value(speedOption).toDouble(&speedOk);
    if (!speedOk || options->speed <= 0)
        return usageError(QStringLiteral("--speed needs a positive number"));
    options->demo = parser.isSet(demoOption);
    if (parser.isSet(themeOption)) {
        bool known = false;
        ui::AppTheme::modeFromName(parser.value(themeOption), &known);
        if (!known)
            return usageError(QStringLiteral("--theme takes system, light or dark"));
        options->theme = parser.value(themeOption);
    }
    if (parser.isSet(connectOption)) {
        options->connectUrl = QUrl::fromUserInput(parser.value(connectOption));
        if (!options->connectUrl.isValid()
            || (options->connectUrl.scheme() != u"http"
                && options->connectUrl.scheme() != u"https"))
            return usageError(QStringLiteral("--connect needs an http:// or https:// URL, not '%1'")
                                  .arg(parser.value(connectOption)));
    }
    return -1;
}

} // namespace

int GuiCommand::run(int argc, char *argv[])
{
    GuiOptions options;
    // Parsed under a QCoreApplication first, so --help, --version and usage errors work on
    // machines without a display.
    {
        QCoreApplication probe(argc, argv);
        setApplicationNames();
        if (const int status = parseOptions(&options); status >= 0)
            return status;
    }
    if (!hasDisplay()) {
        QTextStream(stderr) << "inkstream: no display to open the window on (set DISPLAY or "
                               "WAYLAND_DISPLAY, or run under xvfb-run). The headless commands "
                               "serve, publish, watch and sse-dump need none.\n";
        return 1;
    }

    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("Inkstream"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.inkstream.Inkstream"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/inkstream.svg")));
    QSettings settings;
    if (!options.theme.isEmpty())
        settings.setValue(QStringLiteral("appearance/theme"), options.theme);
    ui::AppTheme::apply(ui::AppTheme::modeFromName(
        settings.value(QStringLiteral("appearance/theme"), QStringLiteral("system")).toString()));

    core::SessionModel model;
    core::SessionClient client(&model);
    LocalDemo demo;
    demo.setSpeed(options.speed);
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

    StartupReport::installIfRequested(&window, &model);
    window.show();
    if (options.demo)
        AfterFirstPaint::run(&window, startDemo);
    else if (options.connectUrl.isValid())
        AfterFirstPaint::run(&window, [&] { client.connectTo(options.connectUrl); });
    return app.exec();
}

} // namespace inkstream::app
