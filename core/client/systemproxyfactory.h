#pragma once

#include <QNetworkProxyFactory>

namespace inkstream::core {

// The system's proxy settings for each request (on Linux: http_proxy, https_proxy, no_proxy,
// or libproxy where Qt uses it), so a viewer behind a proxy reaches remote streams without the
// whole application opting in through QNetworkProxyFactory::setUseSystemConfiguration().
// Loopback and no_proxy hosts go direct.
class SystemProxyFactory final : public QNetworkProxyFactory
{
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery &query
                                    = QNetworkProxyQuery()) override;
};

} // namespace inkstream::core
