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
    , m_token(new QLineEdit(this))
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
    m_dialect->addItem(tr("Inkstream (native SSE)"), QStringLiteral("native"));
    m_dialect->setToolTip(tr("The wire format of the endpoint"));
    m_dialect->setAccessibleName(tr("Dialect"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("Not needed for Inkstream publishers"));
    m_token->setAccessibleName(tr("Token or API key"));
    // The native client sends no credentials yet; the field is shown so the dialog keeps its
    // shape when endpoints that need one arrive, but it cannot be filled in before then.
    m_token->setEnabled(false);
    m_problem->setForegroundRole(QPalette::PlaceholderText);

    auto *form = new QFormLayout;
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("&Dialect:"), m_dialect);
    form->addRow(tr("&Token:"), m_token);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_url, &QComboBox::editTextChanged, this, &ConnectDialog::validate);
    validate();
}

QUrl ConnectDialog::url() const
{
    return parseUrl(m_url->currentText());
}

QString ConnectDialog::dialect() const
{
    return m_dialect->currentData().toString();
}

QString ConnectDialog::token() const
{
    return m_token->text();
}

QUrl ConnectDialog::parseUrl(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    const QUrl url = QUrl::fromUserInput(trimmed);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https")
        || url.host().isEmpty())
        return {};
    return url;
}

void ConnectDialog::validate()
{
    const bool usable = !url().isEmpty();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(usable);
    m_problem->setText(usable || m_url->currentText().trimmed().isEmpty()
                           ? QString()
                           : tr("Enter an http:// or https:// URL with a host."));
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
