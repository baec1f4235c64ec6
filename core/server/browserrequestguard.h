#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace inkstream::core {

class CorsPolicy;
class HttpRequest;

// What keeps a web page in the user's browser from driving a publisher that runs without
// tokens on loopback (docs/security.md). DNS rebinding: the Host header must name the
// listening address, a loopback address, localhost or an allowed host (421 otherwise).
// Cross-site requests: a state-changing request (and a WebSocket handshake) must come without
// an Origin, from the publisher's own origin or from one --cors-origin allows, and must not
// carry one of the form Content-Types a page can send without a preflight (403 otherwise).
class BrowserRequestGuard final
{
public:
    enum class Verdict { Allowed, WrongHost, CrossSite };

    explicit BrowserRequestGuard(const CorsPolicy *cors)
        : m_cors(cors)
    { }

    // Names (besides loopback and localhost) the Host header may give, e.g. a proxy's.
    void setAllowedHosts(const QStringList &hosts);
    QStringList allowedHosts() const { return m_allowedHosts; }
    void setListeningAddress(const QHostAddress &address) { m_listening = address; }

    Verdict check(const HttpRequest &request, QString *reason) const;

    // The host of a Host header value ("[::1]:8080" -> "::1"), lower case.
    static QString hostOf(const QByteArray &hostHeader);

private:
    bool hostAllowed(const QString &host) const;
    bool originAllowed(const QByteArray &origin, const QByteArray &hostHeader) const;

    const CorsPolicy *m_cors;
    QStringList m_allowedHosts;
    QHostAddress m_listening;
};

} // namespace inkstream::core
