#include "core/model/sessionmodel.h"
#include "eventfeeder.h"
#include "ui/chatbubble.h"
#include "ui/chatmarkdown.h"
#include "ui/chatpanel.h"
#include "ui/codeblockview.h"
#include "ui/filelistmodel.h"
#include "ui/progresstracker.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTest>

using namespace inkstream;
using namespace inkstream::ui;
using core::ChatEvent;
using core::ChatRole;

class TestChatPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void markdown_splitsProseAndFencedBlocks()
    {
        const QString message
            = QStringLiteral("Here it is:\n\n```python title=\"a.py\"\nx = 1\n\n"
                             "y = 2\n```\nAnd a shell line:\n~~~~\nls -l\n~~~~\nDone.");
        const QList<ChatMarkdown::Segment> segments = ChatMarkdown::split(message);
        QCOMPARE(segments.size(), 5);
        QVERIFY(!segments[0].isCode);
        QCOMPARE(segments[1].text, QStringLiteral("x = 1\n\ny = 2"));
        QCOMPARE(segments[1].info, QStringLiteral("python title=\"a.py\""));
        QCOMPARE(ChatMarkdown::languageForInfo(segments[1].info), QStringLiteral("Python"));
        QVERIFY(segments[3].isCode);
        QCOMPARE(segments[3].text, QStringLiteral("ls -l"));
        QCOMPARE(segments[4].text, QStringLiteral("Done."));
        QCOMPARE(ChatMarkdown::languageForInfo(QStringLiteral("sum.js")),
                 QStringLiteral("JavaScript"));
        QCOMPARE(ChatMarkdown::languageForInfo(QStringLiteral("ts")), QStringLiteral("TypeScript"));
    }

    void markdown_unclosedFence_runsToTheEnd()
    {
        const auto segments = ChatMarkdown::split(QStringLiteral("a\n```rust\nfn main() {}\n"));
        QCOMPARE(segments.size(), 2);
        QVERIFY(segments[1].isCode);
        QCOMPARE(segments[1].text, QStringLiteral("fn main() {}"));
    }

    void completedMessage_rendersCodeBlocksWithCopy()
    {
        core::SessionModel model;
        ChatPanel panel(&model);
        EventFeeder feed(&model);
        feed.chat(ChatEvent::Type::Start, QStringLiteral("m"));
        feed.chat(ChatEvent::Type::Delta, QStringLiteral("m"),
                  QStringLiteral("Use **this**:\n```js\n"));
        feed.chat(ChatEvent::Type::Delta, QStringLiteral("m"), QStringLiteral("let a = 1;\n```\n"));
        ChatBubble *bubble = panel.bubble(0);
        QVERIFY(bubble->isStreaming());
        feed.chat(ChatEvent::Type::Complete, QStringLiteral("m"));
        QVERIFY(bubble->isRendered());
        QCOMPARE(bubble->codeBlockCount(), 1);
        CodeBlockView *block = bubble->findChild<CodeBlockView *>();
        QCOMPARE(block->code(), QStringLiteral("let a = 1;"));
        block->copyButton()->click();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("let a = 1;"));
    }

    // Issue 19, 9: the AI's Markdown renders while the message streams (it used to show as
    // plain text and jump into shape when the message ended): the code block is there before
    // the end, grows as its lines come, and ending the message changes the bubble's height by
    // nothing.
    void streamingMessage_rendersAsItComes_andDoesNotJumpAtTheEnd()
    {
        core::SessionModel model;
        ChatPanel panel(&model);
        panel.resize(420, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        EventFeeder feed(&model);
        feed.chat(ChatEvent::Type::Start, QStringLiteral("m"));
        feed.chat(ChatEvent::Type::Delta, QStringLiteral("m"),
                  QStringLiteral("The **store** keeps links:\n\n```python\nclass Store:\n"));
        ChatBubble *bubble = panel.bubble(0);
        QVERIFY(bubble->isStreaming());
        QTRY_COMPARE(bubble->codeBlockCount(), 1);
        QVERIFY(bubble->isRendered());
        // The prose is a Markdown label: rich text, emphasis rendered as it streams.
        QLabel *prose = nullptr;
        for (QLabel *label : bubble->findChildren<QLabel *>()) {
            if (label->textFormat() == Qt::MarkdownText && label->isVisible())
                prose = label;
        }
        QVERIFY(prose);
        QVERIFY(prose->text().contains(QStringLiteral("**store**")));
        auto *block = bubble->findChild<CodeBlockView *>();
        QCOMPARE(block->code(), QStringLiteral("class Store:"));
        feed.chat(ChatEvent::Type::Delta, QStringLiteral("m"),
                  QStringLiteral("    pass\n```\nThat is all."));
        QTRY_VERIFY(bubble->findChildren<QLabel *>().size() > 0
                    && block->code() == QStringLiteral("class Store:\n    pass"));
        QCOMPARE(bubble->findChild<CodeBlockView *>(), block); // the same view, grown
        QTRY_VERIFY([bubble] {
            for (QLabel *label : bubble->findChildren<QLabel *>()) {
                if (label->textFormat() == Qt::MarkdownText
                    && label->text().startsWith(QStringLiteral("That is all.")))
                    return true;
            }
            return false;
        }());
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        const int streamingHeight = bubble->sizeHint().height();
        feed.chat(ChatEvent::Type::Complete, QStringLiteral("m"));
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCOMPARE(bubble->sizeHint().height(), streamingHeight);
        QCOMPARE(bubble->findChild<CodeBlockView *>(), block);
        QCOMPARE(bubble->codeBlockCount(), 1);
    }

    void eventLines_spinUntilTheNextOne()
    {
        core::SessionModel model;
        ChatPanel panel(&model);
        EventFeeder feed(&model);
        feed.chat(ChatEvent::Type::Start, QStringLiteral("e1"),
                  QStringLiteral("Generating a.py..."), ChatRole::Event);
        QVERIFY(panel.bubble(0)->isUnderWay());
        feed.chat(ChatEvent::Type::Start, QStringLiteral("e2"), QStringLiteral("✓ Created a.py"),
                  ChatRole::Event);
        QVERIFY(!panel.bubble(0)->isUnderWay());
        QVERIFY(!panel.bubble(1)->isUnderWay());
        QVERIFY(panel.bubble(1)->shownText().startsWith(QStringLiteral("Created a.py"))); // no ✓
        feed.chat(ChatEvent::Type::Start, QStringLiteral("e3"), QStringLiteral("Validating..."),
                  ChatRole::Event);
        QVERIFY(panel.bubble(2)->isUnderWay());
        feed.apply(core::SessionEvent {});
        QVERIFY(!panel.bubble(2)->isUnderWay());
    }

    void reset_keepsTheBubblesOfMessagesStillThere()
    {
        // A replay's seek replaces the model: the messages both states share keep their
        // bubbles (brought up to the text), the others are made anew, and the panel shows
        // exactly what a panel built on the new state shows.
        core::SessionModel later;
        EventFeeder feedLater(&later);
        feedLater.chat(ChatEvent::Type::Start, QStringLiteral("m1"), QStringLiteral("First"));
        feedLater.chat(ChatEvent::Type::Delta, QStringLiteral("m1"), QStringLiteral(" message"));
        feedLater.chat(ChatEvent::Type::Complete, QStringLiteral("m1"));
        feedLater.chat(ChatEvent::Type::Start, QStringLiteral("m2"), QStringLiteral("Second"));
        core::SessionModel earlier;
        EventFeeder feedEarlier(&earlier);
        feedEarlier.chat(ChatEvent::Type::Start, QStringLiteral("m1"), QStringLiteral("First"));
        feedEarlier.chat(ChatEvent::Type::Start, QStringLiteral("x"), QStringLiteral("Other"));

        core::SessionModel model;
        ChatPanel panel(&model);
        model.copyFrom(earlier);
        QCOMPARE(panel.messageCount(), 2);
        ChatBubble *first = panel.bubble(0);
        QVERIFY(first->isStreaming());
        model.copyFrom(later);
        QCOMPARE(panel.bubble(0), first); // kept, and caught up
        QCOMPARE(first->text(), QStringLiteral("First message"));
        QVERIFY(!first->isStreaming());
        QCOMPARE(panel.bubble(1)->text(), QStringLiteral("Second")); // "x" was not "m2"
        QCOMPARE(panel.messageCount(), 2);
        core::SessionModel fresh;
        fresh.copyFrom(later);
        ChatPanel built(&fresh);
        QCOMPARE(panel.transcript(), built.transcript());
        model.copyFrom(earlier); // and back: "First message" is no prefix of "First"
        QCOMPARE(panel.transcript(), QStringLiteral("assistant: First\nassistant: Other"));
    }

    void reset_showsTheLatestMessages_earlierOnesWhenAsked()
    {
        // A seek late in a long recording: the latest messages at once, the others on demand.
        core::SessionModel source;
        EventFeeder feedSource(&source);
        const int total = ChatPanel::kShownAfterReset + 30;
        for (int i = 0; i < total; ++i)
            feedSource.chat(ChatEvent::Type::Start, QStringLiteral("m%1").arg(i),
                            QStringLiteral("message %1").arg(i));
        core::SessionModel model;
        ChatPanel panel(&model);
        model.copyFrom(source);
        QCOMPARE(panel.messageCount(), ChatPanel::kShownAfterReset);
        QCOMPARE(panel.earlierMessageCount(), 30);
        QVERIFY(!panel.bubble(29));
        QCOMPARE(panel.bubble(30)->text(), QStringLiteral("message 30"));
        QVERIFY(panel.earlierMessagesButton()->isVisibleTo(&panel));
        EventFeeder feed(&model);
        feed.chat(ChatEvent::Type::Delta, QStringLiteral("m%1").arg(total - 1),
                  QStringLiteral("!"));
        QCOMPARE(panel.bubble(total - 1)->text(), QStringLiteral("message %1!").arg(total - 1));
        panel.earlierMessagesButton()->click();
        QCOMPARE(panel.messageCount(), total + 0);
        QCOMPARE(panel.earlierMessageCount(), 0);
        QVERIFY(!panel.earlierMessagesButton()->isVisibleTo(&panel));
        core::SessionModel fresh;
        fresh.copyFrom(model);
        ChatPanel all(&fresh);
        all.earlierMessagesButton()->click();
        QCOMPARE(panel.transcript(), all.transcript());
        feed.chat(ChatEvent::Type::Start, QStringLiteral("new"), QStringLiteral("after"));
        QCOMPARE(panel.bubble(total)->text(), QStringLiteral("after"));
    }

    void autoScroll_stopsWhenTheReaderScrollsUp()
    {
        core::SessionModel model;
        ChatPanel panel(&model);
        panel.resize(300, 200);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        EventFeeder feed(&model);
        QScrollBar *bar = panel.findChild<QScrollArea *>()->verticalScrollBar();
        for (int i = 0; i < 30; ++i)
            feed.chat(ChatEvent::Type::Start, QStringLiteral("m%1").arg(i),
                      QStringLiteral("message number %1 with some words").arg(i));
        QTRY_VERIFY(bar->maximum() > 0);
        QTRY_COMPARE(bar->value(), bar->maximum());

        bar->setValue(0); // the reader scrolls up to read
        for (int i = 30; i < 40; ++i)
            feed.chat(ChatEvent::Type::Start, QStringLiteral("m%1").arg(i),
                      QStringLiteral("message number %1").arg(i));
        QTest::qWait(50);
        QCOMPARE(bar->value(), 0);

        bar->setValue(bar->maximum()); // back at the end: following again
        feed.chat(ChatEvent::Type::Start, QStringLiteral("last"), QStringLiteral("the end"));
        QTRY_COMPARE(bar->value(), bar->maximum());
    }

    void fileList_showsSizeAndLines()
    {
        core::SessionModel model;
        FileListModel files(&model);
        EventFeeder feed(&model);
        feed.typeFile(QStringLiteral("a.py"), QStringLiteral("x = 'é'\ny = 2\n"));
        QCOMPARE(files.data(files.index(0), FileListModel::SizeRole).toString(),
                 FileListModel::sizeText(15, 2));
        QVERIFY(!files.data(files.index(0), Qt::DecorationRole).value<QPixmap>().isNull());
    }

    // The size is counted once and then kept up with the deltas (every repaint of a 20 MB file
    // being written converted all of it to UTF-8): it must stay what toUtf8() says.
    void fileList_sizeFollowsAppendsAndRewrites()
    {
        core::SessionModel model;
        FileListModel files(&model);
        EventFeeder feed(&model);
        const auto size = [&files] {
            return files.data(files.index(0), FileListModel::SizeRole).toString();
        };
        feed.startFile(QStringLiteral("a.py"));
        QCOMPARE(size(), FileListModel::sizeText(0, 0));
        QString text;
        for (const QString &delta : {QStringLiteral("x = 'é'\n"), QStringLiteral("漢字 \U0001F600"),
                                     QStringLiteral("\n# ok\n")}) {
            feed.appendToFile(QStringLiteral("a.py"), delta);
            text += delta;
            const int lines = int(text.count(u'\n')) + (text.endsWith(u'\n') ? 0 : 1);
            QCOMPARE(size(), FileListModel::sizeText(text.toUtf8().size(), lines));
        }
        feed.completeFile(QStringLiteral("a.py"), QStringLiteral("short\n")); // corrected
        QCOMPARE(size(), FileListModel::sizeText(6, 1));
    }

    void tracker_countsElapsedTime_andFreezesAtTheEnd()
    {
        core::SessionModel model;
        ProgressTracker tracker(&model);
        QCOMPARE(tracker.elapsedMs(), 0);
        EventFeeder feed(&model);
        feed.step(core::StepName::Planning, core::StepEvent::Status::Start);
        QTRY_VERIFY(tracker.elapsedMs() >= 20);
        feed.apply(core::SessionEvent {});
        const qint64 frozen = tracker.elapsedMs();
        QTest::qWait(30);
        QCOMPARE(tracker.elapsedMs(), frozen);
        QCOMPARE(tracker.elapsedText(), QStringLiteral("0:00"));
    }
};

QTEST_MAIN(TestChatPanel)
#include "tst_chatpanel.moc"
