#include "ui/findbar.h"
#include "ui/searchabletext.h"

#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>

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

    // The folded copy finds what a case-insensitive search of the text finds, at the same
    // positions, forwards and backwards from everywhere, in scripts with case and without.
    void foldedSearch_findsWhatACaseInsensitiveSearchFinds()
    {
        const QString text = QStringLiteral(
            "Caf\u00c9 caf\u00e9 \u03a3\u03bf\u03c6\u03af\u03b1 \u03c3\u03bf\u03c6\u03b9\u03c2 "
            "\u041c\u0418\u0420 \u043c\u0438\u0440 Stra\u00dfe STRASSE \u6f22\u5b57 \U0001F600 "
            "\U00010400\U00010428 \u0130stanbul istanbul KELVIN \u212a\n");
        QTextDocument document;
        document.setPlainText(text);
        SearchableText searchable;
        searchable.of(&document);
        QVERIFY(searchable.isFolded());
        const QStringList needles {QStringLiteral("caf\u00e9"),
                                   QStringLiteral("CAF\u00c9"),
                                   QStringLiteral("\u03c3\u03bf\u03c6"),
                                   QStringLiteral("\u043c\u0438\u0440"),
                                   QStringLiteral("stra"),
                                   QStringLiteral("\u00df"),
                                   QStringLiteral("\u6f22"),
                                   QStringLiteral("\U0001F600"),
                                   QStringLiteral("\U00010400"),
                                   QStringLiteral("k"),
                                   QStringLiteral("istanbul"),
                                   QStringLiteral("nowhere")};
        for (const QString &needle : needles) {
            for (qsizetype from = 0; from <= text.size(); ++from) {
                QCOMPARE(searchable.find(&document, needle, from, false),
                         text.indexOf(needle, from, Qt::CaseInsensitive));
                QCOMPARE(searchable.find(&document, needle, from - 1, true),
                         text.lastIndexOf(needle, from - 1, Qt::CaseInsensitive));
            }
        }
    }
};

QTEST_MAIN(TestFindBar)
#include "tst_findbar.moc"
