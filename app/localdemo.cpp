#include "app/localdemo.h"

#include "core/server/demoscript.h"
#include "core/server/nchanrelay.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"

#include <QHostAddress>

namespace inkstream::app {

LocalDemo::LocalDemo(QObject *parent)
    : QObject(parent)
    , m_hub(new core::SessionHub(this))
{ }

LocalDemo::~LocalDemo() = default;

bool LocalDemo::ensureListening(QString *error)
{
    if (m_publisher)
        return true;
    auto *publisher = new core::Publisher(m_hub, this);
    if (!publisher->listen(QHostAddress::LocalHost, m_port)) {
        *error = tr("The local publisher could not start: %1").arg(publisher->errorString());
        delete publisher;
        return false;
    }
    m_publisher = publisher;
    return true;
}

QUrl LocalDemo::startSession(QString *error)
{
    if (!ensureListening(error))
        return {};
    if (m_script)
        m_script->deleteLater(); // a demo restarted mid-way stops feeding its old session
    core::Session *session = m_hub->createSession();
    if (!session) {
        *error = tr("The local publisher could not open a session.");
        return {};
    }
    if (core::NchanRelay *relay = m_relay.attachTo(session)) {
        connect(relay, &core::NchanRelay::errorOccurred, this, &LocalDemo::relayErrorOccurred);
        Q_EMIT relayStarted(relay->publishUrl());
    }
    auto *script = new core::DemoScript(session, this);
    script->setSpeed(m_speed);
    if (!script->load(core::DemoScript::defaultScriptPath(), error)) {
        delete script;
        return {};
    }
    m_script = script;
    connect(m_publisher, &core::Publisher::subscriberConnected, script,
            [script, id = session->id(), started = false](const QString &sessionId) mutable {
                // Once only: a viewer that reconnects resumes the session, not the script.
                if (sessionId == id && !started)
                    started = script->start();
            });
    return m_publisher->sessionUrl(session->id());
}

} // namespace inkstream::app
