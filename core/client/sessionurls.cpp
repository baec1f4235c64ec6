#include "core/client/sessionurls.h"

#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

namespace inkstream::core {

bool SessionUrls::isNativeSessionUrl(const QUrl &url)
{
    static const QRegularExpression pattern(
        QStringLiteral("/api/sessions/[A-Za-z0-9_-]+(/stream)?/?$"));
    return pattern.match(url.path()).hasMatch();
}

QUrl SessionUrls::snapshotUrlFor(const QUrl &sessionUrl)
{
    QUrl url = sessionUrl;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path.endsWith(QStringLiteral("/stream")))
        path.chop(7);
    url.setPath(path + QStringLiteral("/snapshot"));
    return url;
}

QUrl SessionUrls::streamUrlFor(const QUrl &sessionUrl)
{
    QUrl url = sessionUrl;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    // Only a publisher's session URL (.../api/sessions/ID) gets /stream; any other URL is a
    // stream already (an nchan subscriber location, for example) and is followed as it is.
    const QStringList segments = path.split(u'/');
    const bool isSessionUrl = segments.size() >= 3 && segments.at(segments.size() - 3) == u"api"
        && segments.at(segments.size() - 2) == u"sessions";
    if (isSessionUrl)
        url.setPath(path + QStringLiteral("/stream"));
    return url;
}

} // namespace inkstream::core
