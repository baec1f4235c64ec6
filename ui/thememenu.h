#pragma once

#include <QMenu>

namespace inkstream::ui {

// View > Theme: follow the system, light or dark; the choice applies at once and is remembered.
class ThemeMenu final : public QMenu
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThemeMenu)

public:
    explicit ThemeMenu(QWidget *parent = nullptr);
};

} // namespace inkstream::ui
