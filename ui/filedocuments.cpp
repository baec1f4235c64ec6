#include "ui/filedocuments.h"

#include "core/model/sessionmodel.h"
#include "ui/documentdrain.h"
#include "ui/highlighting/highlighterbackend.h"
#include "ui/highlighting/highlightscheduler.h"
#include "ui/streamingtextlayout.h"
#include "ui/themenotifier.h"
#include "ui/turnbudget.h"

#include <QElapsedTimer>
#include <QFontDatabase>
#include <QHash>
#include <QScopedValueRollback>
#include <QSyntaxHighlighter>
#include <QTextCursor>
#include <QTextDocument>
#include <algorithm>

namespace inkstream::ui {

FileDocuments::FileDocuments(core::SessionModel *model, HighlighterBackend *backend,
                             QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_backend(backend)
    , m_drain(new DocumentDrain(this))
{
    m_fillTimer.setSingleShot(true);
    m_fillTimer.setInterval(0);
    connect(&m_fillTimer, &QTimer::timeout, this, &FileDocuments::fillSlices);
    connect(m_model, &core::SessionModel::fileAdded, this,
            [this](int fileIndex) { addDocument(fileIndex); });
    connect(m_model, &core::SessionModel::fileTextAppended, this, &FileDocuments::appendText);
    connect(m_model, &core::SessionModel::fileTextReset, this, &FileDocuments::replaceText);
    connect(m_model, &core::SessionModel::fileStateChanged, this, &FileDocuments::updateUndo);
    connect(m_model, &core::SessionModel::modelReset, this, &FileDocuments::rebuild);
    connect(ThemeNotifier::instance(), &ThemeNotifier::themeChanged, this, [this] {
        // Re-colouring is no edit by the reader.
        const QScopedValueRollback applying(m_applying, true);
        for (const Entry &entry : std::as_const(m_entries)) {
            auto *highlighter = entry.document->findChild<QSyntaxHighlighter *>();
            if (!highlighter)
                continue;
            // Recoloured in slices: at once, a big session held the window for seconds.
            m_backend->prepareTheme(highlighter);
            HighlightScheduler::of(entry.document)->rehighlightAll();
        }
    });
    rebuild();
}

QTextDocument *FileDocuments::document(int fileIndex) const
{
    if (fileIndex < 0 || fileIndex >= m_entries.size())
        return nullptr;
    m_entries[fileIndex].lastAsked = ++m_asked;
    fillIfWaiting(fileIndex);
    if (isFilling(fileIndex))
        fillSoon(); // (again, if it was switched away from half filled)
    releaseIdleDocuments();
    return m_entries.at(fileIndex).document;
}

QString FileDocuments::text(int fileIndex) const
{
    if (fileIndex < 0 || fileIndex >= m_entries.size())
        return {};
    finishFilling(fileIndex);
    const Entry &entry = m_entries.at(fileIndex);
    return entry.waiting ? m_model->files().at(fileIndex).content : entry.document->toPlainText();
}

bool FileDocuments::holdsText(int fileIndex) const
{
    return fileIndex >= 0 && fileIndex < m_entries.size() && !m_entries.at(fileIndex).waiting
        && m_entries.at(fileIndex).filledTo < 0;
}

int FileDocuments::pendingReleases() const
{
    return m_drain->pendingDocuments();
}

bool FileDocuments::mayRelease(const Entry &entry) const
{
    if (entry.waiting || entry.userEdited || entry.keepingMine || entry.mine)
        return false;
    return !isShown(entry);
}

bool FileDocuments::isShown(const Entry &entry)
{
    const HighlightScheduler *scheduler = HighlightScheduler::of(entry.document);
    return scheduler && scheduler->isShown(); // an editor paints it
}

// The documents holding text that no editor shows, most recently asked for first, keep it while
// their characters add up to kIdleCharacters; the least recently asked of the rest give it back
// (the model still has it).
void FileDocuments::releaseIdleDocuments() const
{
    QList<int> holding;
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).lastAsked != m_asked && mayRelease(m_entries.at(i)))
            holding << i;
    }
    sortByLastAsked(&holding);
    qsizetype kept = 0;
    for (int index : std::as_const(holding)) {
        kept += m_entries.at(index).document->characterCount();
        if (kept > kIdleCharacters)
            release(index);
    }
}

void FileDocuments::sortByLastAsked(QList<int> *indexes) const
{
    std::sort(indexes->begin(), indexes->end(), [this](int a, int b) {
        return m_entries.at(a).lastAsked > m_entries.at(b).lastAsked;
    });
}

// A big document goes to the drain, which deletes it in slices, and a new empty one takes its
// place; a small one, or any while the drain is behind (a catch-up showing file after file),
// is emptied at once: the memory then serves the next text.
void FileDocuments::release(int fileIndex) const
{
    Entry &entry = m_entries[fileIndex];
    if (entry.document->characterCount() > 2 * DocumentDrain::kChunkCharacters
        && m_drain->pendingCharacters() < kIdleCharacters) {
        QTextDocument *old = entry.document;
        entry.document = const_cast<FileDocuments *>(this)->createDocument(fileIndex);
        m_drain->take(old);
    } else {
        setText(entry.document, QString());
    }
    entry.waiting = true;
    entry.filledTo = -1;
    updateUndo(fileIndex);
}

QTextDocument *FileDocuments::documentAsItIs(int fileIndex) const
{
    return fileIndex >= 0 && fileIndex < m_entries.size() ? m_entries.at(fileIndex).document
                                                          : nullptr;
}

void FileDocuments::fillIfWaiting(int fileIndex) const
{
    Entry &entry = m_entries[fileIndex];
    if (!entry.waiting)
        return;
    entry.waiting = false;
    const QString &content = m_model->files().at(fileIndex).content;
    const qsizetype first = sliceLength(content, 0);
    setText(entry.document, first == content.size() ? content : content.left(first));
    entry.filledTo = first == content.size() ? -1 : first;
    if (entry.filledTo >= 0)
        fillSoon();
    updateUndo(fileIndex);
}

// The documents filling, most recently asked for first.
void FileDocuments::fillSlices() const
{
    // Only what an editor shows: a document switched away from half filled waits, holding what
    // it has, until it is shown again or gives its text back.
    QList<int> filling;
    for (int i = 0; i < m_entries.size(); ++i) {
        if (isFilling(i) && isShown(m_entries.at(i)))
            filling << i;
    }
    sortByLastAsked(&filling);
    // Within what is left of the turn's budget for background work, and at least its floor.
    QElapsedTimer spent;
    spent.start();
    for (int index : std::as_const(filling)) {
        while (TurnBudget::hasLeft() || spent.nsecsElapsed() < TurnBudget::kFloorNs) {
            QElapsedTimer slice;
            slice.start();
            const qint64 leftBefore = TurnBudget::leftNs();
            const bool more = fillOnce(index);
            // (The highlighting of what went in charged its own time already.)
            const qint64 charged = leftBefore - TurnBudget::leftNs();
            TurnBudget::spend(qMax<qint64>(0, slice.nsecsElapsed() - charged));
            if (!more)
                break;
        }
    }
    if (std::any_of(filling.cbegin(), filling.cend(), [this](int i) { return isFilling(i); }))
        m_fillTimer.start();
}

void FileDocuments::fillSoon() const
{
    if (!m_fillTimer.isActive())
        m_fillTimer.start();
}

bool FileDocuments::fillOnce(int fileIndex) const
{
    Entry &entry = m_entries[fileIndex];
    const QString &content = m_model->files().at(fileIndex).content;
    const qsizetype length = sliceLength(content, entry.filledTo);
    {
        const QScopedValueRollback applying(m_applying, true);
        QTextCursor end(entry.document);
        end.movePosition(QTextCursor::End);
        end.insertText(content.mid(entry.filledTo, length));
    }
    entry.filledTo += length;
    if (entry.filledTo < content.size())
        return true;
    entry.filledTo = -1;
    updateUndo(fileIndex);
    Q_EMIT const_cast<FileDocuments *>(this)->documentFilled(fileIndex);
    return false;
}

void FileDocuments::finishFilling(int fileIndex) const
{
    while (isFilling(fileIndex) && fillOnce(fileIndex)) { }
}

// kFillCharacters from `from`, to the end of the line there, or the rest when little more is
// left. A line goes in whole however long (a minified file's one line, cut in slices, would be
// laid out and highlighted again for each).
qsizetype FileDocuments::sliceLength(const QString &text, qsizetype from) const
{
    const qsizetype rest = text.size() - from;
    if (rest <= 2 * kFillCharacters)
        return rest;
    const qsizetype lineEnd = text.indexOf(u'\n', from + kFillCharacters - 1);
    return lineEnd < 0 ? rest : lineEnd + 1 - from;
}

bool FileDocuments::isFilling(int fileIndex) const
{
    return fileIndex >= 0 && fileIndex < m_entries.size() && !m_entries.at(fileIndex).waiting
        && m_entries.at(fileIndex).filledTo >= 0;
}

bool FileDocuments::isUserEdited(int fileIndex) const
{
    return documentAsItIs(fileIndex) && m_entries.at(fileIndex).userEdited;
}

int FileDocuments::userEditedCount() const
{
    return int(std::count_if(m_entries.cbegin(), m_entries.cend(),
                             [](const Entry &entry) { return entry.userEdited; }));
}

bool FileDocuments::hasConflict(int fileIndex) const
{
    return documentAsItIs(fileIndex) && m_entries.at(fileIndex).mine.has_value();
}

QString FileDocuments::userText(int fileIndex) const
{
    return hasConflict(fileIndex) ? *m_entries.at(fileIndex).mine : QString();
}

void FileDocuments::resolveConflict(int fileIndex, Choice choice)
{
    if (!hasConflict(fileIndex))
        return;
    Entry &entry = m_entries[fileIndex];
    if (choice == Choice::KeepMine) {
        setWholeText(fileIndex, *entry.mine);
        entry.keepingMine = true;
    } else {
        setWholeText(fileIndex, m_model->files().at(fileIndex).content);
        entry.userEdited = false;
        entry.keepingMine = false;
    }
    entry.mine.reset();
    Q_EMIT documentReplaced(fileIndex);
    Q_EMIT conflictResolved(fileIndex);
}

// The document's whole text at once, not the model's in slices: the user's, or the model's for
// a document in use (what was still to go in in slices no longer does).
void FileDocuments::setWholeText(int fileIndex, const QString &text) const
{
    Entry &entry = m_entries[fileIndex];
    setText(entry.document, text);
    entry.waiting = false;
    entry.filledTo = -1;
    updateUndo(fileIndex);
}

void FileDocuments::setText(QTextDocument *document, const QString &text) const
{
    const QScopedValueRollback<bool> applying(m_applying, true);
    document->setPlainText(text);
}

void FileDocuments::addDocument(int fileIndex, Arrival arrival)
{
    if (fileIndex != m_entries.size())
        return rebuild(); // the model and the documents got out of step; start over
    Entry entry;
    entry.document = createDocument(fileIndex);
    entry.fileName = m_model->files().at(fileIndex).name; // the text waits until asked for
    m_entries.append(entry);
    updateUndo(fileIndex);
    if (arrival == Arrival::Added)
        Q_EMIT documentAdded(fileIndex);
}

QTextDocument *FileDocuments::createDocument(int fileIndex)
{
    const core::SessionFile &file = m_model->files().at(fileIndex);
    auto *document = new QTextDocument(this);
    document->setUndoRedoEnabled(false);
    document->setDocumentLayout(new StreamingTextLayout(document));
    document->setDefaultFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // The highlighter before the text: its scheduler then highlights the text in slices, where
    // a highlighter attached to a document with text highlights all of it at once.
    auto *scheduler = new HighlightScheduler(m_backend->attach(document, file.language, file.name));
    scheduler->setShown(false); // until an editor paints it
    connect(document, &QTextDocument::contentsChange, this, [this, document](int, int, int) {
        if (m_applying)
            return;
        for (int i = 0; i < m_entries.size(); ++i) {
            Entry &entry = m_entries[i];
            if (entry.document != document || entry.userEdited)
                continue;
            entry.userEdited = true;
            Q_EMIT userEditedChanged(i);
        }
    });
    return document;
}

void FileDocuments::appendText(int fileIndex, const QString &delta)
{
    QTextDocument *target = documentAsItIs(fileIndex);
    if (!target || m_entries.at(fileIndex).keepingMine || hasConflict(fileIndex))
        return;
    // The whole text goes in when it is asked for; while it goes in, the slices take the model's
    // text as it grows.
    if (m_entries.at(fileIndex).waiting || isFilling(fileIndex)) {
        Q_EMIT documentAppended(fileIndex);
        return;
    }
    const QScopedValueRollback<bool> applying(m_applying, true);
    QTextCursor end(target);
    end.movePosition(QTextCursor::End);
    // A delta of many lines (a late join's catch-up, a paste) goes in at once: line by line, the
    // plain-text layout lays out and shapes every line as it comes, shown or not (seconds and
    // hundreds of MB for a big session), where one insertion lets it lay out what is painted.
    if (delta.count(u'\n') > 2) {
        end.insertText(delta);
        Q_EMIT documentAppended(fileIndex);
        return;
    }
    // One line break per insertion: the plain-text layout then repaints just the changed lines;
    // an insertion that adds two or more blocks makes it repaint the whole view.
    qsizetype from = 0;
    while (from < delta.size()) {
        const qsizetype newline = delta.indexOf(u'\n', from);
        const qsizetype to = newline < 0 ? delta.size() : newline + 1;
        end.insertText(from == 0 && to == delta.size() ? delta : delta.mid(from, to - from));
        from = to;
    }
    Q_EMIT documentAppended(fileIndex);
}

void FileDocuments::replaceText(int fileIndex)
{
    QTextDocument *target = documentAsItIs(fileIndex);
    if (!target)
        return;
    Entry &entry = m_entries[fileIndex];
    const core::SessionFile &file = m_model->files().at(fileIndex);
    const bool newStream = file.state == core::FileState::Writing && file.content.isEmpty();
    if (newStream)
        entry.keepingMine = false; // the AI writes the file again: ask again
    if (entry.keepingMine)
        return;
    if (entry.waiting) { // never shown, so never edited: it takes the new text when asked
        Q_EMIT documentReplaced(fileIndex);
        return;
    }
    if (isFilling(fileIndex) && !entry.userEdited) { // what went in so far is the old text
        entry.waiting = true;
        fillIfWaiting(fileIndex);
        Q_EMIT documentReplaced(fileIndex);
        return;
    }
    if (entry.userEdited && !entry.mine) {
        entry.mine = target->toPlainText();
        Q_EMIT conflictDetected(fileIndex);
    }
    if (entry.mine)
        return; // the user's text stays on screen until they choose
    setWholeText(fileIndex, file.content);
    Q_EMIT documentReplaced(fileIndex);
}

void FileDocuments::updateUndo(int fileIndex) const
{
    QTextDocument *target = documentAsItIs(fileIndex);
    if (!target)
        return;
    // Switching undo on or off also empties the stack, so streamed text is never undoable, nor is
    // text still going in in slices.
    const bool editable
        = m_model->files().at(fileIndex).state != core::FileState::Writing && !isFilling(fileIndex);
    if (target->isUndoRedoEnabled() != editable)
        target->setUndoRedoEnabled(editable);
}

void FileDocuments::rebuild()
{
    // A snapshot replaces the model, not the user's edits: remember them by file name.
    struct Edited
    {
        QString text;
        bool keepingMine = false;
    };
    QHash<QString, Edited> edited;
    for (const Entry &entry : std::as_const(m_entries)) {
        if (entry.userEdited)
            edited.insert(
                entry.fileName,
                {entry.mine ? *entry.mine : entry.document->toPlainText(), entry.keepingMine});
    }

    Q_EMIT documentsAboutToBeReset(); // views let go of the documents about to be deleted
    for (const Entry &entry : std::as_const(m_entries))
        delete entry.document;
    m_entries.clear();
    for (int i = 0; i < m_model->files().size(); ++i)
        addDocument(i, Arrival::Reset);

    QList<int> conflicts;
    for (int i = 0; i < m_entries.size(); ++i) {
        Entry &entry = m_entries[i];
        const auto it = edited.constFind(entry.fileName);
        if (it == edited.constEnd())
            continue;
        entry.userEdited = true;
        entry.keepingMine = it->keepingMine;
        setWholeText(i, it->text); // the user's text, whole: nothing of the model's goes after it
        if (it->text == m_model->files().at(i).content)
            continue;
        if (!entry.keepingMine) {
            entry.mine = it->text;
            conflicts << i;
        }
    }
    Q_EMIT documentsReset();
    for (int index : std::as_const(conflicts))
        Q_EMIT conflictDetected(index);
}

} // namespace inkstream::ui
