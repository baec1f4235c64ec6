#include "ui/analyticsdock.h"

#include "core/client/sessionclient.h"
#include "core/model/replaycontroller.h"
#include "ui/analyticspanel.h"
#include "ui/replaybar.h"
#include "ui/throughputchart.h"

namespace inkstream::ui {

AnalyticsDock::AnalyticsDock(core::SessionClient *client, QWidget *parent)
    : QDockWidget(tr("Session Analytics"), parent)
    , m_client(client)
{
    setObjectName(QStringLiteral("sessionAnalytics"));
    // The clock starts when a connection is asked for, so time to first event includes it.
    connect(m_client, &core::SessionClient::stateChanged, this,
            [this](core::ConnectionState state) {
                if (state == core::ConnectionState::Connecting && !m_sessionClock.isValid())
                    m_sessionClock.start();
            });
    connect(m_client, &core::SessionClient::eventReceived, this, &AnalyticsDock::record);
    // Each session counts for itself: its analytics and clock start with it.
    connect(m_client, &core::SessionClient::sessionOpened, this, [this] {
        m_analytics.clear();
        m_sessionClock.invalidate();
    });
}

void AnalyticsDock::setVisible(bool visible)
{
    if (visible)
        buildPanel(); // asked for (the View action, restored state, a test) even while hidden
    QDockWidget::setVisible(visible);
}

void AnalyticsDock::showReplay(core::ReplayController *replay, ReplayBar *bar)
{
    m_replay = replay;
    m_replayBar = bar;
    if (m_panel)
        configurePanel();
}

void AnalyticsDock::record(const core::Event &event, qsizetype wireBytes)
{
    if (m_replay)
        return;
    if (!m_sessionClock.isValid())
        m_sessionClock.start();
    m_analytics.recordEvent(event, wireBytes, m_sessionClock.elapsed());
}

void AnalyticsDock::buildPanel()
{
    if (m_panel)
        return;
    m_panel = new AnalyticsPanel(this);
    setWidget(m_panel);
    configurePanel();
}

void AnalyticsDock::configurePanel()
{
    if (!m_replay) {
        m_panel->setAnalytics(&m_analytics);
        m_panel->setClient(m_client);
        return;
    }
    m_panel->setAnalytics(&m_replay->analytics());
    m_panel->setClient(nullptr); // a recording does not know its reconnects
    ThroughputChart *chart = m_panel->chart();
    connect(m_replayBar, &ReplayBar::playheadMoved, chart,
            [chart](qint64 ms) { chart->setPlayhead(ms); });
    chart->setPlayhead(m_replay->timeMs());
    connect(chart, &ThroughputChart::timeClicked, m_replay, &core::ReplayController::seekToTime);
}

} // namespace inkstream::ui
