#include "app/tapoptions.h"

#include "core/server/accesspolicy.h"
#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/upstreamtap.h"

#include <QCommandLineParser>

namespace inkstream::app {

TapOptions::TapOptions()
    : m_openAiUpstream(QStringLiteral("openai-upstream"),
                       QStringLiteral("Also answer the OpenAI-compatible API under /v1/: forward "
                                      "every request to URL (e.g. http://127.0.0.1:11434/v1) "
                                      "and publish the chat replies that pass into the session "
                                      "(docs/tap.md)."),
                       QStringLiteral("URL"))
    , m_ollamaUpstream(QStringLiteral("ollama-upstream"),
                       QStringLiteral("Also answer Ollama's native API (/api/chat, "
                                      "/api/generate, ...) by forwarding it to URL (e.g. "
                                      "http://127.0.0.1:11434), publishing the same way."),
                       QStringLiteral("URL"))
    , m_key(QStringLiteral("openai-key"),
            QStringLiteral("The upstream's API key, sent instead of the caller's "
                           "Authorization; also OPENAI_API_KEY. Never logged."),
            QStringLiteral("KEY"))
    , m_keyFile(QStringLiteral("openai-key-file"),
                QStringLiteral("Read the upstream's API key from the first line of FILE."),
                QStringLiteral("FILE"))
{ }

void TapOptions::addTo(QCommandLineParser *parser) const
{
    parser->addOptions({m_openAiUpstream, m_ollamaUpstream, m_key, m_keyFile});
}

bool TapOptions::read(const QCommandLineParser &parser, QString *error)
{
    if (parser.isSet(m_openAiUpstream)
        && !core::UpstreamTap::checkUpstreamUrl(
            parser.value(m_openAiUpstream), QStringLiteral("--openai-upstream"), &m_openAi, error))
        return false;
    if (parser.isSet(m_ollamaUpstream)
        && !core::UpstreamTap::checkUpstreamUrl(
            parser.value(m_ollamaUpstream), QStringLiteral("--ollama-upstream"), &m_ollama, error))
        return false;
    if (parser.isSet(m_key) && parser.isSet(m_keyFile)) {
        *error = QStringLiteral("give the upstream key either with --openai-key or with "
                                "--openai-key-file");
        return false;
    }
    if ((parser.isSet(m_key) || parser.isSet(m_keyFile)) && !isSet()) {
        *error = QStringLiteral("--openai-key goes with --openai-upstream or --ollama-upstream");
        return false;
    }
    m_keyValue.clear();
    if (parser.isSet(m_keyFile)) {
        if (!core::AccessPolicy::readTokenFile(parser.value(m_keyFile), &m_keyValue, error))
            return false;
    } else {
        const bool given = parser.isSet(m_key);
        m_keyValue = given ? parser.value(m_key).toUtf8() : qgetenv("OPENAI_API_KEY");
        if (!core::AccessPolicy::normalizeToken(
                &m_keyValue,
                given ? QStringLiteral("--openai-key") : QStringLiteral("OPENAI_API_KEY"), error))
            return false;
    }
    return true;
}

core::UpstreamTap *TapOptions::attachTo(core::Session *session, core::Publisher *publisher) const
{
    if (!isSet())
        return nullptr;
    auto *tap = new core::UpstreamTap(session, session);
    tap->setOpenAiUpstream(m_openAi);
    tap->setOllamaUpstream(m_ollama);
    tap->setUpstreamKey(m_keyValue);
    publisher->setTap(tap);
    return tap;
}

QStringList TapOptions::describe(const QUrl &publisherBase) const
{
    QStringList lines;
    const QString base = publisherBase.toString();
    const QString key = m_keyValue.isEmpty() ? QStringLiteral("the caller's key goes through")
                                             : QStringLiteral("the tap sends its own key");
    if (!m_openAi.isEmpty())
        lines.append(QStringLiteral("tapping %1: point OpenAI-compatible clients at %2/v1 (%3)")
                         .arg(m_openAi.toString(QUrl::RemoveUserInfo), base, key));
    if (!m_ollama.isEmpty())
        lines.append(QStringLiteral("tapping %1: point Ollama clients at %2 (%3)")
                         .arg(m_ollama.toString(QUrl::RemoveUserInfo), base, key));
    return lines;
}

} // namespace inkstream::app
