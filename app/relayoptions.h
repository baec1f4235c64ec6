#pragma once

#include <QByteArray>
#include <QCommandLineOption>
#include <QString>

class QCommandLineParser;

namespace inkstream::core {
class NchanRelay;
class Session;
} // namespace inkstream::core

namespace inkstream::app {

// `--relay URL` and `--relay-token TOKEN`, shared by `serve` and the GUI's demo: where every
// event of a session is also published (nginx + nchan, docs/relay.md).
class RelayOptions final
{
public:
    RelayOptions();

    void addTo(QCommandLineParser *parser) const;
    // Reads the parsed values; false with a message for the user when --relay is unusable.
    bool read(const QCommandLineParser &parser, QString *error);
    bool isSet() const { return !m_urlTemplate.isEmpty(); }
    // Names both options, for "goes with --demo" checks.
    QStringList names() const;

    // A relay for `session`, owned by it, created before anything is published so nchan sees
    // every event from the first; nullptr when no relay was asked for.
    core::NchanRelay *attachTo(core::Session *session) const;

private:
    QCommandLineOption m_relay;
    QCommandLineOption m_relayToken;
    QString m_urlTemplate;
    QByteArray m_token;
};

} // namespace inkstream::app
