#include "app/guicommand.h"
#include "app/publishcommand.h"
#include "app/replaycommand.h"
#include "app/servecommand.h"
#include "app/ssedumpcommand.h"
#include "app/watchcommand.h"

#include <QCoreApplication>
#include <QStringList>
#include <cstring>

namespace {

// Headless subcommands never create a QGuiApplication, so they run without a display.
int runHeadless(int argc, char *argv[], int (*command)(const QStringList &))
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("inkstream"));
    QCoreApplication::setOrganizationName(QStringLiteral("Inkstream"));
    QCoreApplication::setApplicationVersion(QStringLiteral(INKSTREAM_VERSION));
    return command(QCoreApplication::arguments());
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc > 1) {
        const char *name = argv[1];
        if (std::strcmp(name, "serve") == 0)
            return runHeadless(argc, argv, inkstream::app::ServeCommand::run);
        if (std::strcmp(name, "publish") == 0)
            return runHeadless(argc, argv, inkstream::app::PublishCommand::run);
        if (std::strcmp(name, "watch") == 0)
            return runHeadless(argc, argv, inkstream::app::WatchCommand::run);
        if (std::strcmp(name, "replay") == 0)
            return inkstream::app::ReplayCommand::run(argc, argv);
        if (std::strcmp(name, "sse-dump") == 0)
            return runHeadless(argc, argv, inkstream::app::SseDumpCommand::run);
    }
    return inkstream::app::GuiCommand::run(argc, argv);
}
