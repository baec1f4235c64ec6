#pragma once

#include "core/client/connectionstate.h"

#include <QTimer>
#include <QWidget>

class QLabel;

namespace inkstream::core {
class SessionClient;
}

namespace inkstream::ui {

// The status bar's view of the connection: a coloured dot, the state in words (with the
// reason on error), the endpoint, and the number of events received.
class ConnectionIndicator final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionIndicator)

public:
    explicit ConnectionIndicator(core::SessionClient *client, QWidget *parent = nullptr);

    QString text() const;

private:
    void refresh();

    core::SessionClient *m_client = nullptr;
    QLabel *m_dot = nullptr;
    QLabel *m_label = nullptr;
    QTimer m_refreshTimer; // event counts change too often to repaint on each
};

} // namespace inkstream::ui
