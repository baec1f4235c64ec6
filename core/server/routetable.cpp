#include "core/server/routetable.h"

#include "core/server/replywriter.h"
#include "core/server/sessionhub.h"

#include <algorithm>

namespace inkstream::core {

namespace {

using Status = HttpStatus;

QStringList segmentsOf(const QString &path)
{
    return path.split(u'/', Qt::SkipEmptyParts);
}

bool matches(const QStringList &pattern, const QStringList &parts)
{
    if (pattern.size() != parts.size())
        return false;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != RouteTable::kSession && pattern[i] != parts[i])
            return false;
    }
    return true;
}

void respondUnknownSession(const ReplyWriter &reply, const QString &id)
{
    reply.respondError(Status::NotFound, QStringLiteral("unknown session"),
                       QStringLiteral("there is no session with id \"%1\"").arg(id));
}

} // namespace

RouteTable::RouteTable(SessionHub *hub)
    : m_hub(hub)
{ }

void RouteTable::add(Method method, const QString &pattern, Handler handler, Body body)
{
    const QStringList segments = segmentsOf(pattern);
    auto path = std::find_if(m_paths.begin(), m_paths.end(),
                             [&](const Path &candidate) { return candidate.segments == segments; });
    if (path == m_paths.end())
        path = m_paths.insert(m_paths.end(), Path {segments, {}});
    path->endpoints.append(Endpoint {method, std::move(handler), body});
}

void RouteTable::setSessionScope(const QString &pattern)
{
    m_sessionScope = segmentsOf(pattern);
    Q_ASSERT(!m_sessionScope.isEmpty() && m_sessionScope.constLast() == kSession);
}

bool RouteTable::needsHub(const Path &path) const
{
    if (path.segments.contains(kSession))
        return true;
    // The scope's own parent ("/api/sessions" for "/api/sessions/{session}") is of it too.
    const QStringList scopeParent = m_sessionScope.mid(0, m_sessionScope.size() - 1);
    return !m_sessionScope.isEmpty() && path.segments.mid(0, scopeParent.size()) == scopeParent;
}

RouteTable::HeadVerdict RouteTable::route(const ReplyWriter &reply, bool bodyRead) const
{
    const HttpRequest &request = reply.request();
    const QString path = request.url().path();
    const QStringList parts = segmentsOf(path);

    const qsizetype scopeSlot = m_sessionScope.size() - 1;
    if (m_hub && !m_sessionScope.isEmpty() && parts.size() > scopeSlot
        && matches(m_sessionScope, parts.mid(0, m_sessionScope.size()))
        && !m_hub->session(parts[scopeSlot])) {
        respondUnknownSession(reply, parts[scopeSlot]);
        return HeadVerdict::Answered;
    }
    for (const Path &candidate : m_paths) {
        if (matches(candidate.segments, parts) && (m_hub || !needsHub(candidate)))
            return dispatch(candidate, parts, reply, bodyRead);
    }
    reply.respondError(
        Status::NotFound, QStringLiteral("not found"),
        QStringLiteral("no route for %1 %2").arg(QString::fromLatin1(request.methodName()), path));
    return HeadVerdict::Answered;
}

RouteTable::HeadVerdict RouteTable::dispatch(const Path &path, const QStringList &parts,
                                             const ReplyWriter &reply, bool bodyRead) const
{
    const Method method = reply.request().method();
    const auto endpoint
        = std::find_if(path.endpoints.cbegin(), path.endpoints.cend(),
                       [method](const Endpoint &candidate) { return candidate.method == method; });
    if (endpoint == path.endpoints.cend()) {
        QByteArrayList names;
        for (const Endpoint &allowed : path.endpoints)
            names.append(HttpRequest::nameOfMethod(allowed.method));
        QString accepted = QString::fromLatin1(names.constLast());
        if (names.size() > 1)
            accepted = QString::fromLatin1(names.mid(0, names.size() - 1).join(", "))
                + QStringLiteral(" and ") + accepted;
        reply.respondError(
            Status::MethodNotAllowed, QStringLiteral("method not allowed"),
            QStringLiteral("%1 accepts %2").arg(reply.request().url().path(), accepted),
            {{QByteArrayLiteral("Allow"), names.join(", ")}});
        return HeadVerdict::Answered;
    }
    Session *session = nullptr;
    if (const qsizetype slot = path.segments.indexOf(kSession); slot >= 0) {
        session = m_hub->session(parts[slot]);
        if (!session) {
            respondUnknownSession(reply, parts[slot]);
            return HeadVerdict::Answered;
        }
    }
    if (endpoint->body == Body::Read && !bodyRead)
        return HeadVerdict::ReadBody;
    endpoint->handler(reply, session);
    return HeadVerdict::Answered;
}

} // namespace inkstream::core
