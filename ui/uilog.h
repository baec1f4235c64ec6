#pragma once

#include <QLoggingCategory>

namespace inkstream::ui {
Q_DECLARE_LOGGING_CATEGORY(lcUi) // "inkstream.ui"
}
