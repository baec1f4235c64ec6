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
class SearchableText final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SearchableText)

public:
    explicit SearchableText(QObject *parent = nullptr);

    // `document`'s plain text (positions are the document's); valid until the next call.
    const QString &of(QTextDocument *document);
    void release();

private:
    QPointer<QTextDocument> m_document;
    QMetaObject::Connection m_watch;
    QString m_text;
};

} // namespace inkstream::ui
