#pragma once

#include <QDialog>

class QPlainTextEdit;

namespace inkstream::ui {

// Two versions of a file side by side in one column: removed lines red, added lines green.
// As a conflict prompt it also offers the two choices.
class DiffDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiffDialog)

public:
    enum Result { Closed = QDialog::Rejected, KeepMine = 10, TakeTheirs = 11 };

    DiffDialog(const QString &title, const QString &before, const QString &after, bool offerChoice,
               QWidget *parent = nullptr);

    QString diffText() const;
    int addedLines() const { return m_added; }
    int removedLines() const { return m_removed; }

private:
    QPlainTextEdit *m_view = nullptr;
    int m_added = 0;
    int m_removed = 0;
};

} // namespace inkstream::ui
