#pragma once

#include <QList>
#include <QObject>
#include <QTimer>

class QTextDocument;

namespace inkstream::ui {

// Deletes documents in slices. Deleting a document of a few hundred thousand characters at once
// takes 4–8 ms (its blocks with their layouts and formats), more than a file switch that gives
// one back can afford. A document taken is cut from its end, kChunkCharacters at a time, for the
// floor of the turn's budget for background work (TurnBudget::kFloorNs, counted in it), and
// deleted once little is left.
class DocumentDrain final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DocumentDrain)

public:
    static constexpr int kChunkCharacters = 16 * 1024;

    explicit DocumentDrain(QObject *parent = nullptr);

    // Takes ownership; nothing else may hold on to `document` (no view shows it).
    void take(QTextDocument *document);
    int pendingDocuments() const { return int(m_documents.size()); }
    qsizetype pendingCharacters() const;

Q_SIGNALS:
    void drained(); // every document taken is deleted

private:
    void drainSlice();
    static bool cutOnce(QTextDocument *document); // false once it is deleted

    QList<QTextDocument *> m_documents;
    QTimer m_slice;
};

} // namespace inkstream::ui
