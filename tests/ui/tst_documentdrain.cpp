#include "ui/documentdrain.h"
#include "ui/turnbudget.h"

#include <QElapsedTimer>
#include <QPlainTextDocumentLayout>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTextDocument>
#include <QTimer>

using namespace inkstream::ui;

class TestDocumentDrain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A big document is deleted over several turns of the event loop, none of them long; a
    // small one at once.
    void aBigDocument_isDeletedInSlices()
    {
        DocumentDrain drain;
        QSignalSpy drained(&drain, &DocumentDrain::drained);
        auto *big = new QTextDocument;
        big->setDocumentLayout(new QPlainTextDocumentLayout(big));
        big->setPlainText(QStringLiteral("line = '\u6f22\u5b57'\n").repeated(80000));
        auto *small = new QTextDocument;
        small->setPlainText(QStringLiteral("x\n"));
        QPointer<QTextDocument> bigGuard(big);
        QPointer<QTextDocument> smallGuard(small);
        int changes = 0;
        connect(big, &QTextDocument::contentsChange, this, [&changes] { ++changes; });

        drain.take(big);
        drain.take(small);
        QCOMPARE(drain.pendingDocuments(), 2);
        QVERIFY(drain.pendingCharacters() > 900000);
        QCOMPARE(big->parent(), &drain); // owned now

        int turns = 0;
        qint64 longestNs = 0;
        while (drain.pendingDocuments() > 0 && turns < 10000) {
            QElapsedTimer turn;
            turn.start();
            QCoreApplication::processEvents();
            longestNs = qMax(longestNs, turn.nsecsElapsed());
            ++turns;
        }
        QVERIFY(bigGuard.isNull());
        QVERIFY(smallGuard.isNull());
        QCOMPARE(drained.count(), 1);
        QVERIFY2(turns >= 3, qPrintable(QString::number(turns))); // not all at once
        QCOMPARE(changes, 0); // nobody that watched it hears of the cutting
        qInfo("%d turns, the longest %.2f ms", turns, longestNs / 1e6);
    }

    // Every kind of background work shares one budget per turn of the event loop.
    void theTurnBudget_isSharedAndRenewedEachTurn()
    {
        QCoreApplication::processEvents(); // a fresh turn
        QCoreApplication::processEvents();
        const qint64 left = TurnBudget::leftNs();
        QCOMPARE(left, TurnBudget::kBudgetNs);
        TurnBudget::spend(TurnBudget::kBudgetNs / 2);
        QCOMPARE(TurnBudget::leftNs(), TurnBudget::kBudgetNs / 2);
        TurnBudget::spend(TurnBudget::kBudgetNs);
        QVERIFY(!TurnBudget::hasLeft());
        // Zero timers that are due together fire in one turn and see one budget between them.
        bool firstSawBudget = false;
        bool secondSawBudget = true;
        QCoreApplication::processEvents();
        QTimer first; // zero-interval timers, as the slices use
        QTimer second;
        for (QTimer *timer : {&first, &second}) {
            timer->setSingleShot(true);
            timer->setInterval(0);
        }
        connect(&first, &QTimer::timeout, this, [&] {
            firstSawBudget = TurnBudget::hasLeft();
            TurnBudget::spend(TurnBudget::kBudgetNs);
        });
        connect(&second, &QTimer::timeout, this, [&] { secondSawBudget = TurnBudget::hasLeft(); });
        first.start();
        second.start();
        QTRY_VERIFY(!second.isActive());
        QVERIFY(firstSawBudget);
        QVERIFY(!secondSawBudget);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QVERIFY(TurnBudget::hasLeft()); // the next turn has its own
    }
};

QTEST_MAIN(TestDocumentDrain)
#include "tst_documentdrain.moc"
