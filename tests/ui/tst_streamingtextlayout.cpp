#include "ui/highlighting/highlightscheduler.h"
#include "ui/highlighting/rulebackend.h"
#include "ui/streamingtextlayout.h"

#include <QSignalSpy>
#include <QSyntaxHighlighter>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextLayout>
#include <memory>

using namespace inkstream::ui;

namespace {

std::unique_ptr<QTextDocument> streamingDocument()
{
    auto document = std::make_unique<QTextDocument>();
    document->setDocumentLayout(new StreamingTextLayout(document.get()));
    return document;
}

QString lines(int count)
{
    QString text;
    for (int i = 0; i < count; ++i)
        text += QStringLiteral("value_%1 = compute(%1)  # a line\n").arg(i);
    return text;
}

int laidOutBlocks(const QTextDocument &document)
{
    int laidOut = 0;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next())
        laidOut += block.layout() && block.layout()->lineCount() > 0 ? 1 : 0;
    return laidOut;
}

} // namespace

class TestStreamingTextLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A late join appends kilobytes per delta: the views hear of it once per event-loop turn
    // (each time, QPlainTextEdit lays out the last screenful to size its scroll bar).
    void changesOfManyLines_notifyTheViewsOncePerTurn()
    {
        auto document = streamingDocument();
        QSignalSpy sizes(document->documentLayout(),
                         &QAbstractTextDocumentLayout::documentSizeChanged);
        QSignalSpy updates(document->documentLayout(), &QAbstractTextDocumentLayout::update);
        QTextCursor end(document.get());
        for (int i = 0; i < 5; ++i) {
            end.movePosition(QTextCursor::End);
            end.insertText(lines(40));
        }
        QCOMPARE(sizes.size(), 0);
        QTRY_COMPARE(sizes.size(), 1);
        QCOMPARE(updates.size(), 1);
        QCOMPARE(document->documentLayout()->documentSize().height(),
                 qreal(document->blockCount()));
    }

    void aLineAtATime_notifiesAtOnce()
    {
        auto document = streamingDocument();
        QSignalSpy sizes(document->documentLayout(),
                         &QAbstractTextDocumentLayout::documentSizeChanged);
        QTextCursor end(document.get());
        end.insertText(QStringLiteral("one\n"));
        QCOMPARE(sizes.size(), 1);
    }

    // Highlighting a file nobody looks at lays none of it out: shaping every line cost most of
    // a late join's time, and their glyphs most of its memory.
    void highlightingLinesNotShown_laysNoneOut()
    {
        auto document = streamingDocument();
        RuleBackend backend;
        auto *scheduler = new HighlightScheduler(
            backend.attach(document.get(), QStringLiteral("Python"), QStringLiteral("a.py")));
        QSignalSpy finished(scheduler, &HighlightScheduler::finished);
        document->setPlainText(lines(5000));
        QVERIFY(finished.wait());
        QVERIFY(!document->lastBlock().previous().layout()->formats().isEmpty());
        QCOMPARE(laidOutBlocks(*document), 0);
    }
};

QTEST_MAIN(TestStreamingTextLayout)
#include "tst_streamingtextlayout.moc"
