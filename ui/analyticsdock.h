#pragma once

#include "core/model/sessionanalytics.h"

#include <QDockWidget>
#include <QElapsedTimer>

namespace inkstream::core {
class ReplayController;
class SessionClient;
} // namespace inkstream::core

namespace inkstream::ui {

class AnalyticsPanel;
class ReplayBar;

// View > Session Analytics (Ctrl+Shift+A): the figures of the session being watched, counted
// from the client's events since the connection was asked for (each session for itself), or,
// for a replay, the recording's, with a chart that seeks where it is clicked. Its panel is
// built the first time the dock shows: nothing of it at start-up.
class AnalyticsDock final : public QDockWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AnalyticsDock)

public:
    AnalyticsDock(core::SessionClient *client, QWidget *parent = nullptr);

    // The figures of the session being watched (empty for a replay, which has its own).
    const core::SessionAnalytics &analytics() const { return m_analytics; }
    // Null until the dock first shows.
    AnalyticsPanel *panel() const { return m_panel; }
    // From here on the dock shows `replay`'s figures; its chart follows `bar`'s playhead.
    void showReplay(core::ReplayController *replay, ReplayBar *bar);

    void setVisible(bool visible) override;

private:
    void record(const core::Event &event, qsizetype wireBytes);
    void buildPanel();
    void configurePanel();

    core::SessionClient *m_client = nullptr;
    core::SessionAnalytics m_analytics;
    QElapsedTimer m_sessionClock; // since the connection was asked for
    core::ReplayController *m_replay = nullptr;
    ReplayBar *m_replayBar = nullptr;
    AnalyticsPanel *m_panel = nullptr;
};

} // namespace inkstream::ui
