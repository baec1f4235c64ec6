#pragma once

#include <QList>
#include <QObject>

class QTextDocument;

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

class HighlighterBackend;

// One highlighted QTextDocument per file of a SessionModel, kept in step with it: a delta is
// inserted at the end of its document (O(delta)), never by re-setting the text. The editor
// shows whichever document is selected; the others keep filling in the background.
class FileDocuments final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileDocuments)

public:
    // The model and backend are not owned and must outlive this object.
    FileDocuments(core::SessionModel *model, HighlighterBackend *backend,
                  QObject *parent = nullptr);

    int count() const { return int(m_documents.size()); }
    // nullptr when out of range.
    QTextDocument *document(int fileIndex) const;

Q_SIGNALS:
    void documentAdded(int fileIndex);
    void documentAppended(int fileIndex);
    void documentReplaced(int fileIndex); // whole text replaced (snapshot, correction)
    void documentsAboutToBeReset();
    void documentsReset();

private:
    void addDocument(int fileIndex);
    void appendText(int fileIndex, const QString &delta);
    void replaceText(int fileIndex);
    void rebuild();

    core::SessionModel *m_model = nullptr;
    HighlighterBackend *m_backend = nullptr;
    QList<QTextDocument *> m_documents; // by file index
};

} // namespace inkstream::ui
