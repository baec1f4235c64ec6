#pragma once

namespace inkstream::ui {

// The application's look: Fusion with a dark palette that matches the editor, so dialogs,
// menus and scroll bars belong to the same window as the code.
class AppTheme final
{
public:
    static void apply(); // needs a QApplication
};

} // namespace inkstream::ui
