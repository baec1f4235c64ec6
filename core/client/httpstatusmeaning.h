#pragma once

#include <QString>

namespace inkstream::core {

// What an HTTP status that came instead of a stream means, the same for every transport (SSE,
// polling, WebSocket, Socket.IO), and the words the reasons are given in.
class HttpStatusMeaning final
{
public:
    enum class Verdict {
        EndedForGood, // 204: the server says not to reconnect (WHATWG EventSource)
        Refused, // 401, 403, 404: the same request would get the same answer
        Transient, // 408, 429, 5xx: busy or broken for now; worth another try
        Other, // anything else: the transport fails in its own words
    };

    static Verdict classify(int status);
    // Why a Refused status refused: "authentication required", "access denied", "no such
    // session".
    static QString refusal(int status);
    // "PREFIX (HTTP STATUS at WHERE)", and ": DETAIL" when the server explained.
    static QString text(const QString &prefix, int status, const QString &where,
                        const QString &detail = {});
};

} // namespace inkstream::core
