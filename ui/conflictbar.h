#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace inkstream::ui {

// Shown over the editor when the AI rewrites a file the user edited: nothing is replaced until
// the user keeps their text, takes the AI's, or compares the two.
class ConflictBar final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConflictBar)

public:
    explicit ConflictBar(QWidget *parent = nullptr);

    void showFor(const QString &fileName);
    QString message() const;
    QPushButton *keepMineButton() const { return m_keepMine; }
    QPushButton *takeTheirsButton() const { return m_takeTheirs; }
    QPushButton *showDiffButton() const { return m_showDiff; }

Q_SIGNALS:
    void keepMineRequested();
    void takeTheirsRequested();
    void diffRequested();

private:
    QLabel *m_message = nullptr;
    QPushButton *m_keepMine = nullptr;
    QPushButton *m_takeTheirs = nullptr;
    QPushButton *m_showDiff = nullptr;
};

} // namespace inkstream::ui
