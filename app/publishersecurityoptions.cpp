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
                  QStringLiteral("A token that may only read (viewers), every session or only "
                                 "the SESSIONs listed (repeatable)."),
                  QStringLiteral("TOKEN[:SESSION,...]"))
    , m_corsOrigin(QStringLiteral("cors-origin"),
                   QStringLiteral("A web origin allowed to read from a browser, and to publish "
                                  "without a token (repeatable; * for any)."),
                   QStringLiteral("ORIGIN"))
    , m_allowedHost(QStringLiteral("allowed-host"),
                    QStringLiteral("A host name the Host header may give besides loopback "
                                   "addresses and localhost, when running without tokens "
                                   "(repeatable; e.g. a proxy's name)."),
                    QStringLiteral("HOST"))
    , m_idleTimeout(QStringLiteral("idle-timeout"),
                    QStringLiteral("Close a kept-alive connection that starts no new request "
                                   "within SECONDS (default %1; 0 never).")
                        .arg(seconds(core::Publisher::kDefaultIdleTimeout)),
                    QStringLiteral("SECONDS"), seconds(core::Publisher::kDefaultIdleTimeout))
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
                       QStringLiteral("Close a connection whose request head is not complete "
                                      "SECONDS after it started, or whose body stalls that long "
                                      "(default %1; 0 never).")
                           .arg(seconds(core::Publisher::kDefaultRequestTimeout)),
                       QStringLiteral("SECONDS"), seconds(core::Publisher::kDefaultRequestTimeout))
{ }

void PublisherSecurityOptions::addTo(QCommandLineParser *parser) const
{
    parser->addOptions({m_token, m_tokenFile, m_readToken, m_corsOrigin, m_allowedHost,
                        m_maxConnections, m_maxConnectionRate, m_stallTimeout, m_maxStreamAge,
                        m_requestTimeout, m_idleTimeout});
}

bool PublisherSecurityOptions::applyTo(const QCommandLineParser &parser,
                                       const QHostAddress &bindAddress, core::Publisher *publisher,
                                       QString *error) const
{
    QByteArray token = parser.value(m_token).toUtf8();
    if (!core::AccessPolicy::normalizeToken(&token, QStringLiteral("--token"), error))
        return false;
    if (token.isEmpty()) {
        token = qgetenv("INKSTREAM_TOKEN");
        if (!core::AccessPolicy::normalizeToken(&token, QStringLiteral("INKSTREAM_TOKEN"), error))
            return false;
    }
    if (parser.isSet(m_tokenFile)) {
        if (!token.isEmpty()) {
            *error = QStringLiteral("give the token either with --token or with --token-file");
            return false;
        }
        if (!core::AccessPolicy::readTokenFile(parser.value(m_tokenFile), &token, error))
            return false;
    }
    publisher->accessPolicy().setPublishToken(token);
    publisher->accessPolicy().setReadToken({});
    for (const QString &spec : parser.values(m_readToken)) {
        QByteArray readToken;
        QStringList sessions;
        if (!core::AccessPolicy::parseReadToken(spec, &readToken, &sessions, error))
            return false;
        if (token.isEmpty()) {
            *error = QStringLiteral("--read-token needs a publish token (--token or --token-file)");
            return false;
        }
        if (readToken == token) {
            *error = QStringLiteral("--read-token must differ from the publish token");
            return false;
        }
        publisher->accessPolicy().addReadToken(readToken, sessions);
    }
    publisher->corsPolicy().setAllowedOrigins(parser.values(m_corsOrigin));
    publisher->browserGuard().setAllowedHosts(parser.values(m_allowedHost));

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
    int idle = 0;
    if (!readCount(parser, m_stallTimeout, &stall, error)
        || !readCount(parser, m_maxStreamAge, &age, error)
        || !readCount(parser, m_requestTimeout, &request, error)
        || !readCount(parser, m_idleTimeout, &idle, error))
        return false;
    publisher->setRequestTimeout(std::chrono::seconds(request));
    publisher->setIdleTimeout(std::chrono::seconds(idle));
    publisher->setStallTimeout(std::chrono::seconds(stall));
    publisher->setMaxStreamAge(std::chrono::seconds(age));
    return true;
}

} // namespace inkstream::app
