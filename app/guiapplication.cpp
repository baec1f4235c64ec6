#include "app/guiapplication.h"

#include "app/qtguiarguments.h"
#include "ui/apptheme.h"
#include "ui/heapupkeep.h"

#include <QApplication>
#include <QIcon>
#include <QSettings>
#include <QTextStream>

namespace inkstream::app {

void GuiApplication::setApplicationNames()
{
    QCoreApplication::setApplicationName(QStringLiteral("inkstream"));
    QCoreApplication::setOrganizationName(QStringLiteral("Inkstream"));
    QCoreApplication::setApplicationVersion(QStringLiteral(INKSTREAM_VERSION));
}

bool GuiApplication::checkDisplay(const QString &platform)
{
    if (!platform.isEmpty() || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return true; // offscreen, vnc, ...: the user chose
    if (!qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        return true;
    QTextStream(stderr) << "inkstream: no display to open the window on (set DISPLAY or "
                           "WAYLAND_DISPLAY, or run under xvfb-run). The headless commands "
                           "serve, publish, watch and sse-dump need none.\n";
    return false;
}

int GuiApplication::parseBeforeWindow(int argc, char *argv[],
                                      const std::function<int(const QStringList &)> &parse)
{
    QString platform; // Qt's -platform, when given
    {
        QCoreApplication probe(argc, argv);
        setApplicationNames();
        const QtGuiArguments arguments(QCoreApplication::arguments());
        platform = arguments.platform();
        if (const int status = parse(arguments.applicationArguments()); status >= 0)
            return status;
    }
    return checkDisplay(platform) ? -1 : 1;
}

void GuiApplication::setUp(const QString &themeOverride)
{
    ui::HeapUpkeep::install(QCoreApplication::instance());
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("Inkstream"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.inkstream.Inkstream"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/inkstream.svg")));
    QSettings settings;
    if (!themeOverride.isEmpty())
        settings.setValue(QStringLiteral("appearance/theme"), themeOverride);
    ui::AppTheme::apply(ui::AppTheme::modeFromName(
        settings.value(QStringLiteral("appearance/theme"), QStringLiteral("system")).toString()));
}

} // namespace inkstream::app
