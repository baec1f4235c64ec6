#include "core/server/browserrequestguard.h"

#include "core/server/corspolicy.h"
#include "core/server/httprequest.h"

#include <QUrl>

namespace inkstream::core {

namespace {

// The media types a page may POST cross-site without a CORS preflight (Fetch standard).
bool isFormContentType(const QByteArray &contentType)
{
    const QByteArray media = contentType.split(';').constFirst().trimmed().toLower();
    return media == "application/x-www-form-urlencoded" || media == "multipart/form-data"
        || media == "text/plain";
}

} // namespace

void BrowserRequestGuard::setAllowedHosts(const QStringList &hosts)
{
    m_allowedHosts.clear();
    for (const QString &host : hosts)
        m_allowedHosts.append(host.trimmed().toLower());
}

QString BrowserRequestGuard::hostOf(const QByteArray &hostHeader)
{
    const QString text = QString::fromLatin1(hostHeader.trimmed()).toLower();
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        return close > 0 ? text.mid(1, close - 1) : QString();
    }
    const qsizetype colon = text.indexOf(u':');
    return colon >= 0 ? text.left(colon) : text;
}

bool BrowserRequestGuard::hostAllowed(const QString &host) const
{
    if (host == u"localhost" || host.endsWith(u".localhost") || m_allowedHosts.contains(host))
        return true;
    // An address literal cannot be rebound to another server by DNS: loopback ones and the
    // one the publisher listens on are its own.
    const QHostAddress address(host);
    return !address.isNull() && (address.isLoopback() || address.isEqual(m_listening));
}

bool BrowserRequestGuard::originAllowed(const QByteArray &origin,
                                        const QByteArray &hostHeader) const
{
    if (origin.isEmpty() || m_cors->allows(origin))
        return true;
    // The publisher's own pages (the /view page) come from the origin the Host names.
    const QUrl url(QString::fromLatin1(origin));
    return url.scheme() == u"http" && url.path().isEmpty()
        && origin.toLower() == "http://" + hostHeader.trimmed().toLower()
        && hostAllowed(url.host().toLower());
}

BrowserRequestGuard::Verdict BrowserRequestGuard::check(const HttpRequest &request,
                                                        QString *reason) const
{
    const QByteArray hostHeader = request.value("host");
    if (!(hostHeader.isEmpty() && request.minorVersion() == 0)
        && !hostAllowed(hostOf(hostHeader))) {
        *reason = QStringLiteral("Host \"%1\" is not this publisher's (loopback, localhost or "
                                 "an --allowed-host)")
                      .arg(QString::fromLatin1(hostHeader.left(100)));
        return Verdict::WrongHost;
    }
    const bool changesState = !request.isSafeMethod() || request.isWebSocketUpgrade();
    if (!changesState)
        return Verdict::Allowed;
    const QByteArray origin = request.value("origin");
    if (!originAllowed(origin, hostHeader)) {
        *reason = QStringLiteral("requests from origin %1 are not allowed (--cors-origin)")
                      .arg(QString::fromLatin1(origin.left(100)));
        return Verdict::CrossSite;
    }
    if (!request.isWebSocketUpgrade() && isFormContentType(request.value("content-type"))) {
        *reason = QStringLiteral("Content-Type %1 is what a web form sends; send "
                                 "application/json (or application/x-ndjson)")
                      .arg(QString::fromLatin1(request.value("content-type").left(100)));
        return Verdict::CrossSite;
    }
    return Verdict::Allowed;
}

} // namespace inkstream::core
