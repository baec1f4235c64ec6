#pragma once

#include <QObject>
#include <functional>

class QWidget;

namespace inkstream::app {

// Runs a function once `widget` has painted for the first time, so start-up work that is not
// needed for the first frame (the local demo's publisher, a network connection) never delays
// it. Owned by the widget; deletes itself after running.
class AfterFirstPaint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AfterFirstPaint)

public:
    static void run(QWidget *widget, std::function<void()> work);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    AfterFirstPaint(QWidget *widget, std::function<void()> work);
    std::function<void()> m_work;
};

} // namespace inkstream::app
