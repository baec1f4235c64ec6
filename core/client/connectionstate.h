#pragma once

#include <QString>

namespace inkstream::core {

// Where a client's connection to a stream stands; the UI's status bar and `watch` show it.
//   Idle ─► Connecting ─► Connected ─► Streaming ─┬─► Retrying ─► Connecting ...
//                                                 ├─► Disconnected (closed, or HTTP 204)
//                                                 └─► Error (fatal: 401/403/404, bad content, gave
//                                                 up)
enum class ConnectionState {
    Idle, // never connected
    Connecting, // request sent, no response headers yet
    Connected, // 200 with text/event-stream, no event yet
    Streaming, // events are arriving
    Retrying, // the connection dropped; waiting out the backoff delay
    Disconnected, // closed on purpose (by us or by the server's 204); no reconnection
    Error, // failed for good; errorString() says why
};

// Lower-case name: "idle", "connecting", ... "error".
QString connectionStateText(ConnectionState state);

// True while a connection is open or being re-established.
bool isConnectionActive(ConnectionState state);

} // namespace inkstream::core
