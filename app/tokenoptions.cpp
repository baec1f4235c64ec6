#include "app/tokenoptions.h"

#include "core/server/accesspolicy.h"

#include <QCommandLineParser>

namespace inkstream::app {

TokenOptions::TokenOptions(const QString &tokenHelp)
    : m_token(QStringLiteral("token"), tokenHelp, QStringLiteral("TOKEN"))
    , m_tokenFile(QStringLiteral("token-file"),
                  QStringLiteral("Read the token from the first line of FILE, so it is not on "
                                 "the command line."),
                  QStringLiteral("FILE"))
{ }

bool TokenOptions::read(const QCommandLineParser &parser, const QByteArray &fallback,
                        const QString &fallbackWhat, const QStringList &variables,
                        QByteArray *token, QString *error) const
{
    *token = parser.value(m_token).toUtf8();
    QString what = QStringLiteral("--token");
    if (parser.isSet(m_tokenFile)) {
        if (parser.isSet(m_token)) {
            *error = QStringLiteral("give the token either with --token or with --token-file");
            return false;
        }
        if (!core::AccessPolicy::readTokenFile(parser.value(m_tokenFile), token, error))
            return false;
        what = QStringLiteral("the token file");
    }
    if (token->isEmpty() && !fallback.isEmpty()) {
        *token = fallback;
        what = fallbackWhat;
    }
    for (const QString &variable : variables) {
        if (!token->isEmpty())
            break;
        *token = qgetenv(qPrintable(variable));
        what = variable;
    }
    return core::AccessPolicy::normalizeToken(token, what, error);
}

} // namespace inkstream::app
