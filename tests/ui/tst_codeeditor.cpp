#include "core/model/sessionmodel.h"
#include "eventfeeder.h"
#include "ui/codeeditor.h"
#include "ui/filedocuments.h"
#include "ui/framethrottle.h"
#include "ui/highlighting/highlighterbackend.h"
#include "ui/streamingtextlayout.h"
#include "ui/writingbadge.h"

#include <QImage>
#include <QPaintEvent>
#include <QScrollBar>
#include <QSyntaxHighlighter>
#include <QTest>
#include <QTextCursor>

using namespace inkstream::ui;

namespace {

void appendLines(CodeEditor &editor, int count)
{
    for (int i = 0; i < count; ++i) {
        QTextCursor end(editor.document());
        end.movePosition(QTextCursor::End);
        end.insertText(QStringLiteral("line %1\n").arg(i));
        editor.revealInsertionPoint();
    }
}

} // namespace

class TestCodeEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A stream into a highlighted file repaints the lines it touches, not the whole view: Qt's
    // plain-text layout repainted everything on every delta (the highlighter re-formats the
    // line being written) and on every line break, and a blinking caret repainted the view.
    void streamedText_repaintsOnlyTheChangedLines()
    {
        // The window's path: the model's deltas reach the document through FileDocuments.
        inkstream::core::SessionModel model;
        EventFeeder feeder(&model);
        const std::unique_ptr<HighlighterBackend> backend = createHighlighterBackend();
        const FileDocuments documents(&model, backend.get());
        QVERIFY(feeder.startFile(QStringLiteral("a.py")));
        QTextDocument &document = *documents.document(0);
        QVERIFY(qobject_cast<StreamingTextLayout *>(document.documentLayout()));
        CodeEditor editor;
        editor.resize(600, 400);
        editor.setDocument(&document);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        editor.setWriting(true);

        struct PaintRecorder : QObject
        {
            QList<QRect> painted;
            bool eventFilter(QObject *, QEvent *event) override
            {
                if (event->type() == QEvent::Paint)
                    painted << static_cast<QPaintEvent *>(event)->region().boundingRect();
                return false;
            }
        } recorder;
        QTest::qWait(50); // the first full paint
        editor.viewport()->installEventFilter(&recorder);

        // Ten lines, five characters at a time, each delta painted before the next one; the
        // view does not scroll (ten lines fit), so only the written lines need repainting.
        const QString source = QStringLiteral("def total(values):  # sum them\n"
                                              "    result = 0\n"
                                              "    for v in values:\n"
                                              "        result += v  # \"text\"\n"
                                              "    return result\n")
                                   .repeated(2);
        for (qsizetype at = 0; at < source.size(); at += 5) {
            QVERIFY(feeder.appendToFile(QStringLiteral("a.py"), source.mid(at, 5)));
            QCoreApplication::processEvents();
        }
        QTest::qWait(600); // the caret blinks at least once meanwhile
        QCOMPARE(document.toPlainText(), source);
        QCOMPARE(editor.verticalScrollBar()->value(), 0);

        QVERIFY(recorder.painted.size() > 20);
        const int lineHeight = editor.fontMetrics().height();
        const int viewHeight = editor.viewport()->height();
        QVERIFY(viewHeight > 10 * lineHeight);
        for (const QRect &rect : std::as_const(recorder.painted)) {
            QVERIFY2(rect.height() <= 3 * lineHeight,
                     qPrintable(QStringLiteral("a paint of %1 px high (a line is %2 px, the view "
                                               "%3 px)")
                                    .arg(rect.height())
                                    .arg(lineHeight)
                                    .arg(viewHeight)));
        }
    }

    void readOnly_exactlyWhileWriting()
    {
        CodeEditor editor;
        QVERIFY(!editor.isReadOnly());
        editor.setWriting(true);
        QVERIFY(editor.isReadOnly()); // the AI's file is not editable while it is written
        editor.setWriting(false);
        QVERIFY(!editor.isReadOnly());
        QCOMPARE(editor.lineWrapMode(), QPlainTextEdit::NoWrap);
    }

    void lineNumberGutter_growsWithTheLineCount()
    {
        CodeEditor editor;
        const int narrow = editor.lineNumberAreaWidth();
        QVERIFY(narrow > 0);
        QCOMPARE(editor.viewport()->geometry().left(), narrow);
        appendLines(editor, 998); // still three digits
        QCOMPARE(editor.lineNumberAreaWidth(), narrow);
        appendLines(editor, 10); // four digits
        QVERIFY(editor.lineNumberAreaWidth() > narrow);
        QCOMPARE(editor.viewport()->geometry().left(), editor.lineNumberAreaWidth());
    }

    void view_followsTheInsertionPoint()
    {
        CodeEditor editor;
        editor.resize(400, 200);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QScrollBar *bar = editor.verticalScrollBar();
        QVERIFY(bar->isVisible()); // always shown: it never narrows the view mid-stream
        QCOMPARE(bar->property("scrollable").toBool(), false); // styled without a handle
        appendLines(editor, 300);
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->property("scrollable").toBool(), true);
        QCOMPARE(bar->value(), bar->maximum());
        QVERIFY(editor.followsInsertion());
    }

    // A line longer than the view scrolls it sideways to the insertion point; the short lines
    // written after it bring it back to their start (it stayed a few pixels to the right after
    // a line that just passed the edge).
    void view_scrollsBackToTheLeftAfterALongLine()
    {
        CodeEditor editor;
        editor.setLineWrapMode(QPlainTextEdit::NoWrap);
        editor.resize(400, 200);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QScrollBar *bar = editor.horizontalScrollBar();
        const int columns = editor.viewport()->width() / editor.fontMetrics().horizontalAdvance('x');
        for (int extra : {1, 2, 3, 5, 40}) {
            editor.clear();
            QTextCursor end(editor.document());
            for (int length = 1; length <= columns + extra; ++length) {
                end.movePosition(QTextCursor::End);
                end.insertText(QStringLiteral("x"));
                editor.revealInsertionPoint();
            }
            if (extra > 1) // the line passed the edge
                QVERIFY2(bar->value() > 0, qPrintable(QStringLiteral("extra %1").arg(extra)));
            end.movePosition(QTextCursor::End);
            end.insertText(QStringLiteral("\nshort"));
            editor.revealInsertionPoint();
            QVERIFY2(bar->value() == 0, qPrintable(QStringLiteral("extra %1: scrolled %2 px")
                                                       .arg(extra)
                                                       .arg(bar->value())));
        }
    }

    // A reader who scrolled sideways (to read a long line above) keeps that view while the
    // AI writes short lines, as long as the caret stays in it.
    void readerScrolledSideways_isNotScrolledBack()
    {
        CodeEditor editor;
        editor.resize(400, 200);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QTextCursor end(editor.document());
        end.insertText(QString(200, QLatin1Char('x')));
        editor.revealInsertionPoint();
        QScrollBar *bar = editor.horizontalScrollBar();
        QVERIFY(bar->maximum() > 40);
        bar->setSliderPosition(20); // the reader's drag (an action of the bar), a little right
        for (int i = 0; i < 5; ++i) {
            end.movePosition(QTextCursor::End);
            end.insertText(QStringLiteral("\n    call(%1);").arg(i));
            editor.revealInsertionPoint();
            QCOMPARE(bar->value(), 20);
        }
        // Back at the start, the reader gets the view that follows again.
        bar->setSliderPosition(0);
        end.movePosition(QTextCursor::End);
        end.insertText(QStringLiteral("\n") + QString(100, QLatin1Char('y')));
        editor.revealInsertionPoint();
        QVERIFY(bar->value() > 0);
        end.insertText(QStringLiteral("\nz"));
        editor.revealInsertionPoint();
        QCOMPARE(bar->value(), 0);
    }

    void revealSoon_scrollsOncePerEventLoopTurn()
    {
        CodeEditor editor;
        editor.resize(400, 200);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QScrollBar *bar = editor.verticalScrollBar();
        int scrolls = 0;
        connect(bar, &QScrollBar::valueChanged, this, [&scrolls] { ++scrolls; });
        for (int i = 0; i < 300; ++i) {
            QTextCursor end(editor.document());
            end.movePosition(QTextCursor::End);
            end.insertText(QStringLiteral("line %1\n").arg(i));
            editor.revealInsertionPointSoon();
        }
        QCOMPARE(scrolls, 0); // nothing yet: the deltas of one turn are revealed together
        QTRY_VERIFY(bar->maximum() > 0 && bar->value() == bar->maximum());
        QVERIFY(scrolls <= 2);
        QVERIFY(editor.followsInsertion());
    }

    // In the window, reveals wait for the window's next repaint (FrameThrottle): the view
    // scrolls only just before a repaint, however many turns the text arrived in.
    void revealOnRepaints_scrollsOnlyJustBeforeTheWindowRepaints()
    {
        bool repainting = false; // before the editor: its scroll bar outlives the lambdas
        int repaints = 0;
        int scrolls = 0;
        int scrollsOutsideRepaints = 0;
        CodeEditor editor;
        editor.resize(400, 200);
        FrameThrottle frames(&editor);
        connect(&frames, &FrameThrottle::aboutToRepaint, this, [&] {
            repainting = true;
            ++repaints;
        });
        editor.revealOnRepaintsOf(&frames);
        connect(&frames, &FrameThrottle::aboutToRepaint, this, [&] { repainting = false; });
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QScrollBar *bar = editor.verticalScrollBar();
        connect(bar, &QScrollBar::valueChanged, this, [&] {
            ++scrolls;
            if (!repainting)
                ++scrollsOutsideRepaints;
        });
        for (int turn = 0; turn < 20; ++turn) {
            for (int i = 0; i < 15; ++i) {
                QTextCursor end(editor.document());
                end.movePosition(QTextCursor::End);
                end.insertText(QStringLiteral("line %1.%2\n").arg(turn).arg(i));
                editor.revealInsertionPointSoon();
            }
            QCoreApplication::processEvents();
        }
        QTRY_VERIFY(bar->maximum() > 0 && bar->value() == bar->maximum());
        QVERIFY(scrolls > 0);
        QCOMPARE(scrollsOutsideRepaints, 0);
        QVERIFY2(scrolls <= repaints,
                 qPrintable(QStringLiteral("%1 scrolls, %2 repaints").arg(scrolls).arg(repaints)));
        QVERIFY(editor.followsInsertion());
    }

    void badge_paintsEveryPulseFrame()
    {
        WritingBadge badge;
        badge.resize(badge.sizeHint());
        badge.setActive(true);
        const QImage first = badge.grab().toImage();
        QVERIFY(!first.isNull());
        // Half a pulse later the glow differs, so the frame does too.
        QTRY_VERIFY_WITH_TIMEOUT(badge.grab().toImage() != first, 2000);
    }

    void readerScrollingAway_stopsFollowing_andScrollingBackResumes()
    {
        CodeEditor editor;
        editor.resize(400, 200);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        appendLines(editor, 300);
        QScrollBar *bar = editor.verticalScrollBar();

        bar->triggerAction(QAbstractSlider::SliderToMinimum); // the reader scrolls to the top
        QTRY_VERIFY(!editor.followsInsertion());
        appendLines(editor, 50);
        QCOMPARE(bar->value(), 0); // left where the reader put it

        bar->triggerAction(QAbstractSlider::SliderToMaximum); // and back to the end
        QTRY_VERIFY(editor.followsInsertion());
        appendLines(editor, 50);
        QCOMPARE(bar->value(), bar->maximum());
    }

    void writing_blinksTheCaret()
    {
        CodeEditor editor;
        QVERIFY(!editor.isWriting());
        editor.setWriting(true);
        QVERIFY(editor.isWriting());
        editor.setWriting(false);
        QVERIFY(!editor.isWriting());
    }

    void zoom_changesTheFontAndTheGutter()
    {
        CodeEditor editor;
        appendLines(editor, 5);
        const qreal size = editor.font().pointSizeF();
        const int gutter = editor.lineNumberAreaWidth();
        editor.zoomBy(3);
        QVERIFY(editor.font().pointSizeF() > size);
        QVERIFY(editor.lineNumberAreaWidth() > gutter);
        editor.zoomBy(-3);
        QCOMPARE(editor.font().pointSizeF(), size);
    }

    void badge_pulsesOnlyWhileActive()
    {
        WritingBadge badge;
        QVERIFY(!badge.isActive());
        QVERIFY(!badge.isVisibleTo(nullptr));
        QCOMPARE(badge.text(), QStringLiteral("AI Writing Code..."));
        badge.setActive(true);
        QVERIFY(badge.isPulsing());
        QVERIFY(badge.isVisibleTo(nullptr));
        QVERIFY(badge.sizeHint().width() > badge.fontMetrics().horizontalAdvance(badge.text()));
        badge.setActive(false);
        QVERIFY(!badge.isPulsing());
        QVERIFY(!badge.isVisibleTo(nullptr));
    }
};

QTEST_MAIN(TestCodeEditor)
#include "tst_codeeditor.moc"
