#pragma once

#include "core/server/httprequest.h"
#include "core/server/httprequesthandler.h"

#include <QList>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <functional>

namespace inkstream::core {

class ReplyWriter;
class Session;
class SessionHub;

// Maps a request's method and path to the handler of its route, and answers on its own what
// no route takes: 404 (no route; a session that does not exist) and 405 (with Allow).
class RouteTable final
{
public:
    using Method = HttpRequest::Method;
    using HeadVerdict = HttpRequestHandler::HeadVerdict;
    // `session`: the session the path's {session} segment names; null for paths without one.
    using Handler = std::function<void(const ReplyWriter &reply, Session *session)>;
    enum class Body {
        Ignored, // run on the head
        Read, // run once the body has been read
    };

    // The segment of a pattern that matches the id of an existing session of the hub.
    static constexpr QStringView kSession = u"{session}";

    explicit RouteTable(SessionHub *hub);

    // `pattern` is a path ("/api/sessions/{session}/stream"); empty segments are ignored in it
    // as in request paths. A path with several methods lists them in the order added (405).
    // Its {session} is looked up once the method is allowed: 404 when it does not exist.
    void add(Method method, const QString &pattern, Handler handler, Body body = Body::Ignored);
    // Every path that starts with `pattern` (ending in {session}) names a session that must
    // exist before anything else about the request is considered: 404 when it does not,
    // whatever its method and the rest of its path.
    void setSessionScope(const QString &pattern);

    // One table for both turns of a request: on its head (`bodyRead` false) a route that reads
    // the body answers ReadBody, and is run when route() is called again with the body read;
    // everything else (refusals, 404, 405, routes without a body) is answered on the head.
    // Routes of sessions ({session}, or in the session scope) exist only while the hub does.
    HeadVerdict route(const ReplyWriter &reply, bool bodyRead) const;

private:
    struct Endpoint
    {
        Method method;
        Handler handler;
        Body body;
    };
    struct Path
    {
        QStringList segments;
        QList<Endpoint> endpoints; // in the order added
    };

    bool needsHub(const Path &path) const;
    HeadVerdict dispatch(const Path &path, const QStringList &parts, const ReplyWriter &reply,
                         bool bodyRead) const;

    QPointer<SessionHub> m_hub;
    QList<Path> m_paths;
    QStringList m_sessionScope; // segments, the last one kSession; empty for none
};

} // namespace inkstream::core
