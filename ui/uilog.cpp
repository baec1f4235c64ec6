#include "ui/uilog.h"

namespace inkstream::ui {
Q_LOGGING_CATEGORY(lcUi, "inkstream.ui", QtInfoMsg)
}
