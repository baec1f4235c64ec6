#include "app/watchcommand.h"

#include "app/commandline.h"
#include "app/connectoptions.h"
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

struct WatchOptions
{
    QUrl url;
    QString outputDir;
    std::optional<std::chrono::milliseconds> idleAfter; // --until idle:N; empty = complete
    std::optional<std::chrono::milliseconds> timeout;
    QDeadlineTimer deadline {QDeadlineTimer::Forever}; // --timeout, from when it was read
    qsizetype maxFiles = 10000; // files one session may name
    qint64 maxOutput = qint64(1) << 30; // bytes written under outputDir, rewrites included
    QString summaryPath; // "-" = stdout, empty = none
    int maxAttempts = 5;
    std::optional<std::chrono::milliseconds> backoffBase; // set: overrides the server's retry:
    std::chrono::milliseconds backoffCap {30000};
    std::chrono::milliseconds heartbeatTimeout {45000}; // 0 disables
    qsizetype maxEventSize = 1024 * 1024;
    SessionClient::TransportMode transport = SessionClient::TransportMode::Auto;
    std::chrono::milliseconds pollInterval {1000};
    QString recordPath; // --record FILE; empty = none
    QString statePath; // --state FILE; empty = none
    core::Dialect dialect = core::Dialect::Auto;
    QByteArray method = QByteArrayLiteral("GET");
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    bool quiet = false; // -q: no progress line
};

// BYTES as given on the command line, with an optional K, M or G (KiB, MiB, GiB); > 0.
std::optional<qint64> parseBytes(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^([0-9]{1,18})([KMG]?)(i?B)?$"),
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 number = match.captured(1).toLongLong();
    const QString unit = match.captured(2).toUpper();
    const int shift = unit == u"K" ? 10 : unit == u"M" ? 20 : unit == u"G" ? 30 : 0;
    if (number < 1 || number > (std::numeric_limits<qint64>::max() >> shift))
        return std::nullopt;
    return number << shift;
}

// Seconds as given on the command line to milliseconds; >= 0.
std::optional<std::chrono::milliseconds> parseSecondsOrZero(const QString &text)
{
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || !(seconds >= 0) || seconds > 31536000)
        return std::nullopt;
    return std::chrono::milliseconds(qint64(seconds * 1000 + 0.5));
}

// Seconds as given on the command line ("2", "0.5") to milliseconds; > 0.
std::optional<std::chrono::milliseconds> parseSeconds(const QString &text)
{
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || !(seconds > 0) || seconds > 31536000)
        return std::nullopt;
    return std::chrono::milliseconds(qint64(seconds * 1000 + 0.5));
}

// One run of `watch`: follows the session, writes completed files, ends on the --until
// condition, the timeout, a limit, or a connection that failed for good. The timeout is a
// deadline for the whole run: it is checked with every event and before every write, not only
// by a timer that a busy event loop would run late, and nothing is written after it.
class WatchRun final
{
public:
    explicit WatchRun(const WatchOptions &options)
        : m_options(options)
        , m_client(&m_model)
    {
        if (!options.outputDir.isEmpty())
            m_output = std::make_unique<OutputDirectory>(options.outputDir);
    }

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
    SessionModel m_model;
    SessionClient m_client;
    core::RecordingWriter m_recorder;
    core::SessionAnalytics m_analytics;
    QElapsedTimer m_clock; // since the connection was asked for
    std::unique_ptr<OutputDirectory> m_output;
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
    m_client.setRequest(m_options.method, m_options.body, m_options.headers);
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

} // namespace

int WatchCommand::run(const QStringList &arguments)
{
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Follows a session headless. Writes each received file under DIR when it completes\n"
        "(atomically, each fsync'd). Refused, with an error on stderr and in the summary, and\n"
        "never written: names that would lead outside DIR, with control or bidirectional\n"
        "control characters, a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, with or\n"
        "without extension) or a dot or space at the end of any segment, and a name that would\n"
        "be the same file on disk as one that came before (compared as UTF-8, where unpaired\n"
        "surrogates become U+FFFD, normalised and case-folded; the error names both).\n"
        "With --summary, a JSON summary: status (complete, idle, error, timeout, interrupted,\n"
        "limit), files (name, sha256, bytes, state: writing, complete, error, or\n"
        "incomplete when DIR does not hold it as listed because the deadline or a limit came\n"
        "first), bytesWritten (under DIR), chat, steps, progress, events,\n"
        "reconnects, duplicatesDropped, replayedFramesSkipped (frames an id-less stream sent\n"
        "again from its start after a reconnect), resyncs (re-syncs from the snapshot after a\n"
        "gap), resyncBytes (bytes of the snapshots those re-syncs read), resumedFrom (the last\n"
        "sequence --state held when the run started; 0: fresh),\n"
        "transport (the one in use: sse, ws or poll), dialect (the stream format followed, and\n"
        "dialectReason: why), warnings (what the dialect decoder did not understand),\n"
        "corrections (completed files whose full content differed from the deltas), errors;\n"
        "and analytics: timeToFirstEventMs and timeToFirstCodeMs (since the connection was\n"
        "asked for; null if none came), durationMs (first to last event), bytes (on the wire),\n"
        "codeChars, chatChars (code points), tokens (streamed deltas), charsPerSecond and\n"
        "tokensPerSecond (over the duration), throughput (per throughputBucketMs since the\n"
        "start: atMs, charsPerSecond, chatCharsPerSecond, tokensPerSecond, events, bytes),\n"
        "usage (what an LLM API reported per reply: replies, inputTokens and outputTokens,\n"
        "null when none reported them, and stopReasons: how many replies gave each).\n"
        "With --state FILE the viewer's state (files, chat, steps, last sequence) is kept in\n"
        "FILE while it runs, and a run started again with the same FILE resumes where it was.\n"
        "SIGINT/SIGTERM end the run with status interrupted (files, state, summary written).\n"
        "An unusable --state FILE is a usage error (2)."));
    CommandLine::addStandardOptions(&parser);
    parser.addPositionalArgument(QStringLiteral("watch"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(
        QStringLiteral("SESSION_URL"),
        QStringLiteral("http://HOST:PORT/api/sessions/ID (or its /stream), or any other SSE "
                       "stream URL as it is, e.g. an nchan subscriber URL (docs/relay.md)."));
    const QCommandLineOption outputOption(QStringLiteral("output"),
                                          QStringLiteral("Write the session's files under DIR."),
                                          QStringLiteral("DIR"));
    const QCommandLineOption untilOption(
        QStringLiteral("until"),
        QStringLiteral("When to stop: \"complete\" (the session completes; default) or "
                       "\"idle:SECONDS\" (no event for that long, or the session completes)."),
        QStringLiteral("CONDITION"), QStringLiteral("complete"));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"),
        QStringLiteral("A deadline for the whole run: stop after SECONDS (status timeout, exit 3), "
                       "even while a flood of events keeps it busy. Nothing is written after it; "
                       "files not on disk by then are listed as incomplete."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption maxFilesOption(
        QStringLiteral("max-files"),
        QStringLiteral("Stop (status limit, exit 5) when the session names more than N files; "
                       "the first N are kept (default 10000)."),
        QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption maxOutputOption(
        QStringLiteral("max-output"),
        QStringLiteral("Stop (status limit, exit 5) rather than write more than BYTES under DIR "
                       "in all, rewrites included; K, M or G for KiB, MiB, GiB (default 1G)."),
        QStringLiteral("BYTES"), QStringLiteral("1G"));
    const QCommandLineOption recordOption(
        QStringLiteral("record"),
        QStringLiteral("Record every event as it arrives to FILE (docs/recording.md); "
                       "`inkstream serve --replay FILE` shows it again."),
        QStringLiteral("FILE"));
    parser.addOption(recordOption);
    const QCommandLineOption stateOption(
        QStringLiteral("state"),
        QStringLiteral("Keep the viewer's state in FILE (written atomically, at most about once a "
                       "second while it changes, and at exit). Started again with the same FILE "
                       "and URL, watch writes the files it already has and resumes after the "
                       "last sequence it applied; a FILE of another URL or version, or not a "
                       "viewer state, is refused (exit 2)."),
        QStringLiteral("FILE"));
    parser.addOption(stateOption);
    const QCommandLineOption summaryOption(
        QStringLiteral("summary"),
        QStringLiteral("Write the JSON summary to FILE, or stdout with -."),
        QStringLiteral("FILE"));
    const QCommandLineOption attemptsOption(
        QStringLiteral("max-attempts"),
        QStringLiteral("Reconnection attempts in a row before giving up (exit 1); a connection "
                       "that delivers no event counts as failed; 0 = never (default 5)."),
        QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption backoffBaseOption(
        QStringLiteral("backoff-base"),
        QStringLiteral("First reconnection delay in SECONDS, doubled per failed attempt, with full "
                       "jitter (default: the server's retry: hint, else 1). No reconnection ever "
                       "comes sooner than 0.25 s, whatever this or the server says."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption backoffCapOption(
        QStringLiteral("backoff-cap"),
        QStringLiteral("Longest reconnection delay in SECONDS (default 30)."),
        QStringLiteral("SECONDS"), QStringLiteral("30"));
    const QCommandLineOption heartbeatOption(
        QStringLiteral("heartbeat-timeout"),
        QStringLiteral("No bytes for SECONDS means the connection is dead: reconnect; 0 disables "
                       "(default 45)."),
        QStringLiteral("SECONDS"), QStringLiteral("45"));
    const QCommandLineOption maxEventOption(
        QStringLiteral("max-event-size"),
        QStringLiteral(
            "Drop (with an error) any single event larger than BYTES (default 1048576)."),
        QStringLiteral("BYTES"), QStringLiteral("1048576"));
    const QCommandLineOption pollIntervalOption(
        QStringLiteral("poll-interval"),
        QStringLiteral("SECONDS between snapshot polls with the poll transport (default 1)."),
        QStringLiteral("SECONDS"), QStringLiteral("1"));
    const QCommandLineOption methodOption(
        QStringLiteral("method"),
        QStringLiteral("HTTP method that opens the stream (default GET; POST with --data). A "
                       "non-GET stream is sent once and its end completes the session."),
        QStringLiteral("METHOD"));
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QStringLiteral("Request body (JSON) to send."),
                                        QStringLiteral("JSON"));
    const QCommandLineOption headerOption(QStringLiteral("header"),
                                          QStringLiteral("Request header \"Name: value\" "
                                                         "(repeatable)."),
                                          QStringLiteral("HEADER"));
    parser.addOptions({outputOption, untilOption, timeoutOption, maxFilesOption, maxOutputOption,
                       summaryOption, attemptsOption, backoffBaseOption, backoffCapOption,
                       heartbeatOption, maxEventOption, pollIntervalOption, methodOption,
                       dataOption, headerOption});
    ConnectOptions connectOptions;
    connectOptions.addTo(&parser);
    const CommandLine commandLine(QStringLiteral("watch"));
    if (const auto status = commandLine.parse(&parser, arguments))
        return *status;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        err << "inkstream watch: expected exactly one SESSION_URL\n" << parser.helpText();
        return kExitUsage;
    }

    WatchOptions options;
    options.quiet = commandLine.isQuiet();
    options.url = QUrl(positional.at(1), QUrl::StrictMode);
    const QString scheme = options.url.scheme();
    if (!options.url.isValid() || (scheme != u"http" && scheme != u"https")
        || options.url.host().isEmpty()) {
        err << "inkstream watch: not an http(s) URL: " << positional.at(1) << '\n';
        return kExitUsage;
    }
    options.outputDir = parser.value(outputOption);
    const QString until = parser.value(untilOption);
    if (until.startsWith(QStringLiteral("idle:"))) {
        options.idleAfter = parseSeconds(until.mid(5));
        if (!options.idleAfter) {
            err << "inkstream watch: --until idle:SECONDS needs a positive number of seconds\n";
            return kExitUsage;
        }
    } else if (until != u"complete") {
        err << "inkstream watch: --until takes \"complete\" or \"idle:SECONDS\", not \"" << until
            << "\"\n";
        return kExitUsage;
    }
    if (parser.isSet(timeoutOption)) {
        options.timeout = parseSeconds(parser.value(timeoutOption));
        if (!options.timeout) {
            err << "inkstream watch: --timeout needs a positive number of seconds\n";
            return kExitUsage;
        }
        // The whole run: loading --state and opening DIR count too.
        options.deadline = QDeadlineTimer(*options.timeout, Qt::PreciseTimer);
    }
    bool filesOk = false;
    options.maxFiles = parser.value(maxFilesOption).toLongLong(&filesOk);
    if (!filesOk || options.maxFiles < 1) {
        err << "inkstream watch: --max-files needs a positive number of files\n";
        return kExitUsage;
    }
    const auto maxOutput = parseBytes(parser.value(maxOutputOption));
    if (!maxOutput) {
        err << "inkstream watch: --max-output needs a positive number of bytes (K, M or G "
               "allowed), not \""
            << parser.value(maxOutputOption) << "\"\n";
        return kExitUsage;
    }
    options.maxOutput = *maxOutput;
    options.summaryPath = parser.value(summaryOption);
    options.recordPath = parser.value(recordOption);
    options.statePath = parser.value(stateOption);
    bool attemptsOk = false;
    options.maxAttempts = parser.value(attemptsOption).toInt(&attemptsOk);
    if (!attemptsOk || options.maxAttempts < 0) {
        err << "inkstream watch: --max-attempts needs a number >= 0\n";
        return kExitUsage;
    }

    if (parser.isSet(backoffBaseOption)) {
        options.backoffBase = parseSecondsOrZero(parser.value(backoffBaseOption));
        if (!options.backoffBase) {
            err << "inkstream watch: --backoff-base needs a number of seconds >= 0\n";
            return kExitUsage;
        }
    }
    const auto cap = parseSecondsOrZero(parser.value(backoffCapOption));
    if (!cap) {
        err << "inkstream watch: --backoff-cap needs a number of seconds >= 0\n";
        return kExitUsage;
    }
    options.backoffCap = *cap;
    const auto heartbeat = parseSecondsOrZero(parser.value(heartbeatOption));
    if (!heartbeat) {
        err << "inkstream watch: --heartbeat-timeout needs a number of seconds >= 0\n";
        return kExitUsage;
    }
    options.heartbeatTimeout = *heartbeat;
    bool sizeOk = false;
    options.maxEventSize = parser.value(maxEventOption).toLongLong(&sizeOk);
    if (!sizeOk || options.maxEventSize < 1) {
        err << "inkstream watch: --max-event-size needs a positive number of bytes\n";
        return kExitUsage;
    }

    if (QString error; !connectOptions.read(parser, &error)) {
        err << "inkstream watch: " << error << '\n';
        return kExitUsage;
    }
    options.transport = connectOptions.transport();
    options.dialect = connectOptions.dialect();
    const auto pollInterval = parseSeconds(parser.value(pollIntervalOption));
    if (!pollInterval) {
        err << "inkstream watch: --poll-interval needs a positive number of seconds\n";
        return kExitUsage;
    }
    options.pollInterval = *pollInterval;

    for (const QString &header : parser.values(headerOption)) {
        const qsizetype colon = header.indexOf(u':');
        const QString name = colon > 0 ? header.left(colon).trimmed() : QString();
        static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
        if (name.isEmpty() || !token.match(name).hasMatch() || header.contains(u'\n')
            || header.contains(u'\r')) {
            err << "inkstream watch: --header needs \"Name: value\", not \"" << header << "\"\n";
            return kExitUsage;
        }
        options.headers.append({name.toLatin1(), header.mid(colon + 1).trimmed().toUtf8()});
    }
    options.body = parser.value(dataOption).toUtf8();
    const QString prompt = connectOptions.prompt();
    const bool chatApi = core::ChatRequest::needsModel(options.dialect);
    const core::ChatRequest::Options request = connectOptions.requestOptions();
    const QString dialectName = core::DialectDecoder::dialectText(options.dialect);
    if (chatApi) {
        if (prompt.isEmpty() && options.body.isEmpty()) {
            err << "inkstream watch: --dialect " << dialectName
                << " needs --prompt TEXT (or a request body in --data)\n";
            return kExitUsage;
        }
        options.url = core::ChatRequest::url(options.dialect, options.url);
        if (options.body.isEmpty()) {
            if (!connectOptions.isModelSet()) {
                err << "inkstream watch: --dialect " << dialectName << " needs --model NAME\n";
                return kExitUsage;
            }
            options.body = core::ChatRequest::body(
                options.dialect, options.url, request,
                QJsonArray {QJsonObject {{QStringLiteral("role"), QStringLiteral("user")},
                                         {QStringLiteral("content"), prompt}}},
                QString());
        }
        for (const auto &header : core::ChatRequest::headers(options.dialect, request)) {
            if (header.first != "Content-Type")
                options.headers.append(header);
        }
    } else if (!prompt.isEmpty()) {
        if (!options.body.isEmpty()) {
            err << "inkstream watch: --prompt and --data exclude each other here\n";
            return kExitUsage;
        }
        options.body = core::ChatRequest::body(
            options.dialect == core::Dialect::AiSdk ? options.dialect : core::Dialect::ChatText,
            options.url, request,
            QJsonArray {QJsonObject {{QStringLiteral("role"), QStringLiteral("user")},
                                     {QStringLiteral("content"), prompt}}},
            options.dialect == core::Dialect::AiSdk ? QStringLiteral("watch") : QString());
    } else if (connectOptions.isModelSet()) {
        err << "inkstream watch: --model goes with --dialect openai, openai-responses, anthropic "
               "or ollama\n";
        return kExitUsage;
    }
    if (!chatApi && !connectOptions.token().isEmpty())
        options.headers.append({QByteArrayLiteral("Authorization"),
                                QByteArrayLiteral("Bearer ") + connectOptions.token().toUtf8()});
    options.method = parser.isSet(methodOption) ? parser.value(methodOption).toUpper().toLatin1()
        : options.body.isEmpty()                ? QByteArrayLiteral("GET")
                                                : QByteArrayLiteral("POST");
    static const QRegularExpression methodPattern(QStringLiteral("^[A-Z]+$"));
    if (!methodPattern.match(QString::fromLatin1(options.method)).hasMatch()) {
        err << "inkstream watch: --method takes an HTTP method such as GET or POST\n";
        return kExitUsage;
    }

    WatchRun run(options);
    return run.exec();
}

} // namespace inkstream::app
