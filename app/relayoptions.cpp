#include "app/relayoptions.h"

#include "core/server/nchanrelay.h"
#include "core/server/session.h"

#include <QCommandLineParser>

namespace inkstream::app {

RelayOptions::RelayOptions()
    : m_relay(QStringLiteral("relay"),
              QStringLiteral("Also publish every event to an nginx + nchan publisher endpoint, "
                             "e.g. http://127.0.0.1:8090/pub/{id} ({id} is replaced by the "
                             "session id); viewers then follow nchan's subscriber URL "
                             "(docs/relay.md)."),
              QStringLiteral("URL"))
    , m_relayToken(QStringLiteral("relay-token"),
                   QStringLiteral("Sent to the relay as `Authorization: Bearer TOKEN`."),
                   QStringLiteral("TOKEN"))
{ }

void RelayOptions::addTo(QCommandLineParser *parser) const
{
    parser->addOptions({m_relay, m_relayToken});
}

QStringList RelayOptions::names() const
{
    return {m_relay.names().constFirst(), m_relayToken.names().constFirst()};
}

bool RelayOptions::read(const QCommandLineParser &parser, QString *error)
{
    m_urlTemplate.clear();
    m_token = parser.value(m_relayToken).toUtf8();
    if (!parser.isSet(m_relay)) {
        if (!m_token.isEmpty()) {
            *error = QStringLiteral("--relay-token goes with --relay");
            return false;
        }
        return true;
    }
    const QString urlTemplate = parser.value(m_relay);
    if (!core::NchanRelay::publishUrlFor(urlTemplate, QStringLiteral("x")).isValid()) {
        *error = QStringLiteral("--relay needs an http(s) URL, not %1").arg(urlTemplate);
        return false;
    }
    m_urlTemplate = urlTemplate;
    return true;
}

core::NchanRelay *RelayOptions::attachTo(core::Session *session) const
{
    if (!isSet())
        return nullptr;
    auto *relay = new core::NchanRelay(
        session, core::NchanRelay::publishUrlFor(m_urlTemplate, session->id()), session);
    relay->setToken(m_token);
    return relay;
}

} // namespace inkstream::app
