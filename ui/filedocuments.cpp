#include "ui/filedocuments.h"

#include "core/model/sessionmodel.h"
#include "ui/highlighting/highlighterbackend.h"

#include <QFontDatabase>
#include <QPlainTextDocumentLayout>
#include <QTextCursor>
#include <QTextDocument>

namespace inkstream::ui {

FileDocuments::FileDocuments(core::SessionModel *model, HighlighterBackend *backend,
                             QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_backend(backend)
{
    connect(m_model, &core::SessionModel::fileAdded, this, &FileDocuments::addDocument);
    connect(m_model, &core::SessionModel::fileTextAppended, this, &FileDocuments::appendText);
    connect(m_model, &core::SessionModel::fileTextReset, this, &FileDocuments::replaceText);
    connect(m_model, &core::SessionModel::modelReset, this, &FileDocuments::rebuild);
    rebuild();
}

QTextDocument *FileDocuments::document(int fileIndex) const
{
    return m_documents.value(fileIndex, nullptr);
}

void FileDocuments::addDocument(int fileIndex)
{
    if (fileIndex != m_documents.size())
        return rebuild(); // the model and the documents got out of step; start over
    const core::SessionFile &file = m_model->files().at(fileIndex);
    auto *document = new QTextDocument(this);
    // Streamed text is not edited: an undo stack would only double the memory.
    document->setUndoRedoEnabled(false);
    document->setDocumentLayout(new QPlainTextDocumentLayout(document));
    document->setDefaultFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    document->setPlainText(file.content);
    m_backend->attach(document, file.language, file.name);
    m_documents.append(document);
    Q_EMIT documentAdded(fileIndex);
}

void FileDocuments::appendText(int fileIndex, const QString &delta)
{
    QTextDocument *target = document(fileIndex);
    if (!target)
        return;
    QTextCursor end(target);
    end.movePosition(QTextCursor::End);
    end.insertText(delta);
    Q_EMIT documentAppended(fileIndex);
}

void FileDocuments::replaceText(int fileIndex)
{
    QTextDocument *target = document(fileIndex);
    if (!target)
        return;
    target->setPlainText(m_model->files().at(fileIndex).content);
    Q_EMIT documentReplaced(fileIndex);
}

void FileDocuments::rebuild()
{
    Q_EMIT documentsAboutToBeReset(); // views let go of the documents about to be deleted
    qDeleteAll(m_documents);
    m_documents.clear();
    for (int i = 0; i < m_model->files().size(); ++i)
        addDocument(i);
    Q_EMIT documentsReset();
}

} // namespace inkstream::ui
