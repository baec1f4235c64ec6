#pragma once

#include <QCommandLineOption>
#include <QHostAddress>
#include <QList>
#include <QString>

class QCommandLineParser;

namespace inkstream::core {
class Publisher;
}

namespace inkstream::app {

// The `serve` options that protect a publisher: tokens, browser origins and hosts, per-address
// limits and how long a request, an idle connection or a stream may take. Parsed and applied
// in one place.
class PublisherSecurityOptions final
{
public:
    PublisherSecurityOptions();

    void addTo(QCommandLineParser *parser) const;
    // Applies the parsed values; false with a message for the user when one is unusable.
    // `bindAddress` decides the default limits: none on loopback, some elsewhere.
    bool applyTo(const QCommandLineParser &parser, const QHostAddress &bindAddress,
                 core::Publisher *publisher, QString *error) const;

private:
    QCommandLineOption m_token;
    QCommandLineOption m_tokenFile;
    QCommandLineOption m_readToken;
    QCommandLineOption m_corsOrigin;
    QCommandLineOption m_allowedHost;
    QCommandLineOption m_idleTimeout;
    QCommandLineOption m_maxConnections;
    QCommandLineOption m_maxConnectionRate;
    QCommandLineOption m_stallTimeout;
    QCommandLineOption m_maxStreamAge;
    QCommandLineOption m_requestTimeout;
};

} // namespace inkstream::app
