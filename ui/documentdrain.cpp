#include "ui/documentdrain.h"

#include "ui/turnbudget.h"

#include <QElapsedTimer>
#include <QTextCursor>
#include <QTextDocument>

namespace inkstream::ui {

DocumentDrain::DocumentDrain(QObject *parent)
    : QObject(parent)
{
    m_slice.setSingleShot(true);
    m_slice.setInterval(0);
    connect(&m_slice, &QTimer::timeout, this, &DocumentDrain::drainSlice);
}

void DocumentDrain::take(QTextDocument *document)
{
    if (!document)
        return;
    document->disconnect(); // what watched it while it was in use hears nothing of this
    document->setParent(this);
    m_documents << document;
    if (!m_slice.isActive())
        m_slice.start();
}

qsizetype DocumentDrain::pendingCharacters() const
{
    qsizetype characters = 0;
    for (const QTextDocument *document : m_documents)
        characters += document->characterCount();
    return characters;
}

void DocumentDrain::drainSlice()
{
    // The floor of the turn's budget, no more: deleting what nobody sees comes after everything
    // else done in slices (taking the whole budget, it left the line being typed to be
    // highlighted in a later slice instead of on insertion).
    QElapsedTimer spent;
    spent.start();
    while (!m_documents.isEmpty() && spent.nsecsElapsed() < TurnBudget::kFloorNs) {
        QElapsedTimer cut;
        cut.start();
        if (!cutOnce(m_documents.constFirst()))
            m_documents.removeFirst();
        TurnBudget::spend(cut.nsecsElapsed());
    }
    if (!m_documents.isEmpty())
        m_slice.start();
    else
        Q_EMIT drained();
}

bool DocumentDrain::cutOnce(QTextDocument *document)
{
    const int end = document->characterCount() - 1;
    if (end <= kChunkCharacters) {
        delete document;
        return false;
    }
    QTextCursor cut(document);
    cut.setPosition(end - kChunkCharacters);
    cut.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
    cut.removeSelectedText();
    return true;
}

} // namespace inkstream::ui
