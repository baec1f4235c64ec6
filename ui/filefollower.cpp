#include "ui/filefollower.h"

#include "core/model/sessionmodel.h"
#include "ui/codeeditor.h"
#include "ui/editorpane.h"
#include "ui/filedocuments.h"
#include "ui/filelistmodel.h"
#include "ui/sessionview.h"

#include <QListView>
#include <QSet>

namespace inkstream::ui {

FileFollower::FileFollower(core::SessionModel *model, FileDocuments *documents, SessionView *view,
                           QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_documents(documents)
    , m_view(view)
{
    connect(m_documents, &FileDocuments::documentAdded, this, &FileFollower::onDocumentAdded);
    connect(m_documents, &FileDocuments::documentAppended, this, &FileFollower::onDocumentAppended);
    connect(m_documents, &FileDocuments::documentReplaced, this, [this](int fileIndex) {
        if (fileIndex != m_currentFile)
            return;
        m_view->editorPane()->editor()->setFilling(m_documents->isFilling(fileIndex));
        m_view->editorPane()->editor()->revealInsertionPoint();
    });
    connect(m_documents, &FileDocuments::documentFilled, this, [this](int fileIndex) {
        if (fileIndex != m_currentFile)
            return;
        m_view->editorPane()->editor()->setFilling(false);
        m_view->editorPane()->editor()->revealInsertionPointSoon(); // its end, now the file's
    });
    connect(m_documents, &FileDocuments::documentsAboutToBeReset, this,
            &FileFollower::onDocumentsAboutToBeReset);
    connect(m_documents, &FileDocuments::documentsReset, this, &FileFollower::chooseFile);
    connect(m_documents, &FileDocuments::userEditedChanged, this, &FileFollower::onUserEdited);
    connect(m_model, &core::SessionModel::fileStateChanged, this,
            &FileFollower::onFileStateChanged);
    connect(m_view->fileList()->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (!m_selectingProgrammatically && current.isValid())
                    onUserSelected(current.row());
            });
}

void FileFollower::setFollowing(bool follow)
{
    if (follow == m_following)
        return;
    m_following = follow;
    Q_EMIT followingChanged(follow);
    // Jump to the file being written now, if any.
    if (const int writing = writingFile(); follow && writing >= 0)
        showFile(writing);
}

void FileFollower::showFile(int fileIndex)
{
    QTextDocument *document = m_documents->document(fileIndex);
    if (!document)
        return;
    const core::SessionFile &file = m_model->files().at(fileIndex);
    if (fileIndex != m_currentFile) {
        m_currentFile = fileIndex;
        m_currentFileName = file.name;
        m_view->editorPane()->showDocument(document, file.name, file.language);
        m_view->editorPane()->editor()->setFilling(m_documents->isFilling(fileIndex));
        m_selectingProgrammatically = true;
        m_view->fileList()->setCurrentIndex(m_view->fileListModel()->index(fileIndex));
        m_selectingProgrammatically = false;
    }
    showFileDecorations(fileIndex);
    Q_EMIT fileShown(fileIndex);
}

// The editor's notes on the file shown: the error it ended with, the reader's edits.
void FileFollower::showFileDecorations(int fileIndex)
{
    const core::SessionFile &file = m_model->files().at(fileIndex);
    m_view->editorPane()->setFileError(file.state == core::FileState::Error ? file.error
                                                                            : QString());
    m_view->editorPane()->setEdited(m_documents->isUserEdited(fileIndex));
}

int FileFollower::writingFile(int except) const
{
    int writing = -1;
    for (int i = 0; i < m_model->files().size(); ++i) {
        if (i != except && m_model->files().at(i).state == core::FileState::Writing)
            writing = i;
    }
    return writing;
}

void FileFollower::onDocumentAdded(int fileIndex)
{
    if (m_currentFile < 0 || m_following)
        showFile(fileIndex);
}

void FileFollower::onDocumentAppended(int fileIndex)
{
    if (fileIndex == m_currentFile) {
        m_view->editorPane()->editor()->revealInsertionPointSoon();
        return;
    }
    // A delta for another file: the AI moved on (or went back); follow it there.
    if (m_following && m_model->files().at(fileIndex).state == core::FileState::Writing)
        showFile(fileIndex);
}

void FileFollower::onDocumentsAboutToBeReset()
{
    m_view->editorPane()->showDocument(nullptr, {}, {});
    m_view->editorPane()->editor()->setFilling(false);
    m_currentFile = -1;
}

void FileFollower::chooseFile()
{
    QSet<int> edited;
    for (int i = 0; i < m_documents->count(); ++i) {
        if (m_documents->isUserEdited(i))
            edited.insert(i);
    }
    m_view->fileListModel()->setEditedFiles(edited);
    int index = m_model->fileIndex(m_currentFileName);
    if (m_following || index < 0) {
        if (const int writing = writingFile(); writing >= 0)
            index = writing;
    }
    if (index < 0 && !m_model->files().isEmpty())
        index = 0;
    m_currentFile = -1;
    if (index >= 0)
        showFile(index);
    else
        m_view->editorPane()->showDocument(nullptr, {}, {});
}

void FileFollower::onUserEdited(int fileIndex)
{
    m_view->fileListModel()->setEdited(fileIndex, true);
    if (fileIndex == m_currentFile)
        m_view->editorPane()->setEdited(true);
}

void FileFollower::onFileStateChanged(int fileIndex)
{
    if (fileIndex == m_currentFile)
        showFileDecorations(fileIndex);
}

void FileFollower::onUserSelected(int fileIndex)
{
    if (m_following && writingFile(fileIndex) >= 0) {
        setFollowing(false);
        Q_EMIT followingStopped(m_model->files().at(fileIndex).name);
    }
    showFile(fileIndex);
}

} // namespace inkstream::ui
