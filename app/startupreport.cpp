#include "app/startupreport.h"

#include "core/model/sessionmodel.h"
#include "ui/displayfence.h"

#include <QDateTime>
#include <QEvent>
#include <QGuiApplication>
#include <QWidget>
#include <cstdio>

namespace inkstream::app {

StartupReport::StartupReport(QWidget *window)
    : QObject(window)
{ }

void StartupReport::installIfRequested(QWidget *window, core::SessionModel *model)
{
    if (qEnvironmentVariableIsEmpty("INKSTREAM_STARTUP_REPORT"))
        return;
    auto *report = new StartupReport(window);
    window->installEventFilter(report);
    QObject::connect(model, &core::SessionModel::sessionStateChanged, report,
                     [](core::SessionState state) {
                         if (state == core::SessionState::Complete)
                             print("complete");
                     });
    // The first event shown: applied, then the whole window painted with it (a replay's first
    // frame, tests/bench/replay).
    QObject::connect(
        model, &core::SessionModel::eventApplied, report,
        [window] {
            QMetaObject::invokeMethod(
                window,
                [window] {
                    window->repaint();
                    print("first-event");
                },
                Qt::QueuedConnection);
        },
        Qt::SingleShotConnection);
}

bool StartupReport::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint) {
        print("first-paint");
        // Where it runs, and whether X11's frame pacing takes part (never on Wayland).
        const ui::DisplayFence fence;
        std::fprintf(stderr, "inkstream-startup: platform %s fence %s\n",
                     qPrintable(QGuiApplication::platformName()),
                     fence.isActive() ? "active" : "inactive");
        std::fflush(stderr);
        watched->removeEventFilter(this);
    }
    return false;
}

void StartupReport::print(const char *what)
{
    std::fprintf(stderr, "inkstream-startup: %s %lld\n", what,
                 static_cast<long long>(QDateTime::currentMSecsSinceEpoch()));
    std::fflush(stderr);
}

} // namespace inkstream::app
