#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <optional>

class QTextDocument;

namespace inkstream::core {
class SessionModel;
}

namespace inkstream::ui {

class DocumentDrain;
class HighlighterBackend;

// One highlighted QTextDocument per file of a SessionModel, kept in step with it: a delta is
// inserted at the end of its document (O(delta)), never by re-setting the text.
//
// A document holds its text only while it is looked at. It gets the model's text when it is
// first asked for (the editor shows it), takes the deltas from then on, and gives its text
// back once it has not been asked for in a while and the other documents holding text exceed
// kIdleCharacters: a document costs ten times its text in blocks, layout and highlighting, so a
// session of 200 files streamed or seeked into lays out and highlights the files the reader
// looks at, not all of them. Documents the user edited always keep their text.
//
// A big text goes in in slices: the first kFillCharacters at once (the first screens), the rest
// from the event loop, kFillCharacters at a time within the turn's budget for background work
// (TurnBudget), so opening a file of megabytes never holds the window for more than a frame
// (setting 2 MB at once took 70 ms).
// Whoever needs the whole text at once (saving, a conflict) gets it filled first.
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

    // The characters that documents no editor shows may hold before the least recently asked
    // for give theirs back (about 10 MiB of blocks, layout and highlighting).
    static constexpr qsizetype kIdleCharacters = 1'000'000;
    static constexpr qsizetype kFillCharacters = 8 * 1024;

    int count() const { return int(m_entries.size()); }
    // nullptr when out of range. Fills the document first if its text waits (see above); the
    // document returned keeps its text until a later call asks for another.
    QTextDocument *document(int fileIndex) const;
    // The file's text as the reader sees it (with their edits), without filling a document.
    QString text(int fileIndex) const;
    // Whether the document holds the model's text now, all of it (for tests and benchmarks).
    bool holdsText(int fileIndex) const;
    bool isFilling(int fileIndex) const;
    // Documents given back that are still being deleted, in slices (DocumentDrain).
    int pendingReleases() const;
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
    // The last slice of the model's text went in: the document is whole (and editable).
    void documentFilled(int fileIndex);
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
        bool waiting = true; // the model's text is not in the document (yet, or any more)
        qsizetype filledTo = -1; // while it goes in in slices: how much of it is in
        quint64 lastAsked = 0; // when document() last returned it, in calls
    };
    // A file the model just added is announced (documentAdded); after a reset documentsReset
    // announces them all. Either way a document waits for its text until it is asked for.
    enum class Arrival { Added, Reset };

    void addDocument(int fileIndex, Arrival arrival = Arrival::Added);
    QTextDocument *createDocument(int fileIndex);
    void fillIfWaiting(int fileIndex) const;
    void fillSlices() const;
    bool fillOnce(int fileIndex) const; // one kFillCharacters slice; false once all is in
    void finishFilling(int fileIndex) const;
    qsizetype sliceLength(const QString &text, qsizetype from) const;
    void releaseIdleDocuments() const;
    void sortByLastAsked(QList<int> *indexes) const; // most recently asked for first
    void release(int fileIndex) const;
    bool mayRelease(const Entry &entry) const;
    static bool isShown(const Entry &entry);
    void fillSoon() const;
    QTextDocument *documentAsItIs(int fileIndex) const; // without filling it
    void appendText(int fileIndex, const QString &delta);
    void replaceText(int fileIndex);
    void updateUndo(int fileIndex) const;
    void rebuild();
    void setText(QTextDocument *document, const QString &text) const;
    void setWholeText(int fileIndex, const QString &text) const;

    core::SessionModel *m_model = nullptr;
    HighlighterBackend *m_backend = nullptr;
    DocumentDrain *m_drain = nullptr; // deletes the documents given back, in slices
    // By file index. Mutable: a document waiting for its text is filled when it is asked for.
    mutable QList<Entry> m_entries;
    mutable bool m_applying = false; // our own changes, not the user's
    mutable quint64 m_asked = 0; // calls of document(), the clock of Entry::lastAsked
    mutable QTimer m_fillTimer; // the next slice of the documents filling
};

} // namespace inkstream::ui
