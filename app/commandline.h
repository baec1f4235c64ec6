#pragma once

#include <QString>
#include <QStringList>
#include <optional>

class QCommandLineParser;

namespace inkstream::app {

// What every command's command line shares: one table of exit statuses, one message prefix
// ("inkstream serve: ", "inkstream: " for the window), and parsing that answers --help and
// --version and turns every usage error, an unknown option included, into status 2.
class CommandLine final
{
public:
    enum ExitStatus {
        Ok = 0, // done: complete, idle, help, version
        Error = 1, // failed: connection, server, file, or gave up retrying
        Usage = 2, // the command line is wrong
        Timeout = 3, // watch: --timeout passed first
        Interrupted = 4, // SIGINT or SIGTERM
        Limit = 5, // watch: --max-files or --max-output reached
    };

    // `command`: "serve", "publish", ...; empty for the window.
    explicit CommandLine(const QString &command);

    // "inkstream COMMAND: ", the start of every message the command prints.
    QString prefix() const;

    // What every command takes: -h/--help, -V/--version, -q/--quiet (errors only: no log
    // lines, no progress) and -v/--verbose (the debug log too).
    static void addStandardOptions(QCommandLineParser *parser);

    // Parses `arguments` (argv[0] first, then the command's name unless it is the window's).
    // Returns a status when the command stops here: Ok after --help or --version, Usage after
    // an error (said on stderr); std::nullopt to go on, with log lines routed to stderr under
    // the prefix and filtered as -q/-v say.
    std::optional<int> parse(QCommandLineParser *parser, const QStringList &arguments) const;

    // Says `message` on stderr with the prefix and a pointer to --help; returns Usage.
    int usageError(const QString &message) const;
    // Says `message` on stderr with the prefix.
    void printError(const QString &message) const;

    // The exit-status table, as --help and the man page show it.
    static QString exitStatusHelp();

    // After parse(): whether -q was given (no progress line either).
    bool isQuiet() const { return m_quiet; }

private:
    void routeLogging(bool quiet, bool verbose) const;

    QString m_command;
    mutable bool m_quiet = false;
};

} // namespace inkstream::app
