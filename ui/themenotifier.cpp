#include "ui/themenotifier.h"

namespace inkstream::ui {

ThemeNotifier *ThemeNotifier::instance()
{
    static ThemeNotifier notifier;
    return &notifier;
}

} // namespace inkstream::ui
