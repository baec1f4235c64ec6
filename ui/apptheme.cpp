#include "ui/apptheme.h"

#include "ui/highlighting/codetheme.h"
#include "ui/themenotifier.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace inkstream::ui {

namespace {

QPalette darkPalette()
{
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x25, 0x25, 0x26));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2a, 0x2d));
    dark.setColor(QPalette::Text, QColor(0xd4, 0xd4, 0xd4));
    dark.setColor(QPalette::Button, QColor(0x33, 0x33, 0x37));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    // Fusion draws keyboard focus in the highlight colour: 3.25:1 against the window (WCAG's
    // 3:1 for a focus indicator), 4.7:1 behind white selected text.
    dark.setColor(QPalette::Highlight, QColor(0x6e, 0x62, 0xdd));
    dark.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    dark.setColor(QPalette::ToolTipBase, QColor(0x25, 0x25, 0x26));
    dark.setColor(QPalette::ToolTipText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8a, 0x8a));
    dark.setColor(QPalette::Link, QColor(0x9b, 0x82, 0xff));
    dark.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x70, 0x70));
    dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x70, 0x70));
    dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x70, 0x70));
    dark.setColor(QPalette::Midlight, QColor(0x3a, 0x3a, 0x3d));
    dark.setColor(QPalette::Mid, QColor(0x44, 0x44, 0x48));
    dark.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    dark.setColor(QPalette::Light, QColor(0x50, 0x50, 0x54));
    return dark;
}

QPalette lightPalette(const QStyle *style)
{
    QPalette light = style ? style->standardPalette() : QPalette();
    light.setColor(QPalette::Window, QColor(0xf3, 0xf3, 0xf3));
    light.setColor(QPalette::Highlight, QColor(0xd4, 0xe2, 0xfc));
    light.setColor(QPalette::HighlightedText, QColor(0x1f, 0x1f, 0x1f));
    light.setColor(QPalette::Midlight, QColor(0xdd, 0xdd, 0xe2));
    light.setColor(QPalette::PlaceholderText, QColor(0x6b, 0x6b, 0x6b));
    return light;
}

bool g_dark = false;

// The platform's own palette, as it was before the first theme was applied: "system" goes back
// to it after a switch to light or dark.
const QPalette &platformPalette()
{
    static const QPalette palette = QApplication::palette();
    return palette;
}

} // namespace

void AppTheme::apply(Mode mode)
{
    const QPalette &system = platformPalette();
    // Fusion draws with the palette on every platform; set once (setting it again re-polishes
    // every widget for nothing).
    QStyle *fusion = QApplication::style();
    if (fusion->name().compare(u"fusion", Qt::CaseInsensitive) != 0) {
        fusion = QStyleFactory::create(QStringLiteral("Fusion"));
        if (fusion)
            QApplication::setStyle(fusion);
    }
    switch (mode) {
    case Mode::System:
        g_dark = system.color(QPalette::Window).lightness() < 128;
        QApplication::setPalette(g_dark ? darkPalette() : lightPalette(fusion));
        break;
    case Mode::Light:
        g_dark = false;
        QApplication::setPalette(lightPalette(fusion));
        break;
    case Mode::Dark:
        g_dark = true;
        QApplication::setPalette(darkPalette());
        break;
    }
    CodeTheme::setCurrentDark(g_dark);
    Q_EMIT ThemeNotifier::instance()->themeChanged();
}

bool AppTheme::isDark()
{
    return g_dark;
}

QColor AppTheme::warningColor()
{
    return g_dark ? QColor(0xf5, 0xa6, 0x23) : QColor(0xa3, 0x5c, 0x00);
}

QColor AppTheme::errorColor()
{
    return g_dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xb3, 0x26, 0x1e);
}

AppTheme::Mode AppTheme::modeFromName(const QString &name, bool *ok)
{
    if (ok)
        *ok = true;
    if (name == u"light")
        return Mode::Light;
    if (name == u"dark")
        return Mode::Dark;
    if (ok)
        *ok = name == u"system";
    return Mode::System;
}

QString AppTheme::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    case Mode::System:
        break;
    }
    return QStringLiteral("system");
}

} // namespace inkstream::ui
