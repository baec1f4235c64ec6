#pragma once

#include <QtGlobal>
#include <chrono>

namespace inkstream::core {

// The limits every connection of the publisher lives under (docs/protocol.md, "Limits").
struct HttpLimits
{
    // A request head (request line and headers) larger than this gets 431 (414 for the line).
    qsizetype maxHeadBytes = 16 * 1024;
    int maxHeaders = 100;
    // A body larger than this gets 413: a declared Content-Length at once, a chunked body as
    // soon as it grows past it.
    qint64 maxBodyBytes = 8 * 1024 * 1024;
    // Each request must send its whole head within this of its first byte (of the connection
    // opening, for the first request), and its body must keep arriving, no gap longer than
    // this: 408 and close. 0 disables.
    std::chrono::milliseconds requestTimeout {30000};
    // A kept-alive connection that starts no new request within this is closed. 0 disables.
    std::chrono::milliseconds idleTimeout {60000};
    // After a refusal the connection reads and drops what the client still sends for at most
    // this, so it sees the answer rather than a reset, then closes.
    std::chrono::milliseconds lingerTime {2000};
    // Bytes a connection buffers beyond what it has parsed (TCP holds the rest).
    qint64 readBufferBytes = 64 * 1024;
};

} // namespace inkstream::core
