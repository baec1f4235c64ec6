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
    if (m_text.isNull()) {
        m_text = document->toPlainText();
        QString folded = m_text.toCaseFolded();
        m_folded = folded.size() == m_text.size();
        if (m_folded)
            m_text = std::move(folded);
    }
    return m_text;
}

qsizetype SearchableText::find(QTextDocument *document, const QString &needle, qsizetype from,
                               bool backwards)
{
    const QString &text = of(document);
    const QString folded = needle.toCaseFolded();
    if (m_folded && folded.size() == needle.size()) {
        return backwards ? text.lastIndexOf(folded, from, Qt::CaseSensitive)
                         : text.indexOf(folded, from, Qt::CaseSensitive);
    }
    return backwards ? text.lastIndexOf(needle, from, Qt::CaseInsensitive)
                     : text.indexOf(needle, from, Qt::CaseInsensitive);
}

void SearchableText::release()
{
    disconnect(m_watch);
    m_document = nullptr;
    m_text = QString();
    m_folded = false;
}

} // namespace inkstream::ui
