#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class QTextDocument;

namespace inkstream::ui {

// A document's text as one string, kept until the document changes: what FindBar searches.
// QPlainTextEdit::find() walks the document block by block, and twice when nothing matches
// (to the end, then from the top): 40 ms in a 2 MB file, where indexOf over one string takes a
// few. The copy is made on the first search after a change and let go with release().
//
// The copy is case-folded, so a case-insensitive search is a case-sensitive one of the folded
// needle (the same matches at the same positions, since simple folding maps each character to
// one): a word found nowhere in a 2 MB file took 4 ms each way case-insensitively, under one
// folded. Where folding would change the text's length the copy is kept as it is.
class SearchableText final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SearchableText)

public:
    explicit SearchableText(QObject *parent = nullptr);

    // `document`'s plain text (positions are the document's), case-folded when isFolded();
    // valid until the next call.
    const QString &of(QTextDocument *document);
    bool isFolded() const { return m_folded; }
    // The first match of `needle` at or after `from`, or the last at or before it when
    // `backwards` (from -1: the end), ignoring case; -1 if none.
    qsizetype find(QTextDocument *document, const QString &needle, qsizetype from, bool backwards);
    void release();

private:
    QPointer<QTextDocument> m_document;
    QMetaObject::Connection m_watch;
    QString m_text;
    bool m_folded = false;
};

} // namespace inkstream::ui
