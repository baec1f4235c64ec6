#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>

class QHttpServerRequest;

namespace inkstream::core {

// Who may read and who may publish. Without tokens everything is open, which the publisher
// only allows on a loopback bind. With a publish token (and optionally a separate read token)
// every route but /healthz needs `Authorization: Bearer TOKEN` or `?token=TOKEN` (EventSource
// and WebSocket clients cannot set headers). Tokens are compared in constant time.
class AccessPolicy final
{
public:
    enum class Need { Nothing, Read, Publish };
    enum class Verdict { Allowed, MissingToken, WrongToken };

    // The token that allows everything; empty: no authentication.
    void setPublishToken(const QByteArray &token) { m_publishToken = token; }
    // A token that allows reading only; empty: reading needs the publish token.
    void setReadToken(const QByteArray &token) { m_readToken = token; }
    bool requiresTokens() const { return !m_publishToken.isEmpty() || !m_readToken.isEmpty(); }

    // The bearer token of a request: the Authorization header, else the `token` query item.
    static QByteArray presentedToken(const QHttpServerRequest &request);
    static QByteArray presentedToken(const QByteArray &authorizationHeader, const QString &query);

    Verdict check(const QByteArray &presented, Need need) const;

    // Loopback binds may run open; anything else must be protected.
    bool allowsListeningOn(const QHostAddress &address, QString *reason) const;

    // Reads the first line of a token file; false with a reason when it is unusable.
    static bool readTokenFile(const QString &path, QByteArray *token, QString *reason);

private:
    static bool equalsInConstantTime(const QByteArray &a, const QByteArray &b);

    QByteArray m_publishToken;
    QByteArray m_readToken;
};

} // namespace inkstream::core
