#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <optional>

class QTextDocument;

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

class HighlighterBackend;

// One highlighted QTextDocument per file of a SessionModel, kept in step with it: a delta is
// inserted at the end of its document (O(delta)), never by re-setting the text. The editor
// shows whichever document is selected; the others keep filling in the background. After the
// model is replaced as a whole (a snapshot, a replay's seek), a document gets its text when it
// is first asked for: a seek across a session of 200 files lays out and highlights the one
// file shown, not all of them.
//
// Streamed text never enters an undo stack: undo is off while a file streams and switched on
// (empty) once it completes, when the user may edit it. A new stream into a file the user
// edited does not silently replace their text: it is kept aside and conflictDetected() asks
// the window to let the user keep theirs, take the AI's, or compare the two.
class FileDocuments final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileDocuments)

public:
    enum class Choice { KeepMine, TakeTheirs };

    // The model and backend are not owned and must outlive this object.
    FileDocuments(core::SessionModel *model, HighlighterBackend *backend,
                  QObject *parent = nullptr);

    int count() const { return int(m_entries.size()); }
    // nullptr when out of range. Fills the document first if its text waits (see above).
    QTextDocument *document(int fileIndex) const;
    bool isUserEdited(int fileIndex) const;
    // How many files the user changed: what replacing the session would lose.
    int userEditedCount() const;
    bool hasConflict(int fileIndex) const;
    // The user's text kept aside during a conflict.
    QString userText(int fileIndex) const;
    void resolveConflict(int fileIndex, Choice choice);

Q_SIGNALS:
    void documentAdded(int fileIndex);
    void documentAppended(int fileIndex);
    void documentReplaced(int fileIndex); // whole text replaced (snapshot, correction)
    void documentsAboutToBeReset();
    void documentsReset();
    void conflictDetected(int fileIndex);
    void userEditedChanged(int fileIndex); // the user changed a file the AI wrote
    void conflictResolved(int fileIndex);

private:
    struct Entry
    {
        QTextDocument *document = nullptr;
        QString fileName;
        bool userEdited = false;
        bool keepingMine = false; // the user chose their text: the stream no longer shows here
        std::optional<QString> mine; // set while a conflict waits for the user
        bool waiting = false; // the model's text is not in the document yet
    };
    // A file the model just added gets its text now and is announced (documentAdded); after a
    // reset each document waits for its text until asked, and documentsReset announces them all.
    enum class Arrival { Added, Reset };

    void addDocument(int fileIndex, Arrival arrival = Arrival::Added);
    void fillIfWaiting(int fileIndex) const;
    QTextDocument *documentAsItIs(int fileIndex) const; // without filling it
    void appendText(int fileIndex, const QString &delta);
    void replaceText(int fileIndex);
    void updateUndo(int fileIndex);
    void rebuild();
    void setText(QTextDocument *document, const QString &text) const;

    core::SessionModel *m_model = nullptr;
    HighlighterBackend *m_backend = nullptr;
    // By file index. Mutable: a document waiting for its text is filled when it is asked for.
    mutable QList<Entry> m_entries;
    mutable bool m_applying = false; // our own changes, not the user's
};

} // namespace inkstream::ui
