#pragma once

#include <QHash>
#include <QWidget>

class QFormLayout;
class QLabel;
class QTimer;

namespace inkstream::core {
class SessionAnalytics;
class SessionClient;
} // namespace inkstream::core

namespace inkstream::ui {

class ThroughputChart;

// Ctrl+Shift+A: how the session went — time to first event and first code, duration, events,
// bytes, characters and tokens with their rates, reconnects and gaps re-synced — with a
// throughput chart. Refreshes itself twice a second while shown.
class AnalyticsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AnalyticsPanel)

public:
    explicit AnalyticsPanel(QWidget *parent = nullptr);

    // Neither is owned; a null client (a replay) shows its counts as unknown.
    void setAnalytics(const core::SessionAnalytics *analytics);
    void setClient(const core::SessionClient *client);
    ThroughputChart *chart() const { return m_chart; }

    // The shown text of a field: timeToFirstEvent, timeToFirstCode, duration, events, bytes,
    // codeChars, tokens, charsPerSecond, tokensPerSecond, modelTokens, stopReasons, reconnects,
    // resyncs.
    QString fieldText(const QString &key) const;
    void refresh();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void addField(const QString &key, const QString &title);
    void setField(const QString &key, const QString &text);

    const core::SessionAnalytics *m_analytics = nullptr;
    const core::SessionClient *m_client = nullptr;
    QHash<QString, QLabel *> m_fields;
    ThroughputChart *m_chart = nullptr;
    QTimer *m_refreshTimer = nullptr;
    QFormLayout *m_form = nullptr;
};

} // namespace inkstream::ui
