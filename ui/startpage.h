#pragma once

#include <QUrl>
#include <QWidget>

class QListWidget;
class QPushButton;

namespace inkstream::ui {

// What the window shows before any session: run the local demo, connect to a session, or pick
// one of the recent endpoints.
class StartPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StartPage)

public:
    explicit StartPage(QWidget *parent = nullptr);

    // Reads the recent endpoints again (ConnectDialog keeps them).
    void refresh();
    QPushButton *demoButton() const { return m_demo; }
    QPushButton *connectButton() const { return m_connect; }
    QListWidget *recentList() const { return m_recent; }

Q_SIGNALS:
    void demoRequested();
    void connectRequested();
    void recentChosen(const QUrl &url);

private:
    QPushButton *m_demo = nullptr;
    QPushButton *m_connect = nullptr;
    QListWidget *m_recent = nullptr;
};

} // namespace inkstream::ui
