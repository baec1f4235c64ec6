#pragma once

#include "core/client/connectionsettings.h"

#include <QDialog>
#include <QStringList>
#include <QUrl>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace inkstream::ui {

// Ctrl+O: where to follow a session, and how. The URL field offers the recent endpoints (kept
// in QSettings, newest first); the dialect (auto-detected by default) and transport choose how
// the stream is read; the token goes as a bearer token (a publisher's read token, an API key,
// a Socket.IO auth token) and is never stored; the model names what an OpenAI-compatible
// endpoint runs. OK stays disabled until the URL is an http(s) URL with a host. "Tap" asks
// instead for a local tap in front of the URL as an OpenAI-compatible server (docs/tap.md).
class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)

public:
    explicit ConnectDialog(const QUrl &current, QWidget *parent = nullptr);

    QUrl url() const; // empty while the text is not a usable URL
    core::ConnectionSettings settings() const;
    QComboBox *dialectField() const { return m_dialect; }
    QComboBox *transportField() const { return m_transport; }
    QLineEdit *modelField() const { return m_model; }
    QComboBox *urlField() const { return m_url; }
    QLineEdit *tokenField() const { return m_token; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    QPushButton *tapButton() const { return m_tap; }
    // The dialog was closed with "Tap": url() is the upstream to tap, not a session to follow.
    bool tapChosen() const { return m_tapChosen; }

    // Recent endpoints, newest first, at most maxRecent().
    static QStringList recentEndpoints();
    static void rememberEndpoint(const QUrl &url);
    static constexpr int maxRecent() { return 8; }
    // The URL `text` names, or an empty one when it is not http(s) with a host.
    static QUrl parseUrl(const QString &text);

private:
    void validate();

    QComboBox *m_url = nullptr;
    QComboBox *m_dialect = nullptr;
    QComboBox *m_transport = nullptr;
    QLineEdit *m_token = nullptr;
    QLineEdit *m_model = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_tap = nullptr;
    bool m_tapChosen = false;
};

} // namespace inkstream::ui
