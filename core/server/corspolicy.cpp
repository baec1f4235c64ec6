#include "core/server/corspolicy.h"

namespace inkstream::core {

bool CorsPolicy::allows(const QByteArray &origin) const
{
    if (origin.isEmpty())
        return false;
    for (const QString &allowed : m_origins) {
        if (allowed == u"*" || allowed.toUtf8() == origin)
            return true;
    }
    return false;
}

CorsPolicy::Headers CorsPolicy::responseHeaders(const QByteArray &origin) const
{
    if (!allows(origin))
        return {};
    // The origin is echoed rather than "*" so the answer also works with credentials, and
    // Vary keeps caches from serving one origin's answer to another.
    return {{QByteArrayLiteral("Access-Control-Allow-Origin"), origin},
            {QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin")}};
}

CorsPolicy::Headers CorsPolicy::preflightHeaders(const QByteArray &origin) const
{
    Headers headers = responseHeaders(origin);
    if (headers.isEmpty())
        return headers;
    headers.append({QByteArrayLiteral("Access-Control-Allow-Methods"),
                    QByteArrayLiteral("GET, POST, DELETE, OPTIONS")});
    headers.append({QByteArrayLiteral("Access-Control-Allow-Headers"),
                    QByteArrayLiteral("Authorization, Content-Type, Last-Event-ID")});
    headers.append({QByteArrayLiteral("Access-Control-Max-Age"), QByteArrayLiteral("600")});
    return headers;
}

} // namespace inkstream::core
