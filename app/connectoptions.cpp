#include "app/connectoptions.h"

#include <QCommandLineParser>

namespace inkstream::app {

ConnectOptions::ConnectOptions()
    : m_dialectOption(
        QStringLiteral("dialect"),
        QStringLiteral("The stream format: %1 (default auto: recognised from the first "
                       "frames). openai and chat-text take prompts.")
            .arg(core::DialectDecoder::dialectNames().join(QStringLiteral(", "))),
        QStringLiteral("DIALECT"), QStringLiteral("auto"))
    , m_transportOption(
          QStringLiteral("transport"),
          QStringLiteral("auto (SSE, then WebSocket, then polling when the others fail to "
                         "connect; default), sse, ws, poll, or socketio (a Socket.IO v4 server: "
                         "http://HOST:PORT/NAMESPACE?QUERY)."),
          QStringLiteral("KIND"), QStringLiteral("auto"))
    , m_tokenOption(
          QStringLiteral("token"),
          QStringLiteral("Bearer token: the API key for --dialect openai (default: the "
                         "environment's INKSTREAM_API_KEY, else OPENAI_API_KEY), the read token "
                         "of a publisher, or a Socket.IO server's auth {\"token\"}. Never logged."),
          QStringLiteral("TOKEN"))
    , m_modelOption(QStringLiteral("model"), QStringLiteral("Model name for --dialect openai."),
                    QStringLiteral("NAME"))
    , m_promptOption(QStringLiteral("prompt"),
                     QStringLiteral("Prompt to send: with --dialect openai to "
                                    "URL/v1/chat/completions (stream: true); with chat-text as "
                                    "{\"message\": TEXT}."),
                     QStringLiteral("TEXT"))
{ }

QList<QCommandLineOption> ConnectOptions::options() const
{
    return {m_dialectOption, m_transportOption, m_tokenOption, m_modelOption, m_promptOption};
}

void ConnectOptions::addTo(QCommandLineParser *parser) const
{
    parser->addOptions(options());
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
    m_tokenSet = parser.isSet(m_tokenOption);
    m_token = parser.value(m_tokenOption);
    if (m_dialect == core::Dialect::OpenAi) {
        for (const char *variable : {"INKSTREAM_API_KEY", "OPENAI_API_KEY"}) {
            if (m_token.isEmpty())
                m_token = qEnvironmentVariable(variable);
        }
    }
    m_modelSet = parser.isSet(m_modelOption);
    m_model = parser.value(m_modelOption);
    m_promptSet = parser.isSet(m_promptOption);
    m_prompt = parser.value(m_promptOption);
    return true;
}

} // namespace inkstream::app
