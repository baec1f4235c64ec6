#pragma once

#include <QByteArray>
#include <QCommandLineOption>
#include <QStringList>
#include <QUrl>

class QCommandLineParser;

namespace inkstream::core {
class Publisher;
class Session;
class UpstreamTap;
} // namespace inkstream::core

namespace inkstream::app {

// `--openai-upstream URL`, `--ollama-upstream URL`, `--openai-key KEY` and `--openai-key-file
// FILE` (else OPENAI_API_KEY), for `serve` and the window's --tap: the publisher becomes a tap
// on an OpenAI-compatible (or Ollama) server, publishing what passes into a session
// (docs/tap.md).
class TapOptions final
{
public:
    TapOptions();

    void addTo(QCommandLineParser *parser) const;
    // Reads the parsed values; false with a message for the user when one is unusable.
    bool read(const QCommandLineParser &parser, QString *error);
    bool isSet() const { return !m_openAi.isEmpty() || !m_ollama.isEmpty(); }
    void setOpenAiUpstream(const QUrl &url) { m_openAi = url; }

    // A tap that publishes into `session`, answering through `publisher`; owned by the session
    // (deleting the session stops it). nullptr when no upstream was given.
    core::UpstreamTap *attachTo(core::Session *session, core::Publisher *publisher) const;
    // The lines that tell a user where to point their tools.
    QStringList describe(const QUrl &publisherBase) const;

private:
    QCommandLineOption m_openAiUpstream;
    QCommandLineOption m_ollamaUpstream;
    QCommandLineOption m_key;
    QCommandLineOption m_keyFile;
    QUrl m_openAi;
    QUrl m_ollama;
    QByteArray m_keyValue;
};

} // namespace inkstream::app
