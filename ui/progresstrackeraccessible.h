#pragma once

#include <QAccessibleWidget>

namespace inkstream::ui {

class ProgressTracker;

// The tracker as assistive technology reads it: a progress bar whose value is the session's
// percentage and whose text names the current step ("Generating, 45 %, step 2 of 4").
class ProgressTrackerAccessible final : public QAccessibleWidget, public QAccessibleValueInterface
{
public:
    explicit ProgressTrackerAccessible(ProgressTracker *tracker);

    // For QAccessible::installFactory: an interface for a ProgressTracker, else nullptr.
    static QAccessibleInterface *create(const QString &className, QObject *object);

    QString text(QAccessible::Text type) const override;
    void *interface_cast(QAccessible::InterfaceType type) override;

    QVariant currentValue() const override;
    void setCurrentValue(const QVariant &value) override;
    QVariant maximumValue() const override;
    QVariant minimumValue() const override;
    QVariant minimumStepSize() const override;

private:
    ProgressTracker *tracker() const;
};

} // namespace inkstream::ui
