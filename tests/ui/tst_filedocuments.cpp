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
};

QTEST_MAIN(TestFileDocuments)
#include "tst_filedocuments.moc"
