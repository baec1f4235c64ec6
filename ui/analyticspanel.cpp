#include "ui/analyticspanel.h"

#include "core/client/sessionclient.h"
#include "core/model/sessionanalytics.h"
#include "ui/throughputchart.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>

namespace inkstream::ui {

namespace {

constexpr int kRefreshMs = 500;

QString msText(const std::optional<qint64> &ms)
{
    if (!ms)
        return AnalyticsPanel::tr("—");
    if (*ms < 10000)
        return AnalyticsPanel::tr("%1 ms").arg(QLocale().toString(*ms));
    return AnalyticsPanel::tr("%1 s").arg(QLocale().toString(double(*ms) / 1000.0, 'f', 1));
}

QString rateText(double perSecond, const QString &unit)
{
    return AnalyticsPanel::tr("%1 %2/s").arg(QLocale().toString(perSecond, 'f', 1), unit);
}

// What the model counted over its replies: "25 in · 15 out"; "—" until a reply reported it.
QString modelTokensText(const core::SessionAnalytics &analytics)
{
    const QLocale locale;
    QStringList parts;
    if (analytics.inputTokens() >= 0)
        parts.append(AnalyticsPanel::tr("%1 in").arg(locale.toString(analytics.inputTokens())));
    if (analytics.outputTokens() >= 0)
        parts.append(AnalyticsPanel::tr("%1 out").arg(locale.toString(analytics.outputTokens())));
    return parts.isEmpty() ? AnalyticsPanel::tr("—") : parts.join(QStringLiteral(" · "));
}

// Why the replies stopped, as the source said it: "end_turn", "stop × 2, length".
QString stopReasonsText(const core::SessionAnalytics &analytics)
{
    QStringList parts;
    for (const auto &[reason, replies] : analytics.stopReasons())
        parts.append(replies > 1 ? AnalyticsPanel::tr("%1 × %2").arg(reason).arg(replies) : reason);
    return parts.isEmpty() ? AnalyticsPanel::tr("—") : parts.join(QStringLiteral(", "));
}

} // namespace

AnalyticsPanel::AnalyticsPanel(QWidget *parent)
    : QWidget(parent)
    , m_chart(new ThroughputChart(this))
    , m_refreshTimer(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    m_form = new QFormLayout;
    m_form->setLabelAlignment(Qt::AlignRight);
    layout->addLayout(m_form);
    layout->addWidget(m_chart);
    layout->addStretch(1);
    addField(QStringLiteral("timeToFirstEvent"), tr("Time to first event"));
    addField(QStringLiteral("timeToFirstCode"), tr("Time to first code"));
    addField(QStringLiteral("duration"), tr("Duration"));
    addField(QStringLiteral("events"), tr("Events"));
    addField(QStringLiteral("bytes"), tr("Received"));
    addField(QStringLiteral("codeChars"), tr("Code characters"));
    addField(QStringLiteral("tokens"), tr("Tokens (deltas)"));
    addField(QStringLiteral("charsPerSecond"), tr("Average code speed"));
    addField(QStringLiteral("tokensPerSecond"), tr("Average token rate"));
    addField(QStringLiteral("modelTokens"), tr("Model tokens"));
    addField(QStringLiteral("stopReasons"), tr("Stop reasons"));
    addField(QStringLiteral("reconnects"), tr("Reconnects"));
    addField(QStringLiteral("resyncs"), tr("Gaps re-synced"));
    m_refreshTimer->setInterval(kRefreshMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &AnalyticsPanel::refresh);
    refresh();
}

void AnalyticsPanel::addField(const QString &key, const QString &title)
{
    auto *value = new QLabel(this);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setAccessibleName(title);
    m_form->addRow(title + QLatin1Char(':'), value);
    m_fields.insert(key, value);
}

void AnalyticsPanel::setField(const QString &key, const QString &text)
{
    m_fields.value(key)->setText(text);
}

QString AnalyticsPanel::fieldText(const QString &key) const
{
    const QLabel *label = m_fields.value(key);
    return label ? label->text() : QString();
}

void AnalyticsPanel::setAnalytics(const core::SessionAnalytics *analytics)
{
    m_analytics = analytics;
    m_chart->setAnalytics(analytics);
    refresh();
}

void AnalyticsPanel::setClient(const core::SessionClient *client)
{
    m_client = client;
    refresh();
}

void AnalyticsPanel::refresh()
{
    const QLocale locale;
    const QString unknown = tr("—");
    if (!m_analytics) {
        for (QLabel *label : std::as_const(m_fields))
            label->setText(unknown);
    } else {
        setField(QStringLiteral("timeToFirstEvent"), msText(m_analytics->timeToFirstEventMs()));
        setField(QStringLiteral("timeToFirstCode"), msText(m_analytics->timeToFirstCodeMs()));
        setField(QStringLiteral("duration"), msText(m_analytics->durationMs()));
        setField(QStringLiteral("events"), locale.toString(m_analytics->events()));
        setField(QStringLiteral("bytes"), locale.formattedDataSize(m_analytics->bytes()));
        setField(QStringLiteral("codeChars"), locale.toString(m_analytics->codeChars()));
        setField(QStringLiteral("tokens"), locale.toString(m_analytics->tokens()));
        setField(QStringLiteral("charsPerSecond"),
                 rateText(m_analytics->codeCharsPerSecond(), tr("chars")));
        setField(QStringLiteral("tokensPerSecond"),
                 rateText(m_analytics->tokensPerSecond(), tr("tokens")));
        setField(QStringLiteral("modelTokens"), modelTokensText(*m_analytics));
        setField(QStringLiteral("stopReasons"), stopReasonsText(*m_analytics));
    }
    setField(QStringLiteral("reconnects"),
             m_client ? locale.toString(m_client->reconnects()) : unknown);
    setField(QStringLiteral("resyncs"), m_client ? locale.toString(m_client->resyncs()) : unknown);
    m_chart->update();
}

void AnalyticsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_refreshTimer->start();
}

void AnalyticsPanel::hideEvent(QHideEvent *event)
{
    m_refreshTimer->stop();
    QWidget::hideEvent(event);
}

} // namespace inkstream::ui
