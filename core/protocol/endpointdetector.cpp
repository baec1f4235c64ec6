#include "core/protocol/endpointdetector.h"

namespace inkstream::core {

QString EndpointDetector::trimmedPath(const QUrl &url)
{
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    return path;
}

bool EndpointDetector::isSocketIoUrl(const QUrl &url)
{
    return url.path().contains(QStringLiteral("/socket.io/"))
        || trimmedPath(url).endsWith(QStringLiteral("/socket.io"));
}

std::optional<DialectDecoder::Detection> EndpointDetector::fromUrl(const QUrl &url)
{
    const QString path = trimmedPath(url);
    // Seed 003's model-chunk is the dialect known to travel over Socket.IO.
    if (isSocketIoUrl(url))
        return DialectDecoder::Detection {
            Dialect::ModelChunk,
            QStringLiteral("a /socket.io/ path: Socket.IO, seed 003's model-chunk events")};
    if (path.endsWith(QStringLiteral("/v1/messages")))
        return DialectDecoder::Detection {
            Dialect::Anthropic, QStringLiteral("a /v1/messages path (Anthropic Messages API)")};
    if (path.endsWith(QStringLiteral("/v1/responses")))
        return DialectDecoder::Detection {
            Dialect::OpenAiResponses,
            QStringLiteral("a /v1/responses path (OpenAI Responses API)")};
    if (path.endsWith(QStringLiteral("/chat/completions")))
        return DialectDecoder::Detection {
            Dialect::OpenAi, QStringLiteral("a /chat/completions path (OpenAI chat completions)")};
    return std::nullopt;
}

std::optional<DialectDecoder::Detection> EndpointDetector::fromResponse(const QUrl &url,
                                                                        const HeaderLookup &header)
{
    const QByteArray uiStream = header(QByteArrayLiteral("x-vercel-ai-ui-message-stream"));
    if (!uiStream.isEmpty())
        return DialectDecoder::Detection {
            Dialect::AiSdk,
            QStringLiteral("the answer's x-vercel-ai-ui-message-stream: %1 header")
                .arg(QString::fromLatin1(uiStream.trimmed()))};
    QByteArray media = header(QByteArrayLiteral("Content-Type"));
    media = media.left(media.indexOf(';') < 0 ? media.size() : media.indexOf(';'))
                .trimmed()
                .toLower();
    if (media == "application/x-ndjson" || media == "application/ndjson") {
        const QString path = trimmedPath(url);
        const bool ollamaPath = path.endsWith(QStringLiteral("/api/chat"))
            || path.endsWith(QStringLiteral("/api/generate"));
        return DialectDecoder::Detection {
            Dialect::Ollama,
            ollamaPath ? QStringLiteral("an application/x-ndjson answer from %1 (Ollama)").arg(path)
                       : QStringLiteral("an application/x-ndjson answer (Ollama's framing)")};
    }
    return std::nullopt;
}

} // namespace inkstream::core
