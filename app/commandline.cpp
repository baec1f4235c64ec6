#include "app/commandline.h"

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

namespace inkstream::app {

CommandLine::CommandLine(const QString &command)
    : m_command(command)
{ }

QString CommandLine::prefix() const
{
    return m_command.isEmpty() ? QStringLiteral("inkstream: ")
                               : QStringLiteral("inkstream %1: ").arg(m_command);
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
