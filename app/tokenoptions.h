#pragma once

#include <QByteArray>
#include <QCommandLineOption>
#include <QList>
#include <QStringList>

class QCommandLineParser;

namespace inkstream::app {

// --token and --token-file, for every command that talks to a server as a client (publish,
// watch, the window's --connect): exactly one of them, else the first set variable of a list
// the caller gives (INKSTREAM_TOKEN, a provider's API key). The result is one printable line.
class TokenOptions final
{
public:
    // `tokenHelp`: what --token is for this command.
    explicit TokenOptions(const QString &tokenHelp);

    QList<QCommandLineOption> options() const { return {m_token, m_tokenFile}; }

    // The token: --token, --token-file, else `fallback` (what `fallbackWhat` names, such as
    // "the URL's ?token="), else the first of `variables` that is set. Empty when none;
    // false with a message when one is unusable.
    bool read(const QCommandLineParser &parser, const QByteArray &fallback,
              const QString &fallbackWhat, const QStringList &variables, QByteArray *token,
              QString *error) const;

private:
    QCommandLineOption m_token;
    QCommandLineOption m_tokenFile;
};

} // namespace inkstream::app
