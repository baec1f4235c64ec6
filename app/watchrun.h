#pragma once

#include "app/terminationsignals.h"
#include "app/watchoptions.h"
#include "core/client/filenameclaims.h"
#include "core/client/outputdirectory.h"
#include "core/client/sessionclient.h"
#include "core/client/viewerstate.h"
#include "core/client/writebudget.h"
#include "core/model/recordingwriter.h"
#include "core/model/sessionanalytics.h"
#include "core/model/sessionmodel.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <memory>

namespace inkstream::app {

// One run of `watch`: follows the session, writes completed files, ends on the --until
// condition, the timeout, a limit, or a connection that failed for good. The timeout is a
// deadline for the whole run: it is checked with every event and before every write, not only
// by a timer that a busy event loop would run late, and nothing is written after it.
class WatchRun final
{
public:
    explicit WatchRun(const WatchOptions &options);

    int exec();

private:
    bool restoreState();
    void finish(const QString &status);
    // finish(), and the stream closes at once: nothing more of it is handled.
    void stop(const QString &status);
    void onDeadline();
    void stopAtLimit(const QString &message);
    void showProgress();
    void addError(const QString &message);
    // addError(), and on stderr: what watch itself refused or gave up on.
    void report(const QString &message);
    void onFileStateChanged(int index);
    void onModelReset();
    void checkSessionState();
    void writeFile(int index);
    bool acceptName(const QString &name);
    void refuseName(const QString &name, const QString &message);
    QJsonObject summary() const;
    bool writeSummary();

    WatchOptions m_options;
    core::SessionModel m_model;
    core::SessionClient m_client;
    core::RecordingWriter m_recorder;
    core::SessionAnalytics m_analytics;
    QElapsedTimer m_clock; // since the connection was asked for
    std::unique_ptr<core::OutputDirectory> m_output;
    std::unique_ptr<core::ViewerState> m_state; // --state
    quint64 m_resumedFrom = 0; // the last sequence the state file held
    bool m_connecting = false; // the client was pointed at the session
    TerminationSignals m_signals;
    QEventLoop m_loop;
    QTimer m_idleTimer;
    QTimer m_timeoutTimer;
    QTimer m_progressTimer; // the status line on a terminal
    QString m_status;
    QStringList m_errors;
    quint64 m_errorCount = 0;
    QSet<QString> m_refusedNames;
    core::FileNameClaims m_names; // the session's files, each a different file on disk
    core::WriteBudget m_budget; // --max-output and the --timeout deadline
    bool m_deadlineReported = false;
    QHash<QString, QByteArray> m_written; // name -> sha256 of the bytes last written
    quint64 m_corrections = 0; // `complete` events whose full content differed from the deltas
};

} // namespace inkstream::app
