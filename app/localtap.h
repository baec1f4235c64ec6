#pragma once

#include <QByteArray>
#include <QObject>
#include <QUrl>

namespace inkstream::core {
class Publisher;
class SessionHub;
} // namespace inkstream::core

namespace inkstream::app {

// `inkstream --tap URL`: the embedded publisher on loopback with a tap on an OpenAI-compatible
// server (docs/tap.md), so that the window follows whatever any tool asks that server through
// it. The session says in its chat where to point one's tools.
class LocalTap final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalTap)

public:
    explicit LocalTap(QObject *parent = nullptr);
    ~LocalTap() override;

    // `upstream`: the OpenAI-compatible base URL; `key`: sent instead of the callers' (empty:
    // theirs goes through); `port` 0: a free one (the first call decides). Returns the session's
    // URL, or an empty URL with `error` set. A later call taps another upstream in a new
    // session on the same publisher.
    QUrl start(const QUrl &upstream, const QByteArray &key, quint16 port, QString *error);
    // What to paste into a tool: http://127.0.0.1:PORT/v1.
    QUrl clientBaseUrl() const;

private:
    core::SessionHub *m_hub = nullptr;
    core::Publisher *m_publisher = nullptr;
};

} // namespace inkstream::app
