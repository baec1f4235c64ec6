#include "app/publishersecurityoptions.h"

#include "core/server/publisher.h"

#include <QCommandLineParser>

namespace inkstream::app {

namespace {

constexpr int kDefaultMaxConnections = 64;
constexpr int kDefaultMaxConnectionRate = 20;

QString seconds(std::chrono::seconds value)
{
    return QString::number(value.count());
}

// A non-negative integer option; false with a message naming the option otherwise.
bool readCount(const QCommandLineParser &parser, const QCommandLineOption &option, int *out,
               QString *error)
{
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < 0) {
        *error = QStringLiteral("--%1 needs a whole number, 0 or more (0 = no limit)")
                     .arg(option.names().constFirst());
        return false;
    }
    *out = value;
    return true;
}

} // namespace

PublisherSecurityOptions::PublisherSecurityOptions()
    : m_token(QStringLiteral("token"),
              QStringLiteral("Token for reading and publishing (Authorization: Bearer, or "
                             "?token=); also INKSTREAM_TOKEN. Required off loopback."),
              QStringLiteral("TOKEN"))
    , m_tokenFile(QStringLiteral("token-file"),
                  QStringLiteral("Read the publish token from the first line of FILE."),
                  QStringLiteral("FILE"))
    , m_readToken(QStringLiteral("read-token"),
                  QStringLiteral("A second token that may only read (viewers)."),
                  QStringLiteral("TOKEN"))
    , m_corsOrigin(QStringLiteral("cors-origin"),
                   QStringLiteral("A web origin allowed to read from a browser "
                                  "(repeatable; * for any)."),
                   QStringLiteral("ORIGIN"))
    , m_maxConnections(QStringLiteral("max-connections-per-ip"),
                       QStringLiteral("Open connections one address may hold; 0 = no limit "
                                      "(default: 64 off loopback, no limit on loopback)."),
                       QStringLiteral("N"))
    , m_maxConnectionRate(QStringLiteral("max-connection-rate"),
                          QStringLiteral("New connections per second per address; 0 = no limit "
                                         "(default: 20 off loopback, no limit on loopback)."),
                          QStringLiteral("N"))
    , m_stallTimeout(QStringLiteral("stall-timeout"),
                     QStringLiteral("Drop a viewer that has read nothing for SECONDS "
                                    "(default %1; 0 never).")
                         .arg(seconds(core::Publisher::kDefaultStallTimeout)),
                     QStringLiteral("SECONDS"), seconds(core::Publisher::kDefaultStallTimeout))
    , m_maxStreamAge(QStringLiteral("max-stream-age"),
                     QStringLiteral("Close streams older than SECONDS; viewers reconnect and "
                                    "resume (default %1; 0 never).")
                         .arg(seconds(core::Publisher::kDefaultMaxStreamAge)),
                     QStringLiteral("SECONDS"), seconds(core::Publisher::kDefaultMaxStreamAge))
    , m_requestTimeout(QStringLiteral("request-timeout"),
                       QStringLiteral("Close a connection that has not sent a whole request "
                                      "SECONDS after it opened (default %1; 0 never).")
                           .arg(seconds(core::Publisher::kDefaultRequestTimeout)),
                       QStringLiteral("SECONDS"), seconds(core::Publisher::kDefaultRequestTimeout))
{ }

void PublisherSecurityOptions::addTo(QCommandLineParser *parser) const
{
    parser->addOptions({m_token, m_tokenFile, m_readToken, m_corsOrigin, m_maxConnections,
                        m_maxConnectionRate, m_stallTimeout, m_maxStreamAge, m_requestTimeout});
}

bool PublisherSecurityOptions::applyTo(const QCommandLineParser &parser,
                                       const QHostAddress &bindAddress, core::Publisher *publisher,
                                       QString *error) const
{
    QByteArray token = parser.value(m_token).toUtf8();
    if (token.isEmpty())
        token = qgetenv("INKSTREAM_TOKEN").trimmed();
    if (parser.isSet(m_tokenFile)) {
        if (!token.isEmpty()) {
            *error = QStringLiteral("give the token either with --token or with --token-file");
            return false;
        }
        if (!core::AccessPolicy::readTokenFile(parser.value(m_tokenFile), &token, error))
            return false;
    }
    const QByteArray readToken = parser.value(m_readToken).toUtf8();
    if (!readToken.isEmpty() && token.isEmpty()) {
        *error = QStringLiteral("--read-token needs a publish token (--token or --token-file)");
        return false;
    }
    if (!readToken.isEmpty() && readToken == token) {
        *error = QStringLiteral("--read-token must differ from the publish token");
        return false;
    }
    publisher->accessPolicy().setPublishToken(token);
    publisher->accessPolicy().setReadToken(readToken);
    publisher->corsPolicy().setAllowedOrigins(parser.values(m_corsOrigin));

    const bool loopback = bindAddress.isLoopback();
    int maxConnections = loopback ? 0 : kDefaultMaxConnections;
    int maxRate = loopback ? 0 : kDefaultMaxConnectionRate;
    if ((parser.isSet(m_maxConnections)
         && !readCount(parser, m_maxConnections, &maxConnections, error))
        || (parser.isSet(m_maxConnectionRate)
            && !readCount(parser, m_maxConnectionRate, &maxRate, error)))
        return false;
    publisher->connectionLimiter().setMaxOpenPerAddress(maxConnections);
    publisher->connectionLimiter().setMaxNewPerSecond(maxRate);

    int stall = 0;
    int age = 0;
    int request = 0;
    if (!readCount(parser, m_stallTimeout, &stall, error)
        || !readCount(parser, m_maxStreamAge, &age, error)
        || !readCount(parser, m_requestTimeout, &request, error))
        return false;
    publisher->setRequestTimeout(std::chrono::seconds(request));
    publisher->setStallTimeout(std::chrono::seconds(stall));
    publisher->setMaxStreamAge(std::chrono::seconds(age));
    return true;
}

} // namespace inkstream::app
