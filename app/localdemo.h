#pragma once

#include "app/relayoptions.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

namespace inkstream::core {
class DemoScript;
class Publisher;
class SessionHub;
} // namespace inkstream::core

namespace inkstream::app {

// `inkstream --demo`: the embedded publisher on loopback with the scripted session, so the
// GUI watches a real stream over a real socket. Each startSession() plays the script again in
// a new session; the script starts when the first viewer subscribes, so nothing is missed.
class LocalDemo final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalDemo)

public:
    explicit LocalDemo(QObject *parent = nullptr);
    ~LocalDemo() override;

    void setSpeed(double factor) { m_speed = factor; }
    // The publisher's port; 0 (default) picks a free one. Takes effect before the first session.
    void setPort(quint16 port) { m_port = port; }
    // Every demo session is also published through this relay when it is set.
    void setRelay(const RelayOptions &relay) { m_relay = relay; }
    // Starts the publisher on the first call. Returns the new session's URL, or an empty URL
    // with `error` set.
    QUrl startSession(QString *error);

Q_SIGNALS:
    // A session started relaying to `publishUrl`.
    void relayStarted(const QUrl &publishUrl);
    void relayErrorOccurred(const QString &message);

private:
    bool ensureListening(QString *error);

    core::SessionHub *m_hub = nullptr;
    core::Publisher *m_publisher = nullptr;
    QPointer<core::DemoScript> m_script;
    double m_speed = 1.0;
    quint16 m_port = 0;
    RelayOptions m_relay;
};

} // namespace inkstream::app
