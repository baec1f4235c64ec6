#include "tests/sanitizers.h"
#include "textformats.h"
#include "ui/highlighting/codetheme.h"
#include "ui/highlighting/highlightscheduler.h"
#include "ui/highlighting/rulebackend.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSyntaxHighlighter>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>

using namespace inkstream::test;
using namespace inkstream::ui;

namespace {

// Python with what carries over from one line to the next (a docstring across lines), so the
// order in which blocks are highlighted matters. About `bytes` long.
QString pythonSource(qsizetype bytes)
{
    const QString unit = QStringLiteral("def handler_%1(request):\n"
                                        "    \"\"\"Answers one request.\n"
                                        "    return is not code in here\n"
                                        "    \"\"\"\n"
                                        "    if request.method != 'GET':  # only reads\n"
                                        "        return Response(405)\n"
                                        "    return render(request.path, limit=%1)\n\n");
    QString text;
    for (int i = 0; text.size() < bytes; ++i)
        text += unit.arg(i);
    return text;
}

// The formats a highlighter gives `text` all at once, synchronously: what lazy highlighting
// must end up with.
QStringList synchronousFormats(const QString &text)
{
    auto document = makePlainTextDocument();
    document->setPlainText(text);
    RuleBackend backend;
    QSyntaxHighlighter *highlighter
        = backend.attach(document.get(), QStringLiteral("Python"), QStringLiteral("a.py"));
    highlighter->rehighlight();
    return describeFormats(*document);
}

struct Lazy
{
    std::unique_ptr<QTextDocument> document = makePlainTextDocument();
    RuleBackend backend;
    QSyntaxHighlighter *highlighter
        = backend.attach(document.get(), QStringLiteral("Python"), QStringLiteral("a.py"));
    HighlightScheduler *scheduler = new HighlightScheduler(highlighter);
};

} // namespace

class TestHighlightScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bigDocument_isHighlightedInSlices_withTheSynchronousResult()
    {
        // The 20 MB file. Under ASan, whose point here is the memory the same slices
        // touch, a tenth of it: 20 MB took 80 s there and timed out on a loaded CI machine.
        const QString text = pythonSource((kAddressSanitizer ? 2 : 20) * 1024 * 1024);
        Lazy lazy;
        QCOMPARE(HighlightScheduler::of(lazy.document.get()), lazy.scheduler);
        QSignalSpy slices(lazy.scheduler, &HighlightScheduler::sliceRan);
        QSignalSpy finished(lazy.scheduler, &HighlightScheduler::finished);

        lazy.document->setPlainText(text);
        // The change itself highlighted no more than one budget's worth.
        QVERIFY(lazy.scheduler->highlightedBlocks() < lazy.document->blockCount() / 100);
        QVERIFY(!lazy.scheduler->isDone());

        QVERIFY(finished.wait(300000));
        QVERIFY(lazy.scheduler->isDone());
        QVERIFY(slices.size() > 10);
        // What a slice chose to do fits in a frame: the GUI thread's own time in it, not the
        // time it waited for a CPU (the wall-clock figure, loaded, is the window benchmark's).
        // Not under ASan: its allocator recycles its quarantine inside slices (slices of 4 to
        // 22 blocks ran 9-16 ms there, against none over 6 ms in the build users run).
        qint64 longestRunningNs = 0;
        qint64 longestElapsedNs = 0;
        for (const QList<QVariant> &slice : std::as_const(slices)) {
            QVERIFY(slice.at(2).toLongLong() >= 0);
            longestRunningNs = qMax(longestRunningNs, slice.at(2).toLongLong());
            longestElapsedNs = qMax(longestElapsedNs, slice.at(1).toLongLong());
        }
        QVERIFY2(kAddressSanitizer || longestRunningNs < 16 * 1000 * 1000,
                 qPrintable(QStringLiteral("a slice ran %1 ms (%2 ms elapsed)")
                                .arg(longestRunningNs / 1e6)
                                .arg(longestElapsedNs / 1e6)));
        QCOMPARE(describeFormats(*lazy.document), synchronousFormats(text));
    }

    void visibleBlocks_areHighlightedFirst()
    {
        const QString text = pythonSource(4 * 1024 * 1024);
        Lazy lazy;
        lazy.document->setPlainText(text);
        const int blocks = lazy.document->blockCount();
        const int first = blocks * 3 / 4;
        QSignalSpy slices(lazy.scheduler, &HighlightScheduler::sliceRan);
        lazy.scheduler->setVisibleBlocks(first, 40);

        QVERIFY(slices.wait());
        QVERIFY(lazy.scheduler->highlightedBlocks() < first); // not there in order yet
        const QStringList expected = synchronousFormats(text);
        const QStringList formats = describeFormats(*lazy.document);
        for (int block = first; block < first + 40; ++block)
            QCOMPARE(formats.at(block), expected.at(block));
    }

    void appendingAtTheEnd_highlightsTheLineAtOnce()
    {
        Lazy lazy;
        lazy.document->setPlainText(pythonSource(4096));
        QTRY_VERIFY(lazy.scheduler->isDone());

        QTextCursor end(lazy.document.get());
        end.movePosition(QTextCursor::End);
        end.insertText(QStringLiteral("\nimport os"));
        // No event loop turn: highlighted while the change was made.
        QVERIFY(lazy.scheduler->isDone());
        const int import = lazy.document->characterCount() - 1 - int(qstrlen("import os"));
        QCOMPARE(colorAt(*lazy.document, import),
                 CodeTheme::current().format(CodeTheme::Token::Keyword).foreground().color());
    }

    void anEditThatOpensAString_rehighlightsWhatFollows()
    {
        const QString text = pythonSource(512 * 1024);
        Lazy lazy;
        lazy.document->setPlainText(text);
        QTRY_VERIFY_WITH_TIMEOUT(lazy.scheduler->isDone(), 60000);

        // A docstring opened near the top turns everything after it into a string until the
        // next triple quote, which reaches the end of the document.
        QTextCursor cursor(lazy.document->findBlockByNumber(1));
        cursor.insertText(QStringLiteral("'''"));
        QTRY_VERIFY_WITH_TIMEOUT(lazy.scheduler->isDone(), 60000);
        QCOMPARE(describeFormats(*lazy.document), synchronousFormats(lazy.document->toPlainText()));
    }

    void rehighlightAll_goesOverEveryBlockAgain()
    {
        Lazy lazy;
        lazy.document->setPlainText(pythonSource(1024 * 1024));
        QTRY_VERIFY_WITH_TIMEOUT(lazy.scheduler->isDone(), 60000);
        lazy.scheduler->rehighlightAll();
        QVERIFY(!lazy.scheduler->isDone()); // one slice at once, not a megabyte
        QTRY_VERIFY_WITH_TIMEOUT(lazy.scheduler->isDone(), 60000);
        QCOMPARE(describeFormats(*lazy.document), synchronousFormats(lazy.document->toPlainText()));
    }
};

QTEST_MAIN(TestHighlightScheduler)
#include "tst_highlightscheduler.moc"
