#pragma once

#include "core/server/httprequest.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace inkstream::core {

// Who may read and who may publish. Without tokens everything is open, which the publisher
// only allows on a loopback bind. With a publish token (and optionally read tokens, each for
// every session or scoped to some) every route but /healthz needs `Authorization: Bearer
// TOKEN` or `?token=TOKEN` (EventSource and WebSocket clients cannot set headers). Tokens are
// compared in constant time, and checked before anything says whether a session exists.
class AccessPolicy final
{
public:
    enum class Need { Nothing, Read, Publish };
    enum class Verdict { Allowed, MissingToken, WrongToken };

    // The token that allows everything; empty: no authentication.
    void setPublishToken(const QByteArray &token) { m_publishToken = token; }
    // The one token that allows reading only, every session; empty: none.
    void setReadToken(const QByteArray &token);
    // A further read-only token; `sessions` empty: every session, else only those.
    void addReadToken(const QByteArray &token, const QStringList &sessions = {});
    bool requiresTokens() const { return !m_publishToken.isEmpty() || !m_readTokens.isEmpty(); }

    // The bearer token of a request: the Authorization header, else the `token` query item.
    static QByteArray presentedToken(const HttpRequest &request);
    static QByteArray presentedToken(const QByteArray &authorizationHeader, const QString &query);

    // `sessionId`: the session the request is about (empty: none, or all of them).
    Verdict check(const QByteArray &presented, Need need, const QString &sessionId = {}) const;

    // Loopback binds may run open; anything else must be protected.
    bool allowsListeningOn(const QHostAddress &address, QString *reason) const;

    // Reads the first line of a token file; false with a reason when it is unusable.
    static bool readTokenFile(const QString &path, QByteArray *token, QString *reason);
    // A token as given on the command line: surrounding whitespace dropped, and refused
    // (false with a reason naming `what`) when nothing is left of a non-empty value or it holds
    // a control character (it travels in a header).
    static bool normalizeToken(QByteArray *token, const QString &what, QString *reason);
    // --read-token TOKEN[:SESSION,...]: the token and the sessions it is scoped to.
    static bool parseReadToken(const QString &spec, QByteArray *token, QStringList *sessions,
                               QString *reason);

private:
    static bool equalsInConstantTime(const QByteArray &a, const QByteArray &b);

    struct ReadToken
    {
        QByteArray token;
        QStringList sessions; // empty: all
    };
    QByteArray m_publishToken;
    QList<ReadToken> m_readTokens;
};

} // namespace inkstream::core
