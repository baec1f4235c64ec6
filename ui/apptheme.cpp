#include "ui/apptheme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace inkstream::ui {

void AppTheme::apply()
{
    if (QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x25, 0x25, 0x26));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2a, 0x2d));
    dark.setColor(QPalette::Text, QColor(0xd4, 0xd4, 0xd4));
    dark.setColor(QPalette::Button, QColor(0x33, 0x33, 0x37));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    dark.setColor(QPalette::Highlight, QColor(0x3d, 0x3a, 0x5c));
    dark.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    dark.setColor(QPalette::ToolTipBase, QColor(0x25, 0x25, 0x26));
    dark.setColor(QPalette::ToolTipText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8a, 0x8a));
    dark.setColor(QPalette::Link, QColor(0x9b, 0x82, 0xff));
    dark.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x70, 0x70));
    dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x70, 0x70));
    dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x70, 0x70));
    QApplication::setPalette(dark);
}

} // namespace inkstream::ui
