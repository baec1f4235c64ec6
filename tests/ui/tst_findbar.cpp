#include "ui/findbar.h"

#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTest>
#include <QTextCursor>

using namespace inkstream::ui;

namespace {

struct Editor
{
    QPlainTextEdit editor;
    FindBar bar {&editor};

    explicit Editor(const QString &text) { editor.setPlainText(text); }
    QString selected() const { return editor.textCursor().selectedText(); }
    int at() const { return editor.textCursor().selectionStart(); }
    void find(const QString &needle)
    {
        bar.activate();
        bar.field()->setText(needle); // finds as it is typed
    }
};

} // namespace

class TestFindBar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typing_findsTheFirstMatch_caseInsensitively()
    {
        Editor e(QStringLiteral("alpha\nBeta beta\ngamma beta\n"));
        e.find(QStringLiteral("beta"));
        QCOMPARE(e.at(), 6);
        QCOMPARE(e.selected(), QStringLiteral("Beta"));
    }

    void next_andPrevious_wrapAround()
    {
        Editor e(QStringLiteral("beta one\nbeta two\nbeta three\n"));
        e.find(QStringLiteral("beta"));
        QCOMPARE(e.at(), 0);
        QVERIFY(e.bar.findNext());
        QCOMPARE(e.at(), 9);
        QVERIFY(e.bar.findNext());
        QCOMPARE(e.at(), 18);
        QVERIFY(e.bar.findNext()); // around to the top
        QCOMPARE(e.at(), 0);
        QVERIFY(e.bar.findNext(true)); // and back round to the bottom
        QCOMPARE(e.at(), 18);
        QVERIFY(e.bar.findNext(true));
        QCOMPARE(e.at(), 9);
    }

    void aWordFoundNowhere_saysSo_andKeepsTheSelection()
    {
        Editor e(QStringLiteral("beta one\nbeta two\n"));
        e.find(QStringLiteral("two"));
        QCOMPARE(e.at(), 14);
        e.bar.field()->setText(QStringLiteral("nowhere"));
        QCOMPARE(e.bar.status(), QStringLiteral("Not found"));
        QCOMPARE(e.at(), 14);
    }

    // The text searched is a copy kept between searches: a change must show in the next one.
    void textAddedAfterASearch_isFound()
    {
        Editor e(QStringLiteral("one\n"));
        e.find(QStringLiteral("two"));
        QCOMPARE(e.bar.status(), QStringLiteral("Not found"));
        QTextCursor end(e.editor.document());
        end.movePosition(QTextCursor::End);
        end.insertText(QStringLiteral("two\n"));
        QVERIFY(e.bar.findNext());
        QCOMPARE(e.at(), 4);
        e.editor.setPlainText(QStringLiteral("x two"));
        QVERIFY(e.bar.findNext());
        QCOMPARE(e.at(), 2);
    }
};

QTEST_MAIN(TestFindBar)
#include "tst_findbar.moc"
