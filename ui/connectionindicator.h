#pragma once

#include "core/client/connectionstate.h"
#include "core/protocol/event.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QList>
#include <QTimer>
#include <QWidget>
#include <chrono>
#include <optional>

class QLabel;
class QToolButton;

namespace inkstream::core {
class SessionClient;
}

namespace inkstream::ui {

class ElidingLabel;

// The connection bar in the status bar: a coloured dot and the state in words (with the retry
// countdown and attempt while reconnecting, the reason on error), the dialect, live rates
// (events and tokens per second over the last seconds, the latency of the last connection
// set-up) and a Reconnect button while the stream is down.
class ConnectionIndicator final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionIndicator)

public:
    explicit ConnectionIndicator(core::SessionClient *client, QWidget *parent = nullptr);

    QString text() const; // the state part
    // Whether the dialect, rates and latency show (off while the status bar has a message).
    void setDetailsShown(bool shown);
    QString statsText() const; // dialect, rates, latency
    QToolButton *reconnectButton() const { return m_reconnect; }
    // Why the last attempt failed, in the words the bar uses ("Connection refused"), and its
    // number; empty and 0 until an attempt failed.
    QString retryReason() const;
    int retryAttempt() const { return m_retryAttempt; }

    // Rates over this window.
    static constexpr std::chrono::milliseconds rateWindow() { return std::chrono::seconds(2); }
    double eventsPerSecond() const;
    double tokensPerSecond() const;
    // Request to stream open of the last (re)connection; empty before the first.
    std::optional<std::chrono::milliseconds> connectLatency() const { return m_latency; }

private:
    struct Sample
    {
        qint64 atMs = 0;
        quint64 events = 0;
        quint64 tokens = 0;
    };

    void onStateChanged(core::ConnectionState state);
    void onEventReceived(const core::Event &event);
    void onRetryScheduled(int attempt, std::chrono::milliseconds delay, const QString &reason);
    void sample();
    double rate(quint64 Sample::*counter) const;
    void refresh();
    // The state in a word or two ("Live", "Could not connect").
    QString briefText(core::ConnectionState state) const;

    core::SessionClient *m_client = nullptr;
    QLabel *m_dot = nullptr;
    ElidingLabel *m_label = nullptr;
    ElidingLabel *m_stats = nullptr;
    bool m_detailsShown = true;
    QString m_text; // the state in full, whether shown in full or not
    QToolButton *m_reconnect = nullptr;
    QTimer m_refreshTimer; // rates and the countdown change too often to repaint on each
    QElapsedTimer m_clock;
    QList<Sample> m_samples; // the last rateWindow() of counters, oldest first
    quint64 m_tokens = 0; // code and chat deltas received: the AI's tokens as the wire has them
    QElapsedTimer m_connecting;
    std::optional<std::chrono::milliseconds> m_latency;
    QDeadlineTimer m_retryAt;
    int m_retryAttempt = 0;
    QString m_retryReason; // why the last attempt failed ("cannot connect: Connection refused")
};

} // namespace inkstream::ui
