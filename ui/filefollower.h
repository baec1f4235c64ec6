#pragma once

#include <QObject>
#include <QString>

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

class FileDocuments;
class SessionView;

// Which file the editor shows: whichever the AI is writing while the reader follows it, else the
// one the reader picked in the file list (picking another file while the AI writes stops
// following). Keeps the file list's selection and the editor's decorations in step.
class FileFollower final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileFollower)

public:
    FileFollower(core::SessionModel *model, FileDocuments *documents, SessionView *view,
                 QObject *parent = nullptr);

    // The file shown in the editor, -1 for none.
    int currentFile() const { return m_currentFile; }
    void showFile(int fileIndex);
    // Whether the editor jumps to whichever file the AI is writing; turning it on jumps now.
    bool isFollowing() const { return m_following; }
    void setFollowing(bool follow);
    // After the documents were rebuilt (or at start): shows the file the reader had, else the one
    // being written, else the first.
    void chooseFile();

Q_SIGNALS:
    // `fileIndex` is shown (again): its writing state and conflict may need saying.
    void fileShown(int fileIndex);
    void followingChanged(bool following);
    // The reader picked `fileName` while the AI wrote another: following stopped.
    void followingStopped(const QString &fileName);

private:
    void onDocumentAdded(int fileIndex);
    void onDocumentAppended(int fileIndex);
    void onDocumentsAboutToBeReset();
    void onUserEdited(int fileIndex);
    void onFileStateChanged(int fileIndex);
    void onUserSelected(int fileIndex);
    void showFileDecorations(int fileIndex);
    int writingFile(int except = -1) const; // the last file being written, -1 for none

    core::SessionModel *m_model = nullptr;
    FileDocuments *m_documents = nullptr;
    SessionView *m_view = nullptr;
    int m_currentFile = -1;
    QString m_currentFileName; // to find the file again after a snapshot rebuilds them
    bool m_following = true;
    bool m_selectingProgrammatically = false;
};

} // namespace inkstream::ui
