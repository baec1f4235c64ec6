#include "app/guicommand.h"

#include "app/localdemo.h"
#include "core/client/sessionclient.h"
#include "core/model/sessionmodel.h"
#include "ui/apptheme.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QTextStream>
#include <QTimer>

namespace inkstream::app {

namespace {

int usageError(const QString &message)
{
    QTextStream(stderr) << "inkstream: " << message << "\nTry 'inkstream --help'.\n";
    return 2;
}

} // namespace

int GuiCommand::run(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("inkstream"));
    QApplication::setApplicationDisplayName(QStringLiteral("Inkstream"));
    QApplication::setOrganizationName(QStringLiteral("Inkstream"));
    QApplication::setApplicationVersion(QStringLiteral(INKSTREAM_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.inkstream.Inkstream"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/inkstream.svg")));
    ui::AppTheme::apply();

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
    parser.addOptions({demoOption, connectOption, speedOption});
    parser.process(app);

    if (!parser.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unknown command '%1'").arg(parser.positionalArguments().constFirst()));
    if (parser.isSet(demoOption) && parser.isSet(connectOption))
        return usageError(QStringLiteral("--demo and --connect cannot be combined"));
    bool speedOk = false;
    const double speed = parser.value(speedOption).toDouble(&speedOk);
    if (!speedOk || speed <= 0)
        return usageError(QStringLiteral("--speed needs a positive number"));
    QUrl connectUrl;
    if (parser.isSet(connectOption)) {
        connectUrl = QUrl::fromUserInput(parser.value(connectOption));
        if (!connectUrl.isValid()
            || (connectUrl.scheme() != u"http" && connectUrl.scheme() != u"https"))
            return usageError(QStringLiteral("--connect needs an http:// or https:// URL, not '%1'")
                                  .arg(parser.value(connectOption)));
    }

    core::SessionModel model;
    core::SessionClient client(&model);
    LocalDemo demo;
    demo.setSpeed(speed);
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

    window.show();
    if (parser.isSet(demoOption))
        QTimer::singleShot(0, &window, startDemo);
    else if (connectUrl.isValid())
        client.connectTo(connectUrl);
    return app.exec();
}

} // namespace inkstream::app
