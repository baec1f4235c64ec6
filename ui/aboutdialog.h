#pragma once

#include <QDialog>

class QPushButton;
class QTabWidget;

namespace inkstream::ui {

// Help > About Inkstream: what the program is (version, licence, where to report bugs), what
// it is built from (Qt at build and run time, the highlighting backend, the platform) and where
// it keeps things (settings, viewer state) — with a button that copies all of it, as a bug
// report wants it.
class AboutDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AboutDialog)

public:
    // `highlighter`: the name of the highlighting backend in use.
    explicit AboutDialog(const QString &highlighter, QWidget *parent = nullptr);

    // The facts of the Components and Paths tabs as plain text, one per line.
    QString report() const { return m_report; }
    QTabWidget *tabs() const { return m_tabs; }
    QPushButton *copyButton() const { return m_copy; }

    static QString homepage();
    static QString bugTracker();

private:
    QTabWidget *m_tabs = nullptr;
    QPushButton *m_copy = nullptr;
    QString m_report;
};

} // namespace inkstream::ui
