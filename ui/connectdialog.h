#pragma once

#include <QDialog>
#include <QStringList>
#include <QUrl>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace inkstream::ui {

// Ctrl+O: where to follow a session. The URL field offers the recent endpoints (kept in
// QSettings, newest first); the dialect is Inkstream's native SSE for now (the client speaks
// nothing else yet); OK stays disabled until the URL is an http(s) URL with a host.
class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)

public:
    explicit ConnectDialog(const QUrl &current, QWidget *parent = nullptr);

    QUrl url() const; // empty while the text is not a usable URL
    QString dialect() const; // "native"
    QString token() const;
    QComboBox *urlField() const { return m_url; }
    QLineEdit *tokenField() const { return m_token; }
    QDialogButtonBox *buttons() const { return m_buttons; }

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
    QLineEdit *m_token = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace inkstream::ui
