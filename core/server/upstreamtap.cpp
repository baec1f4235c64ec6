#include "core/server/upstreamtap.h"

#include "core/server/accesspolicy.h"
#include "core/server/httprequest.h"
#include "core/server/replywriter.h"
#include "core/server/serverlog.h"
#include "core/server/session.h"
#include "core/server/tapexchange.h"
#include "core/server/tapreplypublisher.h"
#include "core/server/upstreamconnections.h"

#include <QUrlQuery>

namespace inkstream::core {

namespace {

// Request headers that stay with the caller's connection (or are the tap's own business).
bool staysHere(const QByteArray &name)
{
    static const QByteArrayList names {"connection",
                                       "keep-alive",
                                       "proxy-connection",
                                       "proxy-authorization",
                                       "te",
                                       "trailer",
                                       "transfer-encoding",
                                       "upgrade",
                                       "host",
                                       "content-length",
                                       "accept-encoding",
                                       "expect",
                                       "x-inkstream-token"};
    return names.contains(name);
}

QString joinedPath(const QUrl &base, QStringView rest)
{
    QString path = base.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    return path + rest;
}

} // namespace

UpstreamTap::UpstreamTap(Session *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_connections(new UpstreamConnections(this))
{ }

UpstreamTap::~UpstreamTap()
{
    // The exchanges are children: they go first, cancelling what they still forward.
    qDeleteAll(m_exchanges);
}

Session *UpstreamTap::session() const
{
    return m_session;
}

bool UpstreamTap::checkUpstreamUrl(const QString &text, const QString &what, QUrl *url,
                                   QString *error)
{
    const QUrl parsed(text.trimmed(), QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != u"http" && parsed.scheme() != u"https")
        || parsed.host().isEmpty()) {
        if (error)
            *error = QStringLiteral("%1 needs an http(s) URL such as http://127.0.0.1:11434/v1, "
                                    "not %2")
                         .arg(what, text);
        return false;
    }
    *url = parsed.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
    return true;
}

bool UpstreamTap::handles(const QString &path) const
{
    if (!m_openAi.isEmpty() && (path == u"/v1" || path.startsWith(u"/v1/")))
        return true;
    return !m_ollama.isEmpty() && path.startsWith(u"/api/") && path != u"/api/sessions"
        && !path.startsWith(u"/api/sessions/");
}

QByteArray UpstreamTap::presentedToken(const HttpRequest &request)
{
    QByteArray own = request.value(QByteArrayLiteral("x-inkstream-token")).trimmed();
    if (!own.isEmpty())
        return own;
    const QString query
        = request.query().queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
    if (!query.isEmpty())
        return query.toUtf8();
    return AccessPolicy::presentedToken(request.value(QByteArrayLiteral("authorization")), {});
}

QUrl UpstreamTap::upstreamUrl(const HttpRequest &request) const
{
    const QString path = request.url().path();
    const bool openAi = path == u"/v1" || path.startsWith(u"/v1/");
    QUrl url = openAi ? m_openAi : m_ollama;
    url.setPath(openAi ? joinedPath(url, QStringView(path).mid(3)) : joinedPath(url, path));
    QUrlQuery query(request.url());
    query.removeAllQueryItems(QStringLiteral("token")); // the publisher's, not the upstream's
    url.setQuery(query.isEmpty() ? QString() : query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

std::optional<TapApi> UpstreamTap::publishedApi(const HttpRequest &request) const
{
    if (request.method() != HttpRequest::Method::Post)
        return std::nullopt;
    QString path = request.url().path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (!m_openAi.isEmpty() && path == u"/v1/chat/completions")
        return TapApi::OpenAiChat;
    if (!m_ollama.isEmpty() && path == u"/api/chat")
        return TapApi::OllamaChat;
    if (!m_ollama.isEmpty() && path == u"/api/generate")
        return TapApi::OllamaGenerate;
    return std::nullopt;
}

void UpstreamTap::forward(const ReplyWriter &reply, ServerMetrics *metrics,
                          bool authorizationIsOurs)
{
    const HttpRequest &request = reply.request();
    TapExchange::Headers headers;
    const bool replaceAuthorization = authorizationIsOurs || hasUpstreamKey();
    for (const auto &[name, value] : request.headers()) {
        if (staysHere(name) || (replaceAuthorization && name == "authorization"))
            continue;
        headers.append({name, value});
    }
    if (hasUpstreamKey())
        headers.append({QByteArrayLiteral("authorization"), QByteArrayLiteral("Bearer ") + m_key});

    std::unique_ptr<TapReplyPublisher> publisher;
    if (const std::optional<TapApi> api = publishedApi(request); api && m_session) {
        publisher = std::make_unique<TapReplyPublisher>(m_session, *api, ++m_replies, &m_fileNames,
                                                        m_snippetNumbers);
        ++m_publishing;
    }
    TapReplyPublisher *published = publisher.get();
    auto *exchange = new TapExchange(request, reply.socket(), upstreamUrl(request),
                                     std::move(headers), std::move(publisher), metrics, this);
    m_exchanges.append(exchange);
    connect(exchange, &TapExchange::finished, this, &UpstreamTap::exchangeFinished);
    exchange->start(m_connections);
    // The request is on its way first: the prompt is published while the upstream thinks.
    if (published && published->outcome() == TapReplyPublisher::Outcome::Streaming)
        published->publishPrompt(request.body());
}

void UpstreamTap::exchangeFinished(TapExchange *exchange)
{
    m_exchanges.removeOne(exchange);
    const TapReplyPublisher *publisher = exchange->publisher();
    if (!publisher)
        return;
    if (publisher->outcome() == TapReplyPublisher::Outcome::Failed)
        m_burstError = publisher->error();
    if (--m_publishing == 0 && m_session) {
        m_session->publish(m_burstError.isEmpty()
                               ? SessionEvent {SessionEvent::Type::Complete, {}}
                               : SessionEvent {SessionEvent::Type::Error, m_burstError});
        m_burstError.clear();
    }
    Q_EMIT replyEnded(m_replies);
}

} // namespace inkstream::core
