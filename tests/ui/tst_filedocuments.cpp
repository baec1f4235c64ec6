#include "core/model/sessionmodel.h"
#include "eventfeeder.h"
#include "ui/filedocuments.h"
#include "ui/highlighting/highlightscheduler.h"
#include "ui/highlighting/rulebackend.h"

#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

using namespace inkstream;
using namespace inkstream::ui;

class TestFileDocuments : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deltas_areInsertedAtTheEnd_neverReplacingTheText()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);

        feed.startFile(QStringLiteral("a.py"));
        QCOMPARE(documents.count(), 1);
        QTextDocument *document = documents.document(0);
        QVERIFY(document);
        QVERIFY(!document->isUndoRedoEnabled());

        int removedCharacters = 0;
        int changes = 0;
        connect(document, &QTextDocument::contentsChange, this, [&](int, int removed, int) {
            removedCharacters += removed;
            ++changes;
        });
        const QString content
            = QStringLiteral("def caf\u00e9():\n    return '\U0001F600'\n").repeated(50);
        int insertions = 0; // one per line piece of a delta (see FileDocuments::appendText)
        for (qsizetype i = 0; i < content.size(); i += 7) {
            const QString delta = content.mid(i, 7);
            insertions += int(delta.count(u'\n')) + (delta.endsWith(u'\n') ? 0 : 1);
            feed.appendToFile(QStringLiteral("a.py"), delta);
        }
        QCOMPARE(document->toPlainText(), content);
        QCOMPARE(removedCharacters, 0); // appends only: O(delta), never a reset of the text
        QCOMPARE(changes, insertions);
    }

    // A late join's catch-up comes in deltas of kilobytes: one insertion each, so the layout
    // lays out only what is painted instead of every line as it arrives.
    void aDeltaOfManyLines_isInsertedAtOnce()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        feed.startFile(QStringLiteral("a.py"));
        int changes = 0;
        connect(documents.document(0), &QTextDocument::contentsChange, this,
                [&changes](int, int, int) { ++changes; });
        const QString delta = QStringLiteral("x = 1\n").repeated(40);
        feed.appendToFile(QStringLiteral("a.py"), delta);
        QCOMPARE(changes, 1);
        QCOMPARE(documents.document(0)->toPlainText(), delta);
    }

    // Highlighting is lazy (HighlightScheduler), and a document no editor shows waits for one.
    void documents_areHighlightedOnceShown()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        feed.typeFile(QStringLiteral("a.py"), QStringLiteral("import os\n"));
        QTextDocument *document = documents.document(0);
        HighlightScheduler *scheduler = HighlightScheduler::of(document);
        QVERIFY(scheduler);
        QVERIFY(!scheduler->isShown());
        for (int turn = 0; turn < 3; ++turn) // a slice would run in any of them
            QCoreApplication::processEvents();
        QVERIFY(document->firstBlock().layout()->formats().isEmpty());
        scheduler->setShown(true);
        QTRY_VERIFY(scheduler->isDone());
        QVERIFY(!document->firstBlock().layout()->formats().isEmpty());
    }

    void eachFile_hasItsOwnDocument()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        QSignalSpy added(&documents, &FileDocuments::documentAdded);
        feed.typeFile(QStringLiteral("one.rs"), QStringLiteral("fn one() {}\n"));
        feed.typeFile(QStringLiteral("two.ts"), QStringLiteral("const two = 2;\n"));
        feed.appendToFile(QStringLiteral("one.rs"), QStringLiteral("// more\n"));
        QCOMPARE(added.count(), 2);
        QCOMPARE(documents.document(0)->toPlainText(), QStringLiteral("fn one() {}\n// more\n"));
        QCOMPARE(documents.document(1)->toPlainText(), QStringLiteral("const two = 2;\n"));
        QVERIFY(!documents.document(2));
        QVERIFY(!documents.document(-1));
    }

    void completeWithDifferentContent_replacesTheText()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        QSignalSpy replaced(&documents, &FileDocuments::documentReplaced);
        feed.typeFile(QStringLiteral("a.go"), QStringLiteral("package mian\n"));
        feed.completeFile(QStringLiteral("a.go"), QStringLiteral("package main\n"));
        QCOMPARE(replaced.count(), 1);
        QCOMPARE(documents.document(0)->toPlainText(), QStringLiteral("package main\n"));
    }

    void snapshot_rebuildsEveryDocument()
    {
        core::SessionModel source;
        EventFeeder feedSource(&source);
        feedSource.typeFile(QStringLiteral("x.c"), QStringLiteral("int x;\n"));
        feedSource.typeFile(QStringLiteral("y.sql"), QStringLiteral("SELECT 1;\n"));

        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        feed.typeFile(QStringLiteral("old.txt"), QStringLiteral("stale"));
        QSignalSpy aboutToReset(&documents, &FileDocuments::documentsAboutToBeReset);
        QSignalSpy reset(&documents, &FileDocuments::documentsReset);
        QVERIFY(model.loadSnapshot(source.toSnapshot()));
        QCOMPARE(aboutToReset.count(), 1);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(documents.count(), 2);
        QCOMPARE(documents.document(0)->toPlainText(), QStringLiteral("int x;\n"));
        QCOMPARE(documents.document(1)->toPlainText(), QStringLiteral("SELECT 1;\n"));
    }

    void afterAReset_aDocumentGetsItsTextWhenAskedFor()
    {
        // A replay's seek replaces a model of many files: only the files looked at are laid out
        // and highlighted, and what streams into the others meanwhile is not lost.
        core::SessionModel source;
        EventFeeder feedSource(&source);
        for (int i = 0; i < 50; ++i)
            feedSource.typeFile(QStringLiteral("f%1.py").arg(i), QStringLiteral("x = %1\n").arg(i));

        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        QSignalSpy added(&documents, &FileDocuments::documentAdded);
        QSignalSpy appended(&documents, &FileDocuments::documentAppended);
        model.copyFrom(source);
        QCOMPARE(documents.count(), 50);
        QCOMPARE(added.count(), 0); // announced once, by documentsReset
        EventFeeder feed(&model);
        feed.appendToFile(QStringLiteral("f7.py"), QStringLiteral("y = 7\n"));
        QCOMPARE(appended.count(), 1);
        QCOMPARE(documents.document(7)->toPlainText(), QStringLiteral("x = 7\ny = 7\n"));
        feed.appendToFile(QStringLiteral("f7.py"), QStringLiteral("z\n")); // now appended as usual
        QCOMPARE(documents.document(7)->toPlainText(), QStringLiteral("x = 7\ny = 7\nz\n"));
        feed.completeFile(QStringLiteral("f9.py"), QStringLiteral("corrected\n"));
        QCOMPARE(documents.document(9)->toPlainText(), QStringLiteral("corrected\n"));
        for (int i = 0; i < 50; ++i)
            QCOMPARE(documents.document(i)->toPlainText(), model.files().at(i).content);
        QCOMPARE(documents.userEditedCount(), 0); // filling is no edit by the reader
    }

    // A session of many files holds a document's text only while it is looked at: the files
    // asked for longest ago give theirs back once the others exceed kIdleCharacters, and get it
    // again, the model's, when asked for again.
    void documents_giveTheirTextBack_whenNotLookedAt()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        const int files = 14;
        const qsizetype fileCharacters = FileDocuments::kIdleCharacters / 10;
        for (int i = 0; i < files; ++i) {
            const QString line = QStringLiteral("x_%1 = '\u6f22\u5b57 \U0001F600'\n").arg(i);
            feed.startFile(QStringLiteral("f%1.py").arg(i));
            feed.appendToFile(QStringLiteral("f%1.py").arg(i),
                              line.repeated(fileCharacters / line.size() + 1));
            feed.completeFile(QStringLiteral("f%1.py").arg(i), model.files().at(i).content);
        }
        QCOMPARE(documents.count(), files);
        for (int i = 0; i < files; ++i)
            QVERIFY(!documents.holdsText(i)); // none asked for yet: none laid out
        for (int i = 0; i < files; ++i) {
            QTextDocument *document = documents.document(i);
            documents.text(i); // (the whole text in, as a reader who waited would have it)
            QCOMPARE(document->toPlainText(), model.files().at(i).content);
        }
        QTRY_COMPARE(documents.pendingReleases(), 0);
        qsizetype held = 0;
        int holding = 0;
        for (int i = 0; i < files; ++i) {
            if (!documents.holdsText(i))
                continue;
            ++holding;
            held += model.files().at(i).content.size();
        }
        QVERIFY2(held <= FileDocuments::kIdleCharacters + fileCharacters + 64,
                 qPrintable(QString::number(held)));
        QVERIFY(holding >= 9); // the most recent ones
        QVERIFY(holding < files);
        QVERIFY(documents.holdsText(files - 1));
        QVERIFY(!documents.holdsText(0)); // the one asked for first
        // What was given back is the model's again, once asked for, and saved as it is.
        QCOMPARE(documents.text(0), model.files().at(0).content);
        QTextDocument *again = documents.document(0);
        QVERIFY(documents.isFilling(0)); // its first screens, the rest while shown (below)
        QCOMPARE(documents.text(0), model.files().at(0).content);
        QCOMPARE(again->toPlainText(), model.files().at(0).content);
        QCOMPARE(documents.userEditedCount(), 0);
    }

    // The user's edits are never given back, however long ago the file was looked at.
    void anEditedDocument_keepsItsText()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        const QString big = QStringLiteral("y = 1\n").repeated(FileDocuments::kIdleCharacters / 6);
        for (int i = 0; i < 4; ++i) {
            feed.startFile(QStringLiteral("f%1.py").arg(i));
            feed.appendToFile(QStringLiteral("f%1.py").arg(i), big);
            feed.completeFile(QStringLiteral("f%1.py").arg(i), big);
        }
        QTextDocument *first = documents.document(0);
        documents.text(0);
        QTextCursor(first).insertText(QStringLiteral("# mine\n"));
        QVERIFY(documents.isUserEdited(0));
        for (int i = 1; i < 4; ++i) {
            documents.document(i);
            documents.text(i);
        }
        QTRY_COMPARE(documents.pendingReleases(), 0);
        QVERIFY(documents.holdsText(0));
        QCOMPARE(documents.text(0), QStringLiteral("# mine\n") + big);
        QVERIFY(!documents.holdsText(1)); // unedited, asked for before the others
    }

    // A big text goes in in slices while an editor shows it, the first screens at once; the
    // deltas that arrive meanwhile are not lost, and saving has the whole text at any time.
    void aBigText_goesInInSlices_whileShown()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        const QString line = QStringLiteral("value = compute('caf\u00e9 \U0001F600')\n");
        const QString text = line.repeated(20 * FileDocuments::kFillCharacters / line.size());
        feed.startFile(QStringLiteral("big.py"));
        feed.appendToFile(QStringLiteral("big.py"), text);

        QTextDocument *document = documents.document(0);
        QVERIFY(documents.isFilling(0));
        QVERIFY(document->characterCount() <= 2 * FileDocuments::kFillCharacters + 1);
        QVERIFY(document->characterCount() > FileDocuments::kFillCharacters);
        QVERIFY(document->toPlainText().endsWith(u'\n')); // whole lines
        QVERIFY(text.startsWith(document->toPlainText()));
        QVERIFY(!document->isUndoRedoEnabled());

        // Not shown: it waits as it is.
        const int before = document->characterCount();
        QTest::qWait(50);
        QCOMPARE(document->characterCount(), before);

        HighlightScheduler::of(document)->setShown(true); // as an editor painting it does
        documents.document(0);
        QSignalSpy appended(&documents, &FileDocuments::documentAppended);
        QSignalSpy filled(&documents, &FileDocuments::documentFilled);
        feed.appendToFile(QStringLiteral("big.py"), QStringLiteral("tail = 1\n"));
        QTRY_VERIFY(documents.holdsText(0));
        QVERIFY(!documents.isFilling(0));
        QCOMPARE(document->toPlainText(), text + QStringLiteral("tail = 1\n"));
        QCOMPARE(appended.count(), 1); // the delta
        QCOMPARE(filled.count(), 1); // then the end of the filling (the view follows its end)
        feed.appendToFile(QStringLiteral("big.py"), QStringLiteral("more = 2\n"));
        QCOMPARE(document->toPlainText(), text + QStringLiteral("tail = 1\nmore = 2\n"));

        // Saving never gets half a text.
        feed.startFile(QStringLiteral("second.py"));
        feed.appendToFile(QStringLiteral("second.py"), text);
        QTextDocument *second = documents.document(1);
        QVERIFY(documents.isFilling(1));
        QCOMPARE(documents.text(1), text);
        QCOMPARE(second->toPlainText(), text);
        QVERIFY(!documents.isFilling(1));
        QCOMPARE(documents.userEditedCount(), 0); // filling is no edit by the reader
    }

    // A text replaced while it goes in starts over with the new one.
    void aTextReplacedWhileFilling_startsOver()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        const QString old = QStringLiteral("old = 1\n").repeated(FileDocuments::kFillCharacters);
        const QString corrected
            = QStringLiteral("new = 2\n").repeated(FileDocuments::kFillCharacters / 2);
        feed.startFile(QStringLiteral("a.py"));
        feed.appendToFile(QStringLiteral("a.py"), old);
        QTextDocument *document = documents.document(0);
        QVERIFY(documents.isFilling(0));
        HighlightScheduler::of(document)->setShown(true);
        feed.completeFile(QStringLiteral("a.py"), corrected);
        QTRY_VERIFY(documents.holdsText(0));
        QCOMPARE(document->toPlainText(), corrected);
    }

    // The user's text put back after a snapshot is whole, however big, and nothing of the
    // model's goes in after it; taking the AI's text back gives exactly the AI's.
    void aSnapshot_putsTheUsersBigTextBackWhole()
    {
        const QString line = QStringLiteral("value = compute('caf\u00e9')\n");
        const QString text = line.repeated(10 * FileDocuments::kFillCharacters / line.size());
        core::SessionModel source;
        EventFeeder feedSource(&source);
        feedSource.typeFile(QStringLiteral("big.py"), text, 4096);
        feedSource.completeFile(QStringLiteral("big.py"), text);

        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        model.copyFrom(source);
        QTextDocument *document = documents.document(0);
        HighlightScheduler::of(document)->setShown(true);
        QTRY_VERIFY(documents.holdsText(0));
        QTextCursor(document).insertText(QStringLiteral("# mine\n"));
        const QString mine = QStringLiteral("# mine\n") + text;
        QCOMPARE(documents.text(0), mine);

        // A snapshot with another text of the file: the user's comes back whole, in conflict.
        feedSource.completeFile(QStringLiteral("big.py"), text + QStringLiteral("more = 1\n"));
        model.copyFrom(source);
        document = documents.document(0);
        HighlightScheduler::of(document)->setShown(true);
        QVERIFY(documents.hasConflict(0));
        QVERIFY(!documents.isFilling(0));
        QTest::qWait(100); // slices would have gone in by now
        QCOMPARE(document->toPlainText(), mine);
        QCOMPARE(documents.text(0), mine);
        documents.resolveConflict(0, FileDocuments::Choice::TakeTheirs);
        QTest::qWait(100);
        QCOMPARE(document->toPlainText(), text + QStringLiteral("more = 1\n"));
        QVERIFY(!documents.isUserEdited(0));
    }

    // A minified file's one long line goes in whole, not in slices that would each lay the
    // line out again.
    void aLongLine_goesInWhole()
    {
        core::SessionModel model;
        RuleBackend backend;
        FileDocuments documents(&model, &backend);
        EventFeeder feed(&model);
        const QString line = QStringLiteral("var a=1;").repeated(FileDocuments::kFillCharacters);
        feed.startFile(QStringLiteral("min.js"));
        feed.appendToFile(QStringLiteral("min.js"), line + QStringLiteral("\nshort\n"));
        QTextDocument *document = documents.document(0);
        QCOMPARE(document->firstBlock().text(), line);
    }
};

QTEST_MAIN(TestFileDocuments)
#include "tst_filedocuments.moc"
