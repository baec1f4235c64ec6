#include "core/client/systemproxyfactory.h"

#include <QHostAddress>

namespace inkstream::core {

QList<QNetworkProxy> SystemProxyFactory::queryProxy(const QNetworkProxyQuery &query)
{
    // Qt's environment lookup sends even loopback through http_proxy; the local publisher
    // must never depend on a proxy being able to reach back.
    const QString host = query.peerHostName();
    const QHostAddress address(host);
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0
        || host.endsWith(QStringLiteral(".localhost"), Qt::CaseInsensitive)
        || (!address.isNull() && address.isLoopback()))
        return {QNetworkProxy(QNetworkProxy::NoProxy)};
    return QNetworkProxyFactory::systemProxyForQuery(query);
}

} // namespace inkstream::core
