#include "core/server/accesspolicy.h"

#include <QFile>
#include <QUrlQuery>
#include <algorithm>

namespace inkstream::core {

QByteArray AccessPolicy::presentedToken(const HttpRequest &request)
{
    return presentedToken(request.value("authorization"), request.url().query(QUrl::FullyEncoded));
}

QByteArray AccessPolicy::presentedToken(const QByteArray &authorizationHeader, const QString &query)
{
    const QByteArray header = authorizationHeader.trimmed();
    static const QByteArray scheme = QByteArrayLiteral("bearer ");
    if (header.size() > scheme.size() && header.left(scheme.size()).toLower() == scheme)
        return header.mid(scheme.size()).trimmed();
    return QUrlQuery(query).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
}

void AccessPolicy::setReadToken(const QByteArray &token)
{
    m_readTokens.clear();
    if (!token.isEmpty())
        addReadToken(token);
}

void AccessPolicy::addReadToken(const QByteArray &token, const QStringList &sessions)
{
    if (!token.isEmpty())
        m_readTokens.append(ReadToken {token, sessions});
}

AccessPolicy::Verdict AccessPolicy::check(const QByteArray &presented, Need need,
                                          const QString &sessionId) const
{
    if (need == Need::Nothing || !requiresTokens())
        return Verdict::Allowed;
    if (presented.isEmpty())
        return Verdict::MissingToken;
    // Every comparison always runs, so timing says nothing about which token came close.
    const bool publish
        = !m_publishToken.isEmpty() && equalsInConstantTime(presented, m_publishToken);
    bool read = false;
    for (const ReadToken &candidate : m_readTokens) {
        const bool matches = equalsInConstantTime(presented, candidate.token);
        read = read
            || (matches
                && (candidate.sessions.isEmpty()
                    || (!sessionId.isEmpty() && candidate.sessions.contains(sessionId))));
    }
    if (publish || (read && need == Need::Read))
        return Verdict::Allowed;
    return Verdict::WrongToken;
}

bool AccessPolicy::normalizeToken(QByteArray *token, const QString &what, QString *reason)
{
    const bool given = !token->isEmpty();
    *token = token->trimmed();
    if (given && token->isEmpty()) {
        *reason = QStringLiteral("%1 is only whitespace; give a real token").arg(what);
        return false;
    }
    // It travels in a header: a control character would end it (or start another one).
    for (const char c : std::as_const(*token)) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            *reason = QStringLiteral("%1 holds a control character; a token is one line of "
                                     "printable text")
                          .arg(what);
            return false;
        }
    }
    return true;
}

bool AccessPolicy::parseReadToken(const QString &spec, QByteArray *token, QStringList *sessions,
                                  QString *reason)
{
    // Session ids never hold a colon; a token may, so the scope starts after the last one.
    const qsizetype colon = spec.lastIndexOf(u':');
    QString tokenText = spec;
    sessions->clear();
    if (colon >= 0) {
        tokenText = spec.left(colon);
        const QStringList ids = spec.mid(colon + 1).split(u',', Qt::SkipEmptyParts);
        for (const QString &id : ids) {
            const QString trimmed = id.trimmed();
            const bool valid = !trimmed.isEmpty() && trimmed.size() <= 64
                && std::all_of(trimmed.begin(), trimmed.end(), [](QChar c) {
                       return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')
                           || (c >= u'0' && c <= u'9') || c == u'_' || c == u'-';
                   });
            if (!valid) {
                *reason = QStringLiteral("--read-token %1: \"%2\" is not a session id")
                              .arg(QStringLiteral("TOKEN:SESSION,..."), trimmed);
                return false;
            }
            sessions->append(trimmed);
        }
        if (sessions->isEmpty()) {
            *reason = QStringLiteral("--read-token TOKEN:SESSION,... names no session");
            return false;
        }
    }
    *token = tokenText.toUtf8();
    if (!normalizeToken(token, QStringLiteral("--read-token"), reason))
        return false;
    if (token->isEmpty()) {
        *reason = QStringLiteral("--read-token needs a token");
        return false;
    }
    return true;
}

bool AccessPolicy::allowsListeningOn(const QHostAddress &address, QString *reason) const
{
    if (address.isLoopback() || !m_publishToken.isEmpty())
        return true;
    *reason = QStringLiteral("refusing to listen on %1 without a publish token: anyone on the "
                             "network could publish; pass --token or --token-file")
                  .arg(address.toString());
    return false;
}

bool AccessPolicy::readTokenFile(const QString &path, QByteArray *token, QString *reason)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *reason = QStringLiteral("cannot read token file %1: %2").arg(path, file.errorString());
        return false;
    }
    const QByteArray firstLine = file.readLine(4096).trimmed();
    if (firstLine.isEmpty()) {
        *reason = QStringLiteral("token file %1 is empty (or only whitespace)").arg(path);
        return false;
    }
    *token = firstLine;
    return true;
}

bool AccessPolicy::equalsInConstantTime(const QByteArray &a, const QByteArray &b)
{
    // Runs over the longer input whatever the contents; only the length difference leaks.
    const qsizetype length = qMax(a.size(), b.size());
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < length; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a.at(i)) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b.at(i)) : 0;
        difference |= static_cast<unsigned char>(x ^ y);
    }
    return difference == 0;
}

} // namespace inkstream::core
