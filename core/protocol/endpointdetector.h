#pragma once

#include "core/protocol/dialectdecoder.h"

#include <QByteArray>
#include <QUrl>
#include <functional>
#include <optional>

namespace inkstream::core {

// Tells a stream's dialect before its first frame (docs/protocol.md, "Auto-detection"): from
// the URL (a /socket.io/ path, /v1/messages, /v1/responses, /chat/completions), or from the
// answer's Content-Type and headers (application/x-ndjson, x-vercel-ai-ui-message-stream).
class EndpointDetector final
{
public:
    using HeaderLookup = std::function<QByteArray(const QByteArray &name)>;

    static std::optional<DialectDecoder::Detection> fromUrl(const QUrl &url);
    static std::optional<DialectDecoder::Detection> fromResponse(const QUrl &url,
                                                                 const HeaderLookup &header);
    // A Socket.IO server's path (`/socket.io/`, as a user copies it from the browser).
    static bool isSocketIoUrl(const QUrl &url);
    // The URL's path without trailing slashes ("/v1/messages/" -> "/v1/messages").
    static QString trimmedPath(const QUrl &url);
};

} // namespace inkstream::core
