#include "ui/connectionindicator.h"

#include "core/client/sessionclient.h"
#include "ui/counttext.h"
#include "ui/elidinglabel.h"

#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QLocale>
#include <QRegularExpression>
#include <QToolButton>
#include <cmath>

namespace inkstream::ui {

namespace {

constexpr int kRefreshMs = 250;

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

bool isTokenEvent(const core::Event &event)
{
    if (const auto *code = std::get_if<core::CodeEvent>(&event.payload))
        return code->type == core::CodeEvent::Type::Delta;
    if (const auto *chat = std::get_if<core::ChatEvent>(&event.payload))
        return chat->type == core::ChatEvent::Type::Delta;
    return false;
}

// The transport's reason without what the label already says: "cannot connect to URL:
// Connection refused" is shown as "Connection refused" after "Could not connect to HOST".
QString reasonText(const QString &reason)
{
    static const QRegularExpression repeated(QStringLiteral("cannot (connect|poll)( to \\S+)?: "));
    QString text = reason;
    text.remove(repeated);
    return text;
}

QString rateText(double perSecond)
{
    return perSecond < 10 ? QLocale().toString(perSecond, 'f', 1)
                          : QLocale().toString(qRound64(perSecond));
}

} // namespace

ConnectionIndicator::ConnectionIndicator(core::SessionClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_dot(new QLabel(this))
    , m_label(new ElidingLabel(this))
    , m_stats(new ElidingLabel(this))
    , m_reconnect(new QToolButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->setSpacing(6);
    layout->addWidget(m_dot);
    layout->addWidget(m_label);
    layout->addWidget(m_reconnect);
    layout->addSpacing(10);
    layout->addWidget(m_stats);
    m_dot->setText(QStringLiteral("●"));
    // Both texts end in "…" on a narrow window rather than being cut mid-word (ElidingLabel).
    m_stats->setForegroundRole(QPalette::PlaceholderText);
    m_stats->setToolTip(
        tr("Events and tokens (code and chat deltas) per second over the last %1; latency: "
           "from the request to the stream opening, for the last connection")
            .arg(CountText::of(
                std::chrono::duration_cast<std::chrono::seconds>(rateWindow()).count(),
                tr("second"), tr("%1 seconds"))));
    m_reconnect->setText(tr("Reconnect"));
    m_reconnect->setToolTip(tr("Connect again now, resuming after the last event received"));
    m_reconnect->setAutoRaise(true);
    m_reconnect->setAccessibleName(tr("Reconnect"));
    connect(m_reconnect, &QToolButton::clicked, this, [this] {
        if (!m_client->sessionUrl().isEmpty())
            m_client->reconnectNow();
    });

    m_clock.start();
    m_refreshTimer.setInterval(kRefreshMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, [this] {
        sample();
        refresh();
    });
    m_refreshTimer.start();
    connect(m_client, &core::SessionClient::stateChanged, this,
            &ConnectionIndicator::onStateChanged);
    connect(m_client, &core::SessionClient::eventReceived, this,
            &ConnectionIndicator::onEventReceived);
    // From the session client, not its transport: the transport changes under auto.
    connect(m_client, &core::SessionClient::retryScheduled, this,
            &ConnectionIndicator::onRetryScheduled);
    sample();
    refresh();
}

QString ConnectionIndicator::retryReason() const
{
    return reasonText(m_retryReason);
}

void ConnectionIndicator::setDetailsShown(bool shown)
{
    if (shown == m_detailsShown)
        return;
    m_detailsShown = shown;
    refresh();
}

QString ConnectionIndicator::text() const
{
    return m_text;
}

QString ConnectionIndicator::statsText() const
{
    return m_stats->fullText();
}

void ConnectionIndicator::onStateChanged(core::ConnectionState state)
{
    switch (state) {
    case core::ConnectionState::Connecting:
        m_connecting.start();
        break;
    case core::ConnectionState::Connected:
    case core::ConnectionState::Streaming:
        if (m_connecting.isValid()) {
            m_latency = std::chrono::milliseconds(m_connecting.elapsed());
            m_connecting.invalidate();
        }
        break;
    case core::ConnectionState::Retrying:
        // The transport sets its delay before it says so; retryScheduled() follows.
        onRetryScheduled(m_client->attempt(), m_client->retryDelay(), m_retryReason);
        break;
    case core::ConnectionState::Idle:
    case core::ConnectionState::Disconnected:
    case core::ConnectionState::Error:
        m_connecting.invalidate();
        break;
    }
    if (state == core::ConnectionState::Connecting && m_client->eventsReceived() == 0) {
        // A new session (connectTo() resets the counters): rates start again.
        m_samples.clear();
        m_tokens = 0;
    }
    refresh();
}

void ConnectionIndicator::onEventReceived(const core::Event &event)
{
    if (isTokenEvent(event))
        ++m_tokens;
}

void ConnectionIndicator::onRetryScheduled(int attempt, std::chrono::milliseconds delay,
                                           const QString &reason)
{
    m_retryAttempt = attempt;
    m_retryReason = reason;
    m_retryAt.setRemainingTime(delay);
    refresh();
}

void ConnectionIndicator::sample()
{
    const qint64 now = m_clock.elapsed();
    m_samples.append({now, m_client->eventsReceived(), m_tokens});
    const qint64 oldest = now - rateWindow().count();
    while (m_samples.size() > 2 && m_samples.at(1).atMs <= oldest)
        m_samples.removeFirst();
}

double ConnectionIndicator::rate(quint64 Sample::*counter) const
{
    if (m_samples.size() < 2)
        return 0;
    const Sample &first = m_samples.constFirst();
    const Sample &last = m_samples.constLast();
    const qint64 spanMs = last.atMs - first.atMs;
    if (spanMs <= 0 || last.*counter < first.*counter)
        return 0;
    return double(last.*counter - first.*counter) * 1000.0 / double(spanMs);
}

double ConnectionIndicator::eventsPerSecond() const
{
    return rate(&Sample::events);
}

double ConnectionIndicator::tokensPerSecond() const
{
    return rate(&Sample::tokens);
}

QString ConnectionIndicator::briefText(core::ConnectionState state) const
{
    switch (state) {
    case core::ConnectionState::Idle:
        return tr("Not connected");
    case core::ConnectionState::Connecting:
        return tr("Connecting…");
    case core::ConnectionState::Connected:
        return tr("Connected");
    case core::ConnectionState::Streaming:
        return tr("Live");
    case core::ConnectionState::Retrying:
        return m_client->hasConnected() ? tr("Connection lost") : tr("Could not connect");
    case core::ConnectionState::Disconnected:
        return tr("Disconnected");
    case core::ConnectionState::Error:
        return m_client->hasConnected() ? tr("Error") : tr("Could not connect");
    }
    return {};
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
    case core::ConnectionState::Retrying: {
        const qint64 remainingMs = qMax<qint64>(0, m_retryAt.remainingTime());
        const int seconds = int(std::ceil(double(remainingMs) / 1000.0));
        // Named truthfully: a connection that never got through was not lost.
        const QString what = m_client->hasConnected() ? tr("Connection to %1 lost").arg(endpoint)
                                                      : tr("Could not connect to %1").arg(endpoint);
        const QString why = m_retryReason.isEmpty() || m_client->hasConnected()
            ? QString()
            : tr(" (%1)").arg(reasonText(m_retryReason));
        text = m_retryAttempt > 0 ? tr("%1%2 · retrying in %3 s, attempt %4")
                                        .arg(what, why)
                                        .arg(seconds)
                                        .arg(m_retryAttempt)
                                  : tr("%1%2 · reconnecting…").arg(what, why);
        break;
    }
    case core::ConnectionState::Disconnected:
        text = tr("Disconnected · %1").arg(events);
        break;
    case core::ConnectionState::Error:
        text = m_client->hasConnected()
            ? tr("Error: %1").arg(m_client->errorString())
            : tr("Could not connect to %1: %2").arg(endpoint, reasonText(m_client->errorString()));
        break;
    }
    if (m_client->reconnects() > 0 && core::isConnectionActive(state))
        text += u" · "
            + CountText::of(m_client->reconnects(), tr("1 reconnect"), tr("%1 reconnects"));
    m_text = text;
    if (m_detailsShown) {
        m_label->setFullText(text);
        m_label->setToolTip(url.toDisplayString());
    } else { // a status message needs the room: the state in a word, the rest on hover
        m_label->setFullText(briefText(state));
        m_label->setToolTip(text + u'\n' + url.toDisplayString());
    }

    QString stats;
    if (!url.isEmpty()) {
        // What is being read, and how: "openai · SSE", "native · WebSocket".
        static const QHash<core::Transport::Kind, QString> transports {
            {core::Transport::Kind::Sse, QStringLiteral("SSE")},
            {core::Transport::Kind::WebSocket, QStringLiteral("WebSocket")},
            {core::Transport::Kind::Polling, tr("polling")},
            {core::Transport::Kind::SocketIo, QStringLiteral("Socket.IO")}};
        const core::Dialect dialect = m_client->activeDialect();
        QStringList parts {QStringLiteral("%1 · %2").arg(
            dialect == core::Dialect::Auto ? tr("detecting the format")
                                           : core::DialectDecoder::dialectText(dialect),
            transports.value(m_client->activeTransport()))};
        // Rates while events flow; a finished or quiet session shows none rather than zeros.
        if (eventsPerSecond() > 0 || tokensPerSecond() > 0) {
            parts << tr("%1 events/s").arg(rateText(eventsPerSecond()))
                  << tr("%1 tokens/s").arg(rateText(tokensPerSecond()));
        }
        if (m_latency)
            parts << tr("latency %1 ms").arg(m_latency->count());
        stats = parts.join(QStringLiteral(" · "));
    }
    m_stats->setFullText(stats);
    m_stats->setVisible(!stats.isEmpty() && m_detailsShown);

    const bool down = state == core::ConnectionState::Retrying
        || state == core::ConnectionState::Disconnected || state == core::ConnectionState::Error;
    // A posted prompt is never sent again behind the user's back: they send a new one.
    m_reconnect->setVisible(down && !url.isEmpty() && !m_client->isOneShot());

    QPalette palette = m_dot->palette();
    palette.setColor(QPalette::WindowText, colorFor(state));
    m_dot->setPalette(palette);
}

} // namespace inkstream::ui
