#pragma once

class QUrl;

namespace inkstream::core {

// The URLs of an Inkstream session: whether a URL names one, and its stream and snapshot
// endpoints.
class SessionUrls final
{
public:
    // .../api/sessions/ID (or its /stream): an Inkstream publisher's session.
    static bool isNativeSessionUrl(const QUrl &url);
    // ".../stream" appended to .../api/sessions/ID; any other URL (.../stream itself, an nchan
    // subscriber URL) is kept as it is.
    static QUrl streamUrlFor(const QUrl &sessionUrl);
    // ".../snapshot" for a session (or stream) URL, query kept.
    static QUrl snapshotUrlFor(const QUrl &sessionUrl);
};

} // namespace inkstream::core
