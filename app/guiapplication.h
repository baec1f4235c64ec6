#pragma once

#include <QString>
#include <QStringList>
#include <functional>

namespace inkstream::app {

// What every command that opens a window does around its QApplication: the names QSettings
// and the desktop use, the check for a display (a clear message instead of Qt's abort), the
// window icon and the colour theme.
class GuiApplication final
{
public:
    static void setApplicationNames();
    // False, having said why on stderr, when there is no display to open a window on.
    // `platform`: Qt's -platform option, when given (it chooses, as QT_QPA_PLATFORM does).
    static bool checkDisplay(const QString &platform);
    // Before any window: runs `parse` on the command's arguments (Qt's own, such as -platform,
    // taken out) under a QCoreApplication, so --help, --version and usage errors work on machines
    // without a display, then checks for a display. Returns `parse`'s status when it is >= 0
    // (the program ends with it), 1 when there is no display, -1 to go on.
    static int parseBeforeWindow(int argc, char *argv[],
                                 const std::function<int(const QStringList &)> &parse);
    // After the QApplication exists: icon, desktop file name, and the theme (`themeOverride`,
    // when set, is stored as the preference first).
    static void setUp(const QString &themeOverride);
};

} // namespace inkstream::app
