#pragma once

#include <QObject>
#include <QString>

class QWidget;

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

class EditorPane;
class FileDocuments;
class FileFollower;

// When the AI rewrites a file the reader edited: says so, shows the conflict bar over the file
// while it is shown, and applies the reader's choice (keep mine, take theirs, or compare first).
class ConflictResolver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConflictResolver)

public:
    // `window` parents the comparison dialog.
    ConflictResolver(core::SessionModel *model, FileDocuments *documents, FileFollower *follower,
                     EditorPane *editorPane, QWidget *window);

    // Keep mine / take theirs for the file shown, or compare them first.
    void resolve(bool keepMine);
    void showDiff();

Q_SIGNALS:
    // What happened, for the status bar.
    void reported(const QString &message);

private:
    void onConflictDetected(int fileIndex);
    void updateBar();

    core::SessionModel *m_model = nullptr;
    FileDocuments *m_documents = nullptr;
    FileFollower *m_follower = nullptr;
    EditorPane *m_editorPane = nullptr;
    QWidget *m_window = nullptr;
};

} // namespace inkstream::ui
