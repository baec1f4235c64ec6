#pragma once

#include <QColor>
#include <QPlainTextDocumentLayout>
#include <QStringList>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <memory>

// What the highlighter suites read back from a document: the formats a highlighter left on it.
namespace inkstream::test {

// A document laid out as the editor lays out its documents (plain text).
inline std::unique_ptr<QTextDocument> makePlainTextDocument()
{
    auto document = std::make_unique<QTextDocument>();
    document->setDocumentLayout(new QPlainTextDocumentLayout(document.get()));
    return document;
}

// The colour at `offset` of the document, or an invalid colour when nothing formats it.
inline QColor colorAt(const QTextDocument &document, int offset)
{
    const QTextBlock block = document.findBlock(offset);
    const int inBlock = offset - block.position();
    const QList<QTextLayout::FormatRange> ranges = block.layout()->formats();
    for (const QTextLayout::FormatRange &range : ranges) {
        if (inBlock >= range.start && inBlock < range.start + range.length)
            return range.format.foreground().color();
    }
    return {};
}

// Per block, the formats as "start+length:colour" — comparable between two documents.
inline QStringList describeFormats(const QTextDocument &document)
{
    QStringList out;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        QStringList ranges;
        for (const QTextLayout::FormatRange &range : block.layout()->formats())
            ranges << QStringLiteral("%1+%2:%3")
                          .arg(range.start)
                          .arg(range.length)
                          .arg(range.format.foreground().color().name());
        out << ranges.join(u' ');
    }
    return out;
}

} // namespace inkstream::test
