#include "app/connectoptions.h"

#include "core/client/chatconversation.h"

#include <QCommandLineParser>

namespace inkstream::app {

ConnectOptions::ConnectOptions()
    : m_dialectOption(
        QStringLiteral("dialect"),
        QStringLiteral("The stream format: %1 (default auto: recognised from the URL, the "
                       "answer's headers or the first frames). openai, openai-responses, "
                       "anthropic, ollama, ai-sdk and chat-text take prompts.")
            .arg(core::DialectDecoder::dialectNames().join(QStringLiteral(", "))),
        QStringLiteral("DIALECT"), QStringLiteral("auto"))
    , m_transportOption(
          QStringLiteral("transport"),
          QStringLiteral("auto (SSE, then WebSocket, then polling when the others fail to "
                         "connect; default), sse, ws, poll, or socketio (a Socket.IO v4 server: "
                         "http://HOST:PORT/NAMESPACE?QUERY)."),
          QStringLiteral("KIND"), QStringLiteral("auto"))
    , m_tokenOptions(QStringLiteral(
          "Bearer token: the API key of a chat API (default: the environment's "
          "INKSTREAM_API_KEY, else OPENAI_API_KEY or, for anthropic, ANTHROPIC_API_KEY; "
          "anthropic sends it as x-api-key), the read token of a publisher (default: "
          "INKSTREAM_TOKEN), or a Socket.IO server's auth {\"token\"}. Never logged."))
    , m_modelOption(
          QStringLiteral("model"),
          QStringLiteral("Model name for openai, openai-responses, anthropic and ollama."),
          QStringLiteral("NAME"))
    , m_promptOption(QStringLiteral("prompt"),
                     QStringLiteral("Prompt to send: with --dialect openai to "
                                    "URL/v1/chat/completions (stream: true); with chat-text as "
                                    "{\"message\": TEXT}."),
                     QStringLiteral("TEXT"))
    , m_systemOption(QStringLiteral("system"),
                     QStringLiteral("System prompt sent with --prompt (openai, openai-responses: "
                                    "instructions, anthropic, ollama)."),
                     QStringLiteral("TEXT"))
    , m_maxTokensOption(QStringLiteral("max-tokens"),
                        QStringLiteral("max_tokens of an anthropic request (default %1).")
                            .arg(core::ChatRequest::DefaultMaxTokens),
                        QStringLiteral("N"))
    , m_temperatureOption(QStringLiteral("temperature"),
                          QStringLiteral("Sampling temperature sent with --prompt (ollama: in "
                                         "\"options\")."),
                          QStringLiteral("T"))
{ }

QList<QCommandLineOption> ConnectOptions::options() const
{
    return QList<QCommandLineOption> {m_dialectOption, m_transportOption} + m_tokenOptions.options()
        + QList<QCommandLineOption> {m_modelOption, m_promptOption, m_systemOption,
                                     m_maxTokensOption, m_temperatureOption};
}

void ConnectOptions::addTo(QCommandLineParser *parser) const
{
    parser->addOptions(options());
}

// A chat API's key comes from its variables; a stream's read token from INKSTREAM_TOKEN.
bool ConnectOptions::readToken(const QCommandLineParser &parser, QString *error)
{
    const bool chatApi = !core::ChatRequest::keyVariables(m_dialect).isEmpty()
        || core::ChatConversation::acceptsPrompts(m_dialect);
    QByteArray token;
    if (!m_tokenOptions.read(parser, {}, {},
                             chatApi ? core::ChatRequest::keyVariables(m_dialect)
                                     : QStringList {QStringLiteral("INKSTREAM_TOKEN")},
                             &token, error))
        return false;
    m_token = QString::fromUtf8(token);
    return true;
}

bool ConnectOptions::read(const QCommandLineParser &parser, QString *error)
{
    const QString dialect = parser.value(m_dialectOption);
    if (!core::DialectDecoder::dialectFromText(dialect, &m_dialect)) {
        *error = QStringLiteral("--dialect takes %1, not \"%2\"")
                     .arg(core::DialectDecoder::dialectNames().join(QStringLiteral(", ")), dialect);
        return false;
    }
    const QString transport = parser.value(m_transportOption);
    if (!core::SessionClient::transportModeFromText(transport, &m_transport)) {
        *error = QStringLiteral("--transport takes auto, sse, ws, poll or socketio, not \"%1\"")
                     .arg(transport);
        return false;
    }
    if (!readToken(parser, error))
        return false;
    m_modelSet = parser.isSet(m_modelOption);
    m_model = parser.value(m_modelOption);
    m_promptSet = parser.isSet(m_promptOption);
    m_prompt = parser.value(m_promptOption);
    m_request = {m_model, m_token, parser.value(m_systemOption),
                 core::ChatRequest::DefaultMaxTokens, std::nullopt};
    if (parser.isSet(m_maxTokensOption)) {
        bool ok = false;
        m_request.maxTokens = parser.value(m_maxTokensOption).toInt(&ok);
        if (!ok || m_request.maxTokens < 1) {
            *error = QStringLiteral("--max-tokens needs a positive number");
            return false;
        }
    }
    if (parser.isSet(m_temperatureOption)) {
        bool ok = false;
        const double temperature = parser.value(m_temperatureOption).toDouble(&ok);
        if (!ok || temperature < 0) {
            *error = QStringLiteral("--temperature needs a number of 0 or more");
            return false;
        }
        m_request.temperature = temperature;
    }
    return true;
}

} // namespace inkstream::app
