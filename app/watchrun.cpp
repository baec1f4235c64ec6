#include "app/watchrun.h"

#include "app/commandline.h"
#include "app/terminalstatusline.h"
#include "app/terminationsignals.h"
#include "core/client/chatconversation.h"
#include "core/client/filenameclaims.h"
#include "core/client/outputdirectory.h"
#include "core/client/sessionclient.h"
#include "core/client/sseclient.h"
#include "core/client/viewerstate.h"
#include "core/client/writebudget.h"
#include "core/model/recordingwriter.h"
#include "core/model/sessionanalytics.h"
#include "core/model/sessionmodel.h"
#include "core/protocol/dialectdecoder.h"

#include <QCommandLineParser>
#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QTextStream>
#include <QTimer>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>

namespace inkstream::app {

namespace {

using core::ConnectionState;
using core::FileState;
using core::OutputDirectory;
using core::SessionClient;
using core::SessionModel;
using core::SessionState;

constexpr int kExitOk = CommandLine::Ok;
constexpr int kExitError = CommandLine::Error;
constexpr int kExitUsage = CommandLine::Usage;
constexpr int kExitTimeout = CommandLine::Timeout;
constexpr int kExitInterrupted = CommandLine::Interrupted;
constexpr int kExitLimit = CommandLine::Limit;
constexpr qsizetype kMaxErrors = 1000;

} // namespace

WatchRun::WatchRun(const WatchOptions &options)
    : m_options(options)
    , m_client(&m_model)
{
    if (!options.outputDir.isEmpty())
        m_output = std::make_unique<OutputDirectory>(options.outputDir);
}

int WatchRun::exec()
{
    if (!m_options.statePath.isEmpty()) {
        // A state that cannot be resumed is refused before anything else happens: starting
        // over from nothing would overwrite it.
        m_state = std::make_unique<core::ViewerState>(m_options.statePath);
        QString error;
        if (!m_state->load(m_options.url, &error)) {
            QTextStream(stderr) << "inkstream watch: --state " << error << '\n';
            return kExitUsage;
        }
        if (m_state->hasState()) {
            const core::Dialect saved = m_state->dialect();
            const bool resumable = saved == core::Dialect::Native || saved == core::Dialect::Auto;
            if (!resumable) {
                QTextStream(stderr)
                    << "inkstream watch: --state " << m_options.statePath << ": it follows a "
                    << core::DialectDecoder::dialectText(saved)
                    << " stream, which cannot be resumed (only native sessions number their "
                       "events); remove it to start over\n";
                return kExitUsage;
            }
            if (m_options.dialect != core::Dialect::Auto && m_options.dialect != saved
                && saved != core::Dialect::Auto) {
                QTextStream(stderr)
                    << "inkstream watch: --state " << m_options.statePath
                    << ": it was written following " << core::DialectDecoder::dialectText(saved)
                    << ", not " << core::DialectDecoder::dialectText(m_options.dialect) << '\n';
                return kExitUsage;
            }
            if (saved == core::Dialect::Native)
                m_options.dialect = core::Dialect::Native;
        }
    }

    if (m_output) {
        QString error;
        if (!m_output->open(&error)) {
            addError(error);
            m_status = QStringLiteral("error");
            writeSummary();
            return kExitError;
        }
    }

    QObject::connect(&m_model, &SessionModel::fileStateChanged, &m_loop,
                     [this](int index) { onFileStateChanged(index); });
    QObject::connect(&m_model, &SessionModel::fileAdded, &m_loop,
                     [this](int index) { acceptName(m_model.files().at(index).name); });
    QObject::connect(&m_model, &SessionModel::modelReset, &m_loop, [this] { onModelReset(); });
    QObject::connect(&m_model, &SessionModel::contentCorrected, &m_loop,
                     [this] { ++m_corrections; });
    QObject::connect(&m_model, &SessionModel::sessionStateChanged, &m_loop,
                     [this](SessionState) { checkSessionState(); });
    QObject::connect(&m_client, &SessionClient::errorOccurred, &m_loop,
                     [this](const QString &message) { report(message); });
    QObject::connect(&m_client, &SessionClient::dialectDetected, &m_loop,
                     [this](core::Dialect dialect, const QString &reason) {
                         if (m_options.quiet)
                             return;
                         TerminalStatusLine::clear();
                         QTextStream(stderr) << "inkstream watch: dialect "
                                             << core::DialectDecoder::dialectText(dialect) << " ("
                                             << reason << ")\n";
                     });
    QObject::connect(&m_client, &SessionClient::eventReceived, &m_loop,
                     [this](const core::Event &event, qsizetype wireBytes) {
                         // A flood keeps the event loop busy: the timer alone would run late.
                         if (m_budget.isPastDeadline()) {
                             onDeadline();
                             return;
                         }
                         m_analytics.recordEvent(event, wireBytes, m_clock.elapsed());
                         if (m_options.idleAfter)
                             m_idleTimer.start(*m_options.idleAfter);
                     });
    QObject::connect(&m_client, &SessionClient::stateChanged, &m_loop,
                     [this](ConnectionState state) {
                         if (!m_status.isEmpty())
                             return;
                         if (state == ConnectionState::Error) {
                             report(m_client.errorString());
                             finish(QStringLiteral("error"));
                         } else if (state == ConnectionState::Disconnected) {
                             // Only the server closes it while we watch (HTTP 204).
                             addError(m_client.errorString().isEmpty() ? QStringLiteral(
                                          "the connection was closed before the session completed")
                                                                       : m_client.errorString());
                             finish(QStringLiteral("error"));
                         }
                     });

    m_idleTimer.setSingleShot(true);
    QObject::connect(&m_idleTimer, &QTimer::timeout, &m_loop,
                     [this] { finish(QStringLiteral("idle")); });
    m_timeoutTimer.setSingleShot(true);
    m_timeoutTimer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&m_timeoutTimer, &QTimer::timeout, &m_loop, [this] { onDeadline(); });

    core::ReconnectPolicy policy;
    policy.maxAttempts = m_options.maxAttempts;
    policy.jitter = core::ReconnectPolicy::Jitter::Full;
    policy.maxDelay = m_options.backoffCap;
    if (m_options.backoffBase) {
        policy.baseDelay = *m_options.backoffBase;
        policy.serverRetryIsBase = false;
    }
    m_client.setReconnectPolicy(policy);
    m_client.setHeartbeatTimeout(m_options.heartbeatTimeout);
    m_client.setMaxEventSize(m_options.maxEventSize);
    m_client.setTransportMode(m_options.transport);
    m_client.setPollInterval(m_options.pollInterval);
    m_client.setDialect(m_options.dialect);
    m_client.setRequest(m_options.request);
    if (m_options.idleAfter)
        m_idleTimer.start(*m_options.idleAfter);
    m_budget.setMaxBytes(m_options.maxOutput);
    if (m_options.timeout) {
        m_budget.setDeadline(m_options.deadline);
        m_timeoutTimer.start(std::chrono::ceil<std::chrono::milliseconds>(
            m_options.deadline.remainingTimeAsDuration()));
    }
    if (!m_options.recordPath.isEmpty()) {
        QString error;
        if (!m_recorder.open(m_options.recordPath, m_options.url,
                             core::DialectDecoder::dialectText(m_options.dialect), &error)) {
            addError(error);
            finish(QStringLiteral("error"));
        }
        QObject::connect(&m_client, &SessionClient::eventReceived, &m_loop,
                         [this](const core::Event &event) { m_recorder.write(event); });
    }
    // SIGINT/SIGTERM end the run like --until does: files, state and summary are written.
    if (m_signals.install()) {
        QObject::connect(
            &m_signals, &TerminationSignals::received, &m_loop, [this](int signalNumber) {
                QTextStream(stderr) << "inkstream watch: interrupted by "
                                    << TerminationSignals::signalName(signalNumber) << '\n';
                finish(QStringLiteral("interrupted"));
            });
    } else {
        QTextStream(stderr)
            << "inkstream watch: cannot install signal handlers; SIGINT/SIGTERM stop it "
               "without a summary\n";
    }
    m_clock.start();
    if (m_state && m_status.isEmpty()) {
        if (!restoreState())
            return kExitUsage;
    }
    if (m_status.isEmpty()) {
        m_connecting = true;
        if (m_state && m_state->hasState())
            m_client.resumeFrom(m_options.url, m_state->lastSequence(), m_state->epoch());
        else
            m_client.connectTo(m_options.url);
    }
    if (!m_options.quiet && TerminalStatusLine::isAvailable()) {
        QObject::connect(&m_progressTimer, &QTimer::timeout, &m_loop, [this] { showProgress(); });
        m_progressTimer.start(250);
    }
    if (m_status.isEmpty())
        m_loop.exec();

    m_progressTimer.stop();
    TerminalStatusLine::clear();
    m_idleTimer.stop();
    m_timeoutTimer.stop();
    m_client.disconnectFromSession();
    // Files still being written (or failed) are kept as far as they arrived; the summary has
    // their state.
    for (int i = 0; i < m_model.files().size(); ++i)
        writeFile(i);
    bool stateSaved = true;
    if (m_state && m_connecting) {
        QString error;
        stateSaved = m_state->save(&error);
        if (!stateSaved)
            addError(error);
    }

    const bool summaryWritten = writeSummary();
    if (m_status == u"complete" || m_status == u"idle")
        return summaryWritten && stateSaved ? kExitOk : kExitError;
    if (m_status == u"interrupted")
        return kExitInterrupted;
    if (m_status == u"limit")
        return kExitLimit;
    return m_status == u"timeout" ? kExitTimeout : kExitError;
}

// Loads --state into the model and writes the files it holds; from then on the state file
// follows the client. False (reported) when the saved model is malformed.
bool WatchRun::restoreState()
{
    m_state->track(&m_client);
    QObject::connect(m_state.get(), &core::ViewerState::saveFailed, &m_loop,
                     [this](const QString &message) {
                         if (m_errors.isEmpty() || m_errors.constLast() != message)
                             addError(message);
                     });
    if (!m_state->hasState())
        return true;
    QString error;
    if (!m_state->restoreInto(&m_model, &error)) {
        QTextStream(stderr) << "inkstream watch: --state " << error << '\n';
        return false;
    }
    m_resumedFrom = m_state->lastSequence();
    for (int i = 0; i < m_model.files().size(); ++i) {
        if (acceptName(m_model.files().at(i).name))
            writeFile(i);
    }
    QTextStream(stderr) << "inkstream watch: resuming after sequence " << m_resumedFrom << " ("
                        << m_model.files().size() << " files from " << m_options.statePath << ")\n";
    return true;
}

void WatchRun::finish(const QString &status)
{
    if (!m_status.isEmpty())
        return;
    m_status = status;
    m_loop.quit();
}

void WatchRun::stop(const QString &status)
{
    if (!m_status.isEmpty())
        return;
    finish(status);
    m_client.disconnectFromSession();
}

// The --timeout deadline passed: the run ends now, and nothing more is written. Past it while
// the last files were being written, a run that had completed becomes a timeout too: what it
// wrote is not all there is.
void WatchRun::onDeadline()
{
    if (m_deadlineReported)
        return;
    m_deadlineReported = true;
    const double seconds = double(m_options.timeout->count()) / 1000;
    if (m_status.isEmpty()) {
        report(QStringLiteral("timed out after %1 s (--timeout)").arg(seconds));
        stop(QStringLiteral("timeout"));
        return;
    }
    report(QStringLiteral("the --timeout deadline (%1 s) passed while the files were written; "
                          "those not written are listed as incomplete")
               .arg(seconds));
    if (m_status == u"complete" || m_status == u"idle")
        m_status = QStringLiteral("timeout");
}

void WatchRun::stopAtLimit(const QString &message)
{
    if (!m_status.isEmpty())
        return;
    report(message);
    stop(QStringLiteral("limit"));
}

// "watch: live · 1,204 events · 3 of 5 files · 45.2 KB · 12 s", rewritten in place.
void WatchRun::showProgress()
{
    qsizetype complete = 0;
    for (const core::SessionFile &file : m_model.files())
        complete += file.state == core::FileState::Complete ? 1 : 0;
    const QLocale locale;
    TerminalStatusLine::show(
        QStringLiteral("watch: %1 · %2 events · %3 of %4 files · %5 · %6 s")
            .arg(core::connectionStateText(m_client.state()).toLower(),
                 locale.toString(m_analytics.events()), locale.toString(complete),
                 locale.toString(m_model.files().size()),
                 locale.formattedDataSize(m_analytics.bytes(), 1, QLocale::DataSizeSIFormat),
                 locale.toString(m_clock.elapsed() / 1000)));
}

void WatchRun::addError(const QString &message)
{
    ++m_errorCount;
    if (m_errors.size() < kMaxErrors)
        m_errors.append(message);
}

void WatchRun::report(const QString &message)
{
    if (m_errors.size() < kMaxErrors) {
        TerminalStatusLine::clear();
        QTextStream(stderr) << "inkstream watch: " << message << '\n';
    }
    addError(message);
}

void WatchRun::onFileStateChanged(int index)
{
    const core::SessionFile &file = m_model.files().at(index);
    if (file.state == FileState::Complete)
        writeFile(index);
    else if (file.state == FileState::Error) // the user sees why, not only that it failed
        report(QStringLiteral("%1: %2").arg(OutputDirectory::printableName(file.name), file.error));
}

void WatchRun::onModelReset()
{
    // A snapshot replaced everything: write what it holds complete, then see if it is over.
    for (int i = 0; i < m_model.files().size(); ++i) {
        if (acceptName(m_model.files().at(i).name)
            && m_model.files().at(i).state == FileState::Complete)
            writeFile(i);
    }
    checkSessionState();
}

void WatchRun::checkSessionState()
{
    if (m_model.state() == SessionState::Complete) {
        finish(QStringLiteral("complete"));
    } else if (m_model.state() == SessionState::Error && m_status.isEmpty()) {
        addError(QStringLiteral("the session failed: %1").arg(m_model.sessionError()));
        finish(QStringLiteral("error"));
    }
}

// False (and the error reported once) for a name that must never be written: unsafe, the
// same file on disk as a name that came before, or one past --max-files (which ends the run).
// The same with or without --output, so that the summary does not depend on it.
bool WatchRun::acceptName(const QString &name)
{
    if (m_names.contains(name))
        return true;
    if (m_refusedNames.contains(name))
        return false;
    // Every name counts, refused or not: a stream of names must not grow the model without end.
    if (m_names.size() + m_refusedNames.size() >= m_options.maxFiles) {
        m_refusedNames.insert(name);
        stopAtLimit(QStringLiteral("the session names more than %1 files (--max-files %1); "
                                   "\"%2\" and what follows are not written")
                        .arg(m_options.maxFiles)
                        .arg(OutputDirectory::printableName(name)));
        return false;
    }
    QString error;
    if (!OutputDirectory::isSafeRelativeName(name, &error)) {
        refuseName(name,
                   QStringLiteral("refused file name \"%1\": %2")
                       .arg(OutputDirectory::printableName(name), error));
        return false;
    }
    if (!m_names.claim(name, &error)) {
        refuseName(name, error);
        return false;
    }
    return true;
}

void WatchRun::refuseName(const QString &name, const QString &message)
{
    m_refusedNames.insert(name);
    report(message);
}

void WatchRun::writeFile(int index)
{
    const core::SessionFile &file = m_model.files().at(index);
    if (!m_output || !acceptName(file.name))
        return;
    if (m_budget.check(0) == core::WriteBudget::Verdict::OutOfTime) {
        onDeadline();
        return;
    }
    const QByteArray bytes = file.content.toUtf8();
    const QByteArray digest = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
    const auto written = m_written.constFind(file.name);
    if (written != m_written.cend() && *written == digest)
        return;
    switch (m_budget.check(bytes.size())) {
    case core::WriteBudget::Verdict::Fits:
        break;
    case core::WriteBudget::Verdict::OutOfTime:
        onDeadline();
        return;
    case core::WriteBudget::Verdict::OverBytes:
        stopAtLimit(QStringLiteral("writing \"%1\" (%2 bytes) would pass --max-output %3 (%4 "
                                   "bytes written); it and what follows are not written")
                        .arg(OutputDirectory::printableName(file.name))
                        .arg(bytes.size())
                        .arg(m_options.maxOutput)
                        .arg(m_budget.bytesWritten()));
        return;
    }
    QElapsedTimer took;
    took.start();
    QString error;
    const bool ok = m_output->write(file.name, bytes, &error);
    m_budget.recordWrite(ok ? bytes.size() : 0, std::chrono::nanoseconds(took.nsecsElapsed()));
    if (ok) {
        m_written.insert(file.name, digest);
    } else {
        m_refusedNames.insert(file.name); // report once, never retry a refused or failing path
        report(error);
    }
}

QJsonObject WatchRun::summary() const
{
    QJsonArray files;
    for (const core::SessionFile &file : m_model.files()) {
        if (m_refusedNames.contains(file.name) || !m_names.contains(file.name))
            continue;
        const QByteArray bytes = file.content.toUtf8();
        const QByteArray digest = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
        // Not on disk as listed: the deadline or a limit came first.
        const bool incomplete = m_output && m_written.value(file.name) != digest;
        QJsonObject entry {
            {QStringLiteral("name"), file.name},
            {QStringLiteral("sha256"), QString::fromLatin1(digest.toHex())},
            {QStringLiteral("bytes"), qint64(bytes.size())},
            {QStringLiteral("state"),
             incomplete ? QStringLiteral("incomplete") : SessionModel::fileStateText(file.state)}};
        if (file.state == FileState::Error)
            entry.insert(QStringLiteral("error"), file.error); // the source's reason
        files.append(entry);
    }
    QJsonArray chat;
    for (const core::ChatMessage &message : m_model.chat())
        chat.append(QJsonObject {{QStringLiteral("role"), core::chatRoleText(message.role)},
                                 {QStringLiteral("text"), message.text}});
    QJsonArray steps; // as the tracker shows them: the source's own, else the four
    for (const core::SourceStep &step : m_model.sourceSteps())
        steps.append(
            QJsonObject {{QStringLiteral("name"), step.name},
                         {QStringLiteral("state"), SessionModel::stepStateText(step.state)}});
    for (int i = 0; m_model.sourceSteps().isEmpty() && i < core::StepCount; ++i)
        steps.append(QJsonObject {
            {QStringLiteral("name"), core::stepNameText(core::StepName(i))},
            {QStringLiteral("state"), SessionModel::stepStateText(m_model.steps().at(i).state)}});
    QStringList errors = m_errors;
    if (m_errorCount > quint64(m_errors.size()))
        errors.append(QStringLiteral("... and %1 more errors").arg(m_errorCount - m_errors.size()));
    QJsonObject result {
        {QStringLiteral("status"), m_status},
        {QStringLiteral("files"), files},
        {QStringLiteral("chat"), chat},
        {QStringLiteral("steps"), steps},
        {QStringLiteral("progress"), m_model.progress()},
        {QStringLiteral("events"), qint64(m_client.eventsReceived())},
        {QStringLiteral("reconnects"), m_client.reconnects()},
        {QStringLiteral("duplicatesDropped"), qint64(m_client.duplicatesDropped())},
        {QStringLiteral("replayedFramesSkipped"), qint64(m_client.replayedFramesSkipped())},
        {QStringLiteral("resyncs"), m_client.resyncs()},
        {QStringLiteral("resumedFrom"), qint64(m_resumedFrom)},
        {QStringLiteral("resyncBytes"), m_client.resyncBytes()},
        {QStringLiteral("transport"), core::Transport::kindText(m_client.activeTransport())},
        {QStringLiteral("corrections"), qint64(m_corrections)},
        {QStringLiteral("bytesWritten"), m_budget.bytesWritten()},
        {QStringLiteral("dialect"), core::DialectDecoder::dialectText(m_client.activeDialect())},
        {QStringLiteral("dialectReason"), m_client.dialectReason()},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(m_client.warnings())},
        {QStringLiteral("errors"), QJsonArray::fromStringList(errors)}};
    // Time to first event and code, duration, bytes, rates and throughput over time.
    const QJsonObject analytics = m_analytics.toJson();
    for (auto it = analytics.constBegin(); it != analytics.constEnd(); ++it)
        result.insert(it.key(), it.value());
    return result;
}

bool WatchRun::writeSummary()
{
    const QByteArray json = QJsonDocument(summary()).toJson(QJsonDocument::Indented);
    if (m_options.summaryPath.isEmpty())
        return true;
    QFile file;
    const bool toStdout = m_options.summaryPath == u"-";
    if (toStdout)
        file.open(stdout, QIODevice::WriteOnly);
    else
        file.setFileName(m_options.summaryPath);
    if ((!toStdout && !file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        || file.write(json) != json.size() || !file.flush()) {
        QTextStream(stderr) << "inkstream watch: cannot write the summary to "
                            << m_options.summaryPath << ": " << file.errorString() << '\n';
        return false;
    }
    return true;
}

} // namespace inkstream::app
