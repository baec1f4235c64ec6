#include "ui/connectdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace inkstream::ui {

namespace {
const QString kRecentKey = QStringLiteral("connect/recentEndpoints");
} // namespace

ConnectDialog::ConnectDialog(const QUrl &current, QWidget *parent)
    : QDialog(parent)
    , m_url(new QComboBox(this))
    , m_dialect(new QComboBox(this))
    , m_transport(new QComboBox(this))
    , m_token(new QLineEdit(this))
    , m_model(new QLineEdit(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Connect to Session"));
    m_url->setEditable(true);
    m_url->setInsertPolicy(QComboBox::NoInsert);
    m_url->addItems(recentEndpoints());
    m_url->setEditText(current.isEmpty() ? m_url->itemText(0) : current.toString());
    m_url->lineEdit()->setPlaceholderText(QStringLiteral("http://HOST:PORT/api/sessions/ID"));
    m_url->setMinimumContentsLength(48);
    m_url->setAccessibleName(tr("Session URL"));
    const std::pair<core::Dialect, QString> dialects[]
        = {{core::Dialect::Auto, tr("Recognise from the stream")},
           {core::Dialect::Native, tr("Inkstream")},
           {core::Dialect::OpenAi, tr("OpenAI-compatible chat (Ollama, llama.cpp, vLLM, …)")},
           {core::Dialect::OpenAiResponses, tr("OpenAI Responses API")},
           {core::Dialect::Anthropic, tr("Anthropic Messages API")},
           {core::Dialect::Ollama, tr("Ollama native API (/api/chat)")},
           {core::Dialect::AiSdk, tr("Vercel AI SDK UI message stream")},
           {core::Dialect::ChatText, tr("Chat text stream (POST, seed 002)")},
           {core::Dialect::CodeStream, tr("Code stream (seed 000)")},
           {core::Dialect::SmartForge, tr("Smart Forge events (seed 001)")},
           {core::Dialect::ModelChunk, tr("model:chunk jobs (seed 003)")},
           {core::Dialect::WritingFlow, tr("Writing flow (seed 004)")}};
    for (const auto &[dialect, label] : dialects)
        m_dialect->addItem(label, core::DialectDecoder::dialectText(dialect));
    m_dialect->setToolTip(tr("The wire format of the endpoint; chat endpoints open a prompt box"));
    m_dialect->setAccessibleName(tr("Dialect"));
    const std::pair<core::SessionClient::TransportMode, QString> transports[]
        = {{core::SessionClient::TransportMode::Auto, tr("Automatic (SSE, WebSocket, polling)")},
           {core::SessionClient::TransportMode::Sse, tr("Server-sent events")},
           {core::SessionClient::TransportMode::WebSocket, tr("WebSocket")},
           {core::SessionClient::TransportMode::Polling, tr("Snapshot polling")},
           {core::SessionClient::TransportMode::SocketIo, tr("Socket.IO v4")}};
    for (const auto &[mode, label] : transports)
        m_transport->addItem(label, core::SessionClient::transportModeText(mode));
    m_transport->setAccessibleName(tr("Transport"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("Read token or API key, if the endpoint needs one"));
    m_token->setAccessibleName(tr("Token or API key"));
    m_token->setToolTip(tr("Sent as a bearer token (Anthropic: x-api-key); empty: the "
                           "provider's usual variable, such as ANTHROPIC_API_KEY or "
                           "OPENAI_API_KEY; never stored or logged"));
    m_model->setPlaceholderText(QStringLiteral("llama3.2"));
    m_model->setAccessibleName(tr("Model"));
    m_problem->setForegroundRole(QPalette::PlaceholderText);

    auto *form = new QFormLayout;
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("&Dialect:"), m_dialect);
    form->addRow(tr("T&ransport:"), m_transport);
    form->addRow(tr("&Token:"), m_token);
    form->addRow(tr("&Model:"), m_model);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));
    m_tap = m_buttons->addButton(tr("&Tap this server"), QDialogButtonBox::ActionRole);
    m_tap->setToolTip(tr("Tap an OpenAI-compatible server: start a local tap in front of the "
                         "URL (its /v1 base URL) and watch what any tool asks through it"));
    connect(m_tap, &QPushButton::clicked, this, [this] {
        m_tapChosen = true;
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_url, &QComboBox::editTextChanged, this, &ConnectDialog::validate);
    connect(m_model, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_dialect, &QComboBox::currentIndexChanged, this, &ConnectDialog::validate);
    validate();
}

QUrl ConnectDialog::url() const
{
    return parseUrl(m_url->currentText());
}

core::ConnectionSettings ConnectDialog::settings() const
{
    core::ConnectionSettings settings;
    settings.url = url();
    core::DialectDecoder::dialectFromText(m_dialect->currentData().toString(), &settings.dialect);
    core::SessionClient::transportModeFromText(m_transport->currentData().toString(),
                                               &settings.transport);
    settings.token = m_token->text();
    // A chat API's key may come from its usual variable (ANTHROPIC_API_KEY, OPENAI_API_KEY).
    for (const QString &variable : core::ChatRequest::keyVariables(settings.dialect)) {
        if (settings.token.isEmpty())
            settings.token = qEnvironmentVariable(qPrintable(variable));
    }
    settings.model = m_model->text().trimmed();
    return settings;
}

QUrl ConnectDialog::parseUrl(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    QUrl url = QUrl::fromUserInput(trimmed);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https")
        || url.host().isEmpty())
        return {};
    return url;
}

void ConnectDialog::validate()
{
    const core::ConnectionSettings chosen = settings();
    const bool openAi = core::ChatRequest::needsModel(chosen.dialect); // names a model
    m_model->setEnabled(openAi);
    // Prompt endpoints are posted to, one request per prompt, over HTTP.
    m_transport->setEnabled(!chosen.takesPrompts());
    QString problem;
    if (chosen.url.isEmpty() && !m_url->currentText().trimmed().isEmpty())
        problem = tr("Enter an http:// or https:// URL with a host.");
    else if (openAi && chosen.model.isEmpty())
        problem = tr("Name the model the endpoint should run.");
    const bool usable = !chosen.url.isEmpty() && (!openAi || !chosen.model.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(usable);
    m_tap->setEnabled(!chosen.url.isEmpty());
    m_problem->setText(problem);
}

QStringList ConnectDialog::recentEndpoints()
{
    return QSettings().value(kRecentKey).toStringList().mid(0, maxRecent());
}

void ConnectDialog::rememberEndpoint(const QUrl &url)
{
    QStringList recent = recentEndpoints();
    const QString text = url.toString();
    recent.removeAll(text);
    recent.prepend(text);
    QSettings().setValue(kRecentKey, recent.mid(0, maxRecent()));
}

} // namespace inkstream::ui
