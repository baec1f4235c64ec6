#include "core/model/languageguesser.h"
#include "core/protocol/codeblockextractor.h"

#include <QTest>

using namespace inkstream::core;

// Feeds Markdown in the given chunks and checks the files that result: name -> content, the
// state in the event order, and whether a warning came.
class TestCodeBlockExtractor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void files_data();
    void files();
    void streamsBeforeTheFenceCloses();
};

using Files = QList<QPair<QString, QString>>;

void TestCodeBlockExtractor::files_data()
{
    QTest::addColumn<QStringList>("chunks");
    QTest::addColumn<Files>("expected");
    QTest::addColumn<bool>("warns");

    QTest::newRow("language fence -> snippet name")
        << QStringList {QStringLiteral("Text\n```python\nprint(1)\n```\nafter")}
        << Files {{QStringLiteral("snippet-1.py"), QStringLiteral("print(1)\n")}} << false;
    QTest::newRow("fence split across chunks")
        << QStringList {QStringLiteral("A\n`"), QStringLiteral("``j"), QStringLiteral("s\nlet x"),
                        QStringLiteral(" = 1;\n``"), QStringLiteral("`\n")}
        << Files {{QStringLiteral("snippet-1.js"), QStringLiteral("let x = 1;\n")}} << false;
    QTest::newRow("title attribute")
        << QStringList {QStringLiteral("```js title=\"sum.js\"\na\n```\n")}
        << Files {{QStringLiteral("sum.js"), QStringLiteral("a\n")}} << false;
    QTest::newRow("file name as info")
        << QStringList {QStringLiteral("```sum.js\nb\n```")}
        << Files {{QStringLiteral("sum.js"), QStringLiteral("b\n")}} << false;
    QTest::newRow("preceding line names the file")
        << QStringList {QStringLiteral("Save this as `app/main.py`:\n\n```python\nc\n```\n")}
        << Files {{QStringLiteral("app/main.py"), QStringLiteral("c\n")}} << false;
    QTest::newRow("unknown fence language -> .txt")
        << QStringList {QStringLiteral("```klingon\nqapla\n```\n")}
        << Files {{QStringLiteral("snippet-1.txt"), QStringLiteral("qapla\n")}} << false;
    QTest::newRow("no language -> .txt")
        << QStringList {QStringLiteral("```\nx\n```\n")}
        << Files {{QStringLiteral("snippet-1.txt"), QStringLiteral("x\n")}} << false;
    QTest::newRow("nested backticks: a longer fence holds a shorter one")
        << QStringList {QStringLiteral("````markdown\n```js\ninner\n```\n````\n")}
        << Files {{QStringLiteral("snippet-1.md"), QStringLiteral("```js\ninner\n```\n")}} << false;
    QTest::newRow("inline triple backticks are not a fence")
        << QStringList {QStringLiteral("use ```x``` inline\n```sh\nls\n```\n")}
        << Files {{QStringLiteral("snippet-1.sh"), QStringLiteral("ls\n")}} << false;
    QTest::newRow("tilde fence, backticks inside")
        << QStringList {QStringLiteral("~~~\na ``` b\n```\n~~~\n")}
        << Files {{QStringLiteral("snippet-1.txt"), QStringLiteral("a ``` b\n```\n")}} << false;
    QTest::newRow("unterminated fence at the end")
        << QStringList {QStringLiteral("```python\nprint(2)\npart")}
        << Files {{QStringLiteral("snippet-1.py"), QStringLiteral("print(2)\npart")}} << true;
    QTest::newRow("two blocks numbered")
        << QStringList {QStringLiteral("```py\n1\n```\ntext\n```py\n2\n```\n")}
        << Files {{QStringLiteral("snippet-1.py"), QStringLiteral("1\n")},
                  {QStringLiteral("snippet-2.py"), QStringLiteral("2\n")}}
        << false;
    QTest::newRow("CRLF line ends")
        << QStringList {QStringLiteral("```go\r\nx\r\n```\r\n")}
        << Files {{QStringLiteral("snippet-1.go"), QStringLiteral("x\n")}} << false;
    QTest::newRow("closing fence with spaces, one char at a time")
        << QString(QStringLiteral("```c\nint a;\n   ```  \n")).split(QString())
        << Files {{QStringLiteral("snippet-1.c"), QStringLiteral("int a;\n")}} << false;
}

void TestCodeBlockExtractor::files()
{
    QFETCH(QStringList, chunks);
    QFETCH(Files, expected);
    QFETCH(bool, warns);

    CodeBlockExtractor extractor(&LanguageGuesser::extensionForLanguage);
    QList<CodeEvent> events;
    for (const QString &chunk : chunks)
        events.append(extractor.feed(chunk));
    events.append(extractor.finish());
    QCOMPARE(!extractor.takeWarnings().isEmpty(), warns);

    Files files;
    QString open;
    for (const CodeEvent &event : events) {
        switch (event.type) {
        case CodeEvent::Type::Start:
            QVERIFY2(open.isEmpty(), "a block started while another was open");
            open = event.fileName;
            files.append({event.fileName, QString()});
            break;
        case CodeEvent::Type::Delta:
            QCOMPARE(event.fileName, open);
            files.last().second += event.delta;
            break;
        case CodeEvent::Type::Complete:
            QCOMPARE(event.fileName, open);
            open.clear();
            break;
        case CodeEvent::Type::Error:
            QFAIL("no error events expected");
        }
    }
    QVERIFY2(open.isEmpty(), "a block was left open");
    QCOMPARE(files, expected);
}

// The editor must see code while it is written: a delta before the closing fence arrives.
void TestCodeBlockExtractor::streamsBeforeTheFenceCloses()
{
    CodeBlockExtractor extractor;
    QList<CodeEvent> events = extractor.feed(QStringLiteral("```\nhello wor"));
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).type, CodeEvent::Type::Start);
    QCOMPARE(events.at(1).delta, QStringLiteral("hello wor"));
    events = extractor.feed(QStringLiteral("ld\n`"));
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).delta, QStringLiteral("ld\n"));
    events = extractor.feed(QStringLiteral("``\n"));
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).type, CodeEvent::Type::Complete);
}

QTEST_GUILESS_MAIN(TestCodeBlockExtractor)
#include "tst_codeblockextractor.moc"
