#include "ui/thememenu.h"

#include "ui/apptheme.h"

#include <QActionGroup>
#include <QSettings>

namespace inkstream::ui {

ThemeMenu::ThemeMenu(QWidget *parent)
    : QMenu(tr("&Theme"), parent)
{
    auto *group = new QActionGroup(this);
    const QString current = QSettings()
                                .value(QStringLiteral("appearance/theme"), QStringLiteral("system"))
                                .toString();
    for (const auto &[mode, title] : {std::pair {AppTheme::Mode::System, tr("Follow the &System")},
                                      std::pair {AppTheme::Mode::Light, tr("&Light")},
                                      std::pair {AppTheme::Mode::Dark, tr("&Dark")}}) {
        QAction *action = addAction(title);
        action->setCheckable(true);
        action->setChecked(AppTheme::modeName(mode) == current);
        group->addAction(action);
        connect(action, &QAction::triggered, this, [chosen = mode] {
            QSettings().setValue(QStringLiteral("appearance/theme"), AppTheme::modeName(chosen));
            AppTheme::apply(chosen);
        });
    }
}

} // namespace inkstream::ui
