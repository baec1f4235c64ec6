#include "app/afterfirstpaint.h"

#include <QEvent>
#include <QTimer>
#include <QWidget>

namespace inkstream::app {

AfterFirstPaint::AfterFirstPaint(QWidget *widget, std::function<void()> work)
    : QObject(widget)
    , m_work(std::move(work))
{
    widget->installEventFilter(this);
}

void AfterFirstPaint::run(QWidget *widget, std::function<void()> work)
{
    new AfterFirstPaint(widget, std::move(work));
}

bool AfterFirstPaint::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint) {
        watched->removeEventFilter(this);
        // After this paint has been delivered, not inside it.
        QTimer::singleShot(0, this, [this] {
            m_work();
            deleteLater();
        });
    }
    return false;
}

} // namespace inkstream::app
