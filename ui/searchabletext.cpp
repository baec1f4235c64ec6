#include "ui/searchabletext.h"

#include <QTextDocument>

namespace inkstream::ui {

SearchableText::SearchableText(QObject *parent)
    : QObject(parent)
{ }

const QString &SearchableText::of(QTextDocument *document)
{
    if (document != m_document) {
        release();
        m_document = document;
        // Any change, the user's or the stream's, makes the copy stale.
        m_watch = connect(document, &QTextDocument::contentsChanged, this,
                          [this] { m_text = QString(); });
    }
    if (m_text.isNull())
        m_text = document->toPlainText();
    return m_text;
}

void SearchableText::release()
{
    disconnect(m_watch);
    m_document = nullptr;
    m_text = QString();
}

} // namespace inkstream::ui
