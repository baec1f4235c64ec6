#pragma once

#include <QObject>

namespace inkstream::ui {

// Says when the application's theme changed (View > Theme applies at once): widgets that
// derive colours from the theme rather than the palette (the editor, chat bubbles, code
// blocks, highlighters) connect to it and restyle themselves.
class ThemeNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThemeNotifier)

public:
    static ThemeNotifier *instance();

Q_SIGNALS:
    void themeChanged();

private:
    ThemeNotifier() = default;
};

} // namespace inkstream::ui
