#include "ui/progresstrackeraccessible.h"

#include "ui/progresstracker.h"

namespace inkstream::ui {

ProgressTrackerAccessible::ProgressTrackerAccessible(ProgressTracker *tracker)
    : QAccessibleWidget(tracker, QAccessible::ProgressBar)
{ }

QAccessibleInterface *ProgressTrackerAccessible::create(const QString &className, QObject *object)
{
    auto *tracker = qobject_cast<ProgressTracker *>(object);
    if (!tracker || className != QLatin1StringView(ProgressTracker::staticMetaObject.className()))
        return nullptr;
    return new ProgressTrackerAccessible(tracker);
}

ProgressTracker *ProgressTrackerAccessible::tracker() const
{
    return static_cast<ProgressTracker *>(widget());
}

QString ProgressTrackerAccessible::text(QAccessible::Text type) const
{
    if (type == QAccessible::Value || type == QAccessible::Description)
        return tracker()->accessibleSummary();
    return QAccessibleWidget::text(type);
}

void *ProgressTrackerAccessible::interface_cast(QAccessible::InterfaceType type)
{
    if (type == QAccessible::ValueInterface)
        return static_cast<QAccessibleValueInterface *>(this);
    return QAccessibleWidget::interface_cast(type);
}

QVariant ProgressTrackerAccessible::currentValue() const
{
    return tracker()->percent();
}

void ProgressTrackerAccessible::setCurrentValue(const QVariant &)
{
    // Read only: the session sets its progress.
}

QVariant ProgressTrackerAccessible::maximumValue() const
{
    return 100;
}

QVariant ProgressTrackerAccessible::minimumValue() const
{
    return 0;
}

QVariant ProgressTrackerAccessible::minimumStepSize() const
{
    return 1;
}

} // namespace inkstream::ui
