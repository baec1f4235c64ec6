#pragma once

#include "app/tokenoptions.h"
#include "core/client/chatrequest.h"
#include "core/client/sessionclient.h"
#include "core/protocol/dialectdecoder.h"

#include <QCommandLineOption>
#include <QList>
#include <QString>

class QCommandLineParser;

namespace inkstream::app {

// `--dialect`, `--transport`, `--token`, `--model`, `--prompt` and the request's `--system`,
// `--max-tokens` and `--temperature`, shared by `watch` and the window's `--connect`: what a stream
// endpoint speaks and how to reach and talk to it.
class ConnectOptions final
{
public:
    ConnectOptions();

    void addTo(QCommandLineParser *parser) const;
    QList<QCommandLineOption> options() const;

    // Reads the parsed values; false with a message for the user when one is unusable.
    bool read(const QCommandLineParser &parser, QString *error);
    core::Dialect dialect() const { return m_dialect; }
    core::SessionClient::TransportMode transport() const { return m_transport; }
    // --token or --token-file; without either, for a chat API the environment's
    // INKSTREAM_API_KEY, else the provider's (OPENAI_API_KEY, ANTHROPIC_API_KEY:
    // ChatRequest::keyVariables), for a stream INKSTREAM_TOKEN. Empty: none.
    QString token() const { return m_token; }
    QString model() const { return m_model; }
    bool isModelSet() const { return m_modelSet; }
    QString prompt() const { return m_prompt; }
    bool isPromptSet() const { return m_promptSet; }
    // Model, key, system prompt, max tokens and temperature for a prompt's request.
    core::ChatRequest::Options requestOptions() const { return m_request; }

private:
    bool readToken(const QCommandLineParser &parser, QString *error);

    QCommandLineOption m_dialectOption;
    QCommandLineOption m_transportOption;
    TokenOptions m_tokenOptions;
    QCommandLineOption m_modelOption;
    QCommandLineOption m_promptOption;
    QCommandLineOption m_systemOption;
    QCommandLineOption m_maxTokensOption;
    QCommandLineOption m_temperatureOption;
    core::ChatRequest::Options m_request;
    core::Dialect m_dialect = core::Dialect::Auto;
    core::SessionClient::TransportMode m_transport = core::SessionClient::TransportMode::Auto;
    QString m_token;
    QString m_model;
    QString m_prompt;
    bool m_modelSet = false;
    bool m_promptSet = false;
};

} // namespace inkstream::app
