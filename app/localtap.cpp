#include "app/localtap.h"

#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"
#include "core/server/upstreamtap.h"

#include <QHostAddress>

namespace inkstream::app {

LocalTap::LocalTap(QObject *parent)
    : QObject(parent)
    , m_hub(new core::SessionHub(this))
{ }

LocalTap::~LocalTap() = default;

QUrl LocalTap::start(const QUrl &upstream, const QByteArray &key, quint16 port, QString *error)
{
    if (!m_publisher) {
        auto *publisher = new core::Publisher(m_hub, this);
        if (!publisher->listen(QHostAddress::LocalHost, port)) {
            *error = tr("The local publisher could not start: %1").arg(publisher->errorString());
            delete publisher;
            return {};
        }
        m_publisher = publisher;
    }
    // A new session per upstream; an earlier one stays as it was (its tap no longer answers).
    core::Session *session = m_hub->createSession();
    if (!session) {
        *error = tr("The local publisher could not open a session.");
        return {};
    }
    auto *tap = new core::UpstreamTap(session, session);
    tap->setOpenAiUpstream(upstream);
    tap->setUpstreamKey(key);
    m_publisher->setTap(tap);
    // The first thing the window shows: where to point one's tools (one short line: the chat
    // shows events unwrapped).
    const QString id = QStringLiteral("tap-ready");
    session->publish(
        core::ChatEvent {core::ChatEvent::Type::Start, id, core::ChatRole::Event,
                         tr("Tap ready: base URL %1").arg(clientBaseUrl().toString())});
    session->publish(
        core::ChatEvent {core::ChatEvent::Type::Complete, id, core::ChatRole::Event, {}});
    return m_publisher->sessionUrl(session->id());
}

QUrl LocalTap::clientBaseUrl() const
{
    if (!m_publisher)
        return {};
    QUrl url = m_publisher->baseUrl();
    url.setPath(QStringLiteral("/v1"));
    return url;
}

} // namespace inkstream::app
