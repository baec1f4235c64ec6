#include "core/server/accesspolicy.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QUrlQuery>

namespace inkstream::core {

QByteArray AccessPolicy::presentedToken(const QHttpServerRequest &request)
{
    return presentedToken(request.value(QByteArrayLiteral("authorization")),
                          request.url().query(QUrl::FullyEncoded));
}

QByteArray AccessPolicy::presentedToken(const QByteArray &authorizationHeader, const QString &query)
{
    const QByteArray header = authorizationHeader.trimmed();
    static const QByteArray scheme = QByteArrayLiteral("bearer ");
    if (header.size() > scheme.size() && header.left(scheme.size()).toLower() == scheme)
        return header.mid(scheme.size()).trimmed();
    return QUrlQuery(query).queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
}

AccessPolicy::Verdict AccessPolicy::check(const QByteArray &presented, Need need) const
{
    if (need == Need::Nothing || !requiresTokens())
        return Verdict::Allowed;
    if (presented.isEmpty())
        return Verdict::MissingToken;
    // Both comparisons always run, so timing says nothing about which token came close.
    const bool publish
        = !m_publishToken.isEmpty() && equalsInConstantTime(presented, m_publishToken);
    const bool read = !m_readToken.isEmpty() && equalsInConstantTime(presented, m_readToken);
    if (publish || (read && need == Need::Read))
        return Verdict::Allowed;
    return Verdict::WrongToken;
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
        *reason = QStringLiteral("token file %1 is empty").arg(path);
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
