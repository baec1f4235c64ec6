#include "app/commandline.h"

#include "app/terminalstatusline.h"

#include <QCommandLineParser>
#include <QLoggingCategory>
#include <QStringList>
#include <QTextStream>
#include <cstdio>
#include <cstdlib>

namespace inkstream::app {

CommandLine::CommandLine(const QString &command)
    : m_command(command)
{ }

QString CommandLine::prefix() const
{
    return m_command.isEmpty() ? QStringLiteral("inkstream: ")
                               : QStringLiteral("inkstream %1: ").arg(m_command);
}

void CommandLine::addStandardOptions(QCommandLineParser *parser)
{
    parser->addHelpOption();
    parser->addOption(QCommandLineOption({QStringLiteral("V"), QStringLiteral("version")},
                                         QStringLiteral("Displays version information.")));
    parser->addOption(
        QCommandLineOption({QStringLiteral("q"), QStringLiteral("quiet")},
                           QStringLiteral("Print errors only: no log lines, no progress line.")));
    parser->addOption(
        QCommandLineOption({QStringLiteral("v"), QStringLiteral("verbose")},
                           QStringLiteral("Print the debug log too (what QT_LOGGING_RULES="
                                          "\"inkstream.*=true\" shows).")));
}

std::optional<int> CommandLine::parse(QCommandLineParser *parser,
                                      const QStringList &arguments) const
{
    if (!parser->parse(arguments))
        return usageError(parser->errorText());
    if (parser->isSet(QStringLiteral("help")) || parser->isSet(QStringLiteral("help-all"))) {
        // Qt writes "Usage: ARGV0 [options] COMMAND"; the command goes first, as typed.
        QString help = parser->helpText();
        const qsizetype firstLineEnd = help.indexOf(u'\n');
        QString usage = QStringLiteral("Usage: inkstream");
        if (!m_command.isEmpty())
            usage += u' ' + m_command;
        usage += QStringLiteral(" [options]");
        const QString firstLine = help.left(firstLineEnd);
        const qsizetype optionsAt = firstLine.indexOf(QStringLiteral(" [options]"));
        QString rest = optionsAt < 0 ? QString() : firstLine.mid(optionsAt + 10);
        if (!m_command.isEmpty() && rest.startsWith(u' ' + m_command))
            rest = rest.mid(m_command.size() + 1);
        help.replace(0, firstLineEnd, usage + rest);
        QTextStream(stdout) << help << '\n' << exitStatusHelp();
        return Ok;
    }
    if (parser->isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << "inkstream " << INKSTREAM_VERSION << '\n';
        return Ok;
    }
    const bool quiet = parser->isSet(QStringLiteral("quiet"));
    const bool verbose = parser->isSet(QStringLiteral("verbose"));
    if (quiet && verbose)
        return usageError(QStringLiteral("--quiet and --verbose cannot be combined"));
    m_quiet = quiet;
    routeLogging(quiet, verbose);
    return std::nullopt;
}

int CommandLine::usageError(const QString &message) const
{
    QTextStream(stderr) << prefix() << message << "\nTry 'inkstream"
                        << (m_command.isEmpty() ? QString() : u' ' + m_command) << " --help'.\n";
    return Usage;
}

void CommandLine::printError(const QString &message) const
{
    QTextStream(stderr) << prefix() << message << '\n';
}

namespace {

QString g_logPrefix; // what the message handler writes before each line

void writeLogLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    QString line = g_logPrefix;
    // Debug lines name where they come from; the others speak for themselves.
    if (type == QtDebugMsg && context.category && qstrcmp(context.category, "default") != 0)
        line += QLatin1StringView(context.category) + QStringLiteral(": ");
    if (type == QtWarningMsg)
        line += QStringLiteral("warning: ");
    line += message + u'\n';
    TerminalStatusLine::clearForMessage();
    const QByteArray bytes = line.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

void CommandLine::routeLogging(bool quiet, bool verbose) const
{
    g_logPrefix = prefix();
    qInstallMessageHandler(writeLogLine);
    // QT_LOGGING_RULES, when set, still has the last word.
    if (quiet)
        QLoggingCategory::setFilterRules(QStringLiteral("*.info=false\n*.warning=false"));
    else if (verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("inkstream.*=true"));
}

QString CommandLine::exitStatusHelp()
{
    return QStringLiteral("Exit status:\n"
                          "  0  done: the session completed or went idle (watch), or --help\n"
                          "  1  failed: a connection, server, file or recording error, or the\n"
                          "     retries ran out\n"
                          "  2  the command line is wrong (unknown option, missing argument)\n"
                          "  3  watch: --timeout passed before the session ended\n"
                          "  4  watch: interrupted by SIGINT or SIGTERM (serve, which runs until\n"
                          "     stopped, ends on them with 0)\n"
                          "  5  watch: --max-files or --max-output reached\n");
}

} // namespace inkstream::app
