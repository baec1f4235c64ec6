#include "ui/connectionindicator.h"

#include "core/client/sessionclient.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>

namespace inkstream::ui {

namespace {

QColor colorFor(core::ConnectionState state)
{
    switch (state) {
    case core::ConnectionState::Connected:
    case core::ConnectionState::Streaming:
        return QColor(0x3f, 0xb9, 0x50);
    case core::ConnectionState::Connecting:
    case core::ConnectionState::Retrying:
        return QColor(0xf5, 0xa6, 0x23);
    case core::ConnectionState::Error:
        return QColor(0xe5, 0x48, 0x4d);
    case core::ConnectionState::Idle:
    case core::ConnectionState::Disconnected:
        break;
    }
    return QColor(0x8a, 0x8a, 0x8a);
}

} // namespace

ConnectionIndicator::ConnectionIndicator(core::SessionClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_dot(new QLabel(this))
    , m_label(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->setSpacing(6);
    layout->addWidget(m_dot);
    layout->addWidget(m_label);
    m_refreshTimer.setInterval(250);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ConnectionIndicator::refresh);
    m_refreshTimer.start();
    connect(m_client, &core::SessionClient::stateChanged, this, &ConnectionIndicator::refresh);
    refresh();
}

QString ConnectionIndicator::text() const
{
    return m_label->text();
}

void ConnectionIndicator::refresh()
{
    const core::ConnectionState state = m_client->state();
    const QUrl url = m_client->sessionUrl();
    const QString endpoint
        = url.isEmpty() ? QString() : url.host() + u':' + QString::number(url.port(80));
    const QString events = tr("%1 events").arg(QLocale().toString(m_client->eventsReceived()));
    QString text;
    switch (state) {
    case core::ConnectionState::Idle:
        text = tr("Not connected");
        break;
    case core::ConnectionState::Connecting:
        text = tr("Connecting to %1…").arg(endpoint);
        break;
    case core::ConnectionState::Connected:
        text = tr("Connected to %1").arg(endpoint);
        break;
    case core::ConnectionState::Streaming:
        text = tr("Live · %1 · %2").arg(endpoint, events);
        break;
    case core::ConnectionState::Retrying:
        text = tr("Connection lost · reconnecting to %1…").arg(endpoint);
        break;
    case core::ConnectionState::Disconnected:
        text = tr("Disconnected · %1").arg(events);
        break;
    case core::ConnectionState::Error:
        text = tr("Error: %1").arg(m_client->errorString());
        break;
    }
    if (m_client->reconnects() > 0 && core::isConnectionActive(state))
        text += tr(" · %n reconnect(s)", nullptr, m_client->reconnects());
    m_label->setText(text);
    m_label->setToolTip(url.toDisplayString());
    m_dot->setText(QStringLiteral("●"));
    QPalette palette = m_dot->palette();
    palette.setColor(QPalette::WindowText, colorFor(state));
    m_dot->setPalette(palette);
}

} // namespace inkstream::ui
