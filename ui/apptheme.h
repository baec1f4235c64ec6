#pragma once

#include <QColor>
#include <QString>

namespace inkstream::ui {

// The application's look: Fusion with a light or dark palette, the editor's colours to match.
// "system" keeps the platform's palette (the desktop's light or dark choice) and picks the
// editor variant from its lightness.
class AppTheme final
{
public:
    enum class Mode { System, Light, Dark };

    // Needs a QApplication; may be called again while the window is open (ThemeNotifier says so).
    static void apply(Mode mode);
    static bool isDark();
    // Text that needs the reader's attention without being an error (the connection lost):
    // amber, darker on the light palette so it stays readable.
    static QColor warningColor();
    // Text that reports a failure (a file the source gave up on): red, readable on both.
    static QColor errorColor();
    static Mode modeFromName(const QString &name, bool *ok = nullptr); // "system", "light", "dark"
    static QString modeName(Mode mode);
};

} // namespace inkstream::ui
