#pragma once

#include "core/server/tapfilenames.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <memory>
#include <optional>

namespace inkstream::core {

class HttpRequest;
class ReplyWriter;
class ServerMetrics;
class Session;
class TapExchange;
class UpstreamConnections;
enum class TapApi;

// The tap (docs/tap.md): the publisher answers the OpenAI-compatible API under /v1/ (and
// Ollama's native /api/chat, /api/generate, ...) by forwarding every request to an upstream
// server and streaming its answer back unchanged, while the chat replies that pass are
// published into one session. Each request is a TapExchange; the upstream key, when the tap
// has one, replaces the caller's Authorization; keys are never logged nor published. The
// session completes (or fails) when the last reply streaming through it ends, so a viewer sees
// every reply of a burst before it is told the session is over.
class UpstreamTap final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamTap)

public:
    UpstreamTap(Session *session, QObject *parent = nullptr);
    ~UpstreamTap() override;

    // The OpenAI-compatible base URL ("http://127.0.0.1:11434/v1", "https://api.openai.com/v1"):
    // /v1/X is forwarded to BASE/X. Empty: no /v1/ routes.
    void setOpenAiUpstream(const QUrl &base) { m_openAi = base; }
    QUrl openAiUpstream() const { return m_openAi; }
    // Ollama's server ("http://127.0.0.1:11434"): /api/X (but /api/sessions) goes to BASE/api/X.
    void setOllamaUpstream(const QUrl &base) { m_ollama = base; }
    QUrl ollamaUpstream() const { return m_ollama; }
    // Sent upstream as "Authorization: Bearer KEY" instead of the caller's; empty: the
    // caller's Authorization goes through.
    void setUpstreamKey(const QByteArray &key) { m_key = key; }
    bool hasUpstreamKey() const { return !m_key.isEmpty(); }
    Session *session() const;

    // An upstream base URL as the user gave it: http(s) with a host; false with a reason.
    static bool checkUpstreamUrl(const QString &text, const QString &what, QUrl *url,
                                 QString *error);

    // Whether a request path is the tap's (/v1/..., or Ollama's /api/... when set).
    bool handles(const QString &path) const;
    // The publisher's token a tap caller presents: X-Inkstream-Token, else ?token=, else the
    // Authorization bearer (an OpenAI client's API key is the natural place for it).
    static QByteArray presentedToken(const HttpRequest &request);
    // Forwards the request (its body read). `authorizationIsOurs`: the caller's Authorization
    // carried the publisher's token, which never goes upstream.
    void forward(const ReplyWriter &reply, ServerMetrics *metrics, bool authorizationIsOurs);

    // Requests being forwarded now, and replies published so far.
    int activeExchanges() const { return int(m_exchanges.size()); }
    int repliesPublished() const { return m_replies; }

Q_SIGNALS:
    // A published reply ended (for tests and the window).
    void replyEnded(int number);

private:
    QUrl upstreamUrl(const HttpRequest &request) const;
    std::optional<TapApi> publishedApi(const HttpRequest &request) const;
    void exchangeFinished(TapExchange *exchange);

    QPointer<Session> m_session;
    QUrl m_openAi;
    QUrl m_ollama;
    QByteArray m_key;
    // Kept-alive upstream connections, as many as callers at once (no per-host cap: a caller
    // never waits for another's reply to end).
    UpstreamConnections *m_connections;
    QList<TapExchange *> m_exchanges;
    TapFileNames m_fileNames;
    std::shared_ptr<int> m_snippetNumbers = std::make_shared<int>(0);
    int m_replies = 0;
    int m_publishing = 0; // published replies not ended
    QString m_burstError; // a failure among the replies since the session last ended
};

} // namespace inkstream::core
