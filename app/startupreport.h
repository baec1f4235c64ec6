#pragma once

#include <QObject>

class QWidget;

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::app {

// For the start-up benchmark (tests/bench/startup): with INKSTREAM_STARTUP_REPORT set, prints
// "inkstream-startup: first-paint EPOCH_MS" when the window first paints and
// "inkstream-startup: first-event EPOCH_MS" once the first event is applied and the window
// painted with it, and "inkstream-startup: complete EPOCH_MS" when the followed session
// completes. Otherwise it
// does nothing at all.
class StartupReport final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StartupReport)

public:
    static void installIfRequested(QWidget *window, core::SessionModel *model);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit StartupReport(QWidget *window);
    static void print(const char *what);
};

} // namespace inkstream::app
