#include "ui/highlighting/codetheme.h"
#include "ui/highlighting/rulebackend.h"

#include <QPlainTextDocumentLayout>
#include <QSyntaxHighlighter>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextLayout>

using namespace inkstream::ui;
using Token = CodeTheme::Token;

Q_DECLARE_METATYPE(CodeTheme::Token)

namespace {

std::unique_ptr<QTextDocument> makeDocument()
{
    auto document = std::make_unique<QTextDocument>();
    document->setDocumentLayout(new QPlainTextDocumentLayout(document.get()));
    return document;
}

// The colour at `offset` of the document, or an invalid colour when nothing formats it.
QColor colorAt(const QTextDocument &document, int offset)
{
    const QTextBlock block = document.findBlock(offset);
    const int inBlock = offset - block.position();
    const QList<QTextLayout::FormatRange> ranges = block.layout()->formats();
    for (const QTextLayout::FormatRange &range : ranges) {
        if (inBlock >= range.start && inBlock < range.start + range.length)
            return range.format.foreground().color();
    }
    return {};
}

// Per block, the formats as "start+length:colour" — comparable between two documents.
QStringList describeFormats(const QTextDocument &document)
{
    QStringList out;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        QStringList ranges;
        for (const QTextLayout::FormatRange &range : block.layout()->formats())
            ranges << QStringLiteral("%1+%2:%3")
                          .arg(range.start)
                          .arg(range.length)
                          .arg(range.format.foreground().color().name());
        out << ranges.join(u' ');
    }
    return out;
}

QColor colorOf(Token token)
{
    return CodeTheme::dark().format(token).foreground().color();
}

} // namespace

class TestRuleHighlighter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void token_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("word"); // first occurrence is checked
        QTest::addColumn<Token>("token");

        QTest::newRow("python keyword") << "Python"
                                        << "def f(x):\n    return x"
                                        << "return" << Token::Keyword;
        QTest::newRow("python comment") << "Python"
                                        << "x = 1  # note"
                                        << "# note" << Token::Comment;
        QTest::newRow("python string") << "Python"
                                       << "s = 'it''s'"
                                       << "'it'" << Token::String;
        QTest::newRow("python triple string, second line") << "Python"
                                                           << "s = \"\"\"\ninside\n\"\"\"\nx = 1"
                                                           << "inside" << Token::String;
        QTest::newRow("python after triple string") << "Python"
                                                    << "s = '''a\nb'''\nimport os"
                                                    << "import" << Token::Keyword;
        QTest::newRow("c++ preprocessor") << "C++"
                                          << "#include <vector>\nint x;"
                                          << "#include" << Token::Preprocessor;
        QTest::newRow("c++ type") << "C++"
                                  << "int main() {}"
                                  << "int" << Token::Type;
        QTest::newRow("c++ function") << "C++"
                                      << "int main() {}"
                                      << "main" << Token::Function;
        QTest::newRow("c++ block comment across lines") << "C++"
                                                        << "/* one\ntwo */ int x;"
                                                        << "two" << Token::Comment;
        QTest::newRow("c++ code after block comment") << "C++"
                                                      << "/* one\ntwo */ return 0;"
                                                      << "return" << Token::Keyword;
        QTest::newRow("rust number") << "Rust"
                                     << "let x = 42u32;"
                                     << "42u32" << Token::Number;
        QTest::newRow("rust keyword") << "Rust"
                                      << "pub fn f() {}"
                                      << "fn" << Token::Keyword;
        QTest::newRow("typescript template string") << "TypeScript"
                                                    << "const s = `a ${b}`;"
                                                    << "`a" << Token::String;
        QTest::newRow("typescript capitalised type") << "TypeScript"
                                                     << "let m: Map<K, V>;"
                                                     << "Map" << Token::Type;
        QTest::newRow("sql keyword") << "SQL"
                                     << "SELECT 1 -- one"
                                     << "SELECT" << Token::Keyword;
        QTest::newRow("sql comment") << "SQL"
                                     << "SELECT 1 -- one"
                                     << "-- one" << Token::Comment;
        QTest::newRow("html tag") << "HTML"
                                  << "<div class=\"a\">x</div>"
                                  << "div" << Token::Keyword;
        QTest::newRow("html comment") << "HTML"
                                      << "<!-- c -->"
                                      << "<!--" << Token::Comment;
        QTest::newRow("markdown heading") << "Markdown"
                                          << "# Title\ntext"
                                          << "Title" << Token::Heading;
        QTest::newRow("escaped quote stays in string") << "JavaScript"
                                                       << "x = \"a\\\"b\"; y"
                                                       << "b\"" << Token::String;
    }

    void token()
    {
        QFETCH(QString, language);
        QFETCH(QString, code);
        QFETCH(QString, word);
        QFETCH(Token, token);

        auto document = makeDocument();
        RuleBackend backend;
        backend.attach(document.get(), language, QStringLiteral("file"));
        document->setPlainText(code);
        const int offset = int(code.indexOf(word));
        QVERIFY(offset >= 0);
        for (int i = 0; i < word.size(); ++i)
            QCOMPARE(colorAt(*document, offset + i).name(), colorOf(token).name());
    }

    void identifiers_areNotColoured()
    {
        auto document = makeDocument();
        RuleBackend backend;
        backend.attach(document.get(), QStringLiteral("Python"), QStringLiteral("a.py"));
        document->setPlainText(QStringLiteral("value = other"));
        QVERIFY(!colorAt(*document, 0).isValid());
        QVERIFY(!colorAt(*document, 8).isValid());
    }

    void unknownLanguage_isPlainText()
    {
        auto document = makeDocument();
        RuleBackend backend;
        backend.attach(document.get(), QString(), QStringLiteral("notes.unknown"));
        document->setPlainText(QStringLiteral("def return /* x */ \"s\" 42"));
        QCOMPARE(describeFormats(*document), QStringList {QString()});
    }

    // A file streamed in small deltas must end up highlighted exactly like the whole file,
    // including comment and string states carried from line to line.
    void streamedText_highlightsLikeWholeText_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("chunk");

        const QString cpp = QStringLiteral(
            "#include <map>\n/* a\n * b */\nint main() {\n  return 0; // done\n}\n");
        const QString python = QStringLiteral(
            "def f():\n    \"\"\"doc\n    more\"\"\"\n    return '#' + str(1.5e-3)\n");
        const QString html = QStringLiteral("<ul>\n<!-- one\ntwo -->\n<li a=\"1\">x</li>\n</ul>");
        QTest::newRow("c++ by 1") << "C++" << cpp << 1;
        QTest::newRow("c++ by 5") << "C++" << cpp << 5;
        QTest::newRow("python by 3") << "Python" << python << 3;
        QTest::newRow("html by 2") << "HTML" << html << 2;
    }

    void streamedText_highlightsLikeWholeText()
    {
        QFETCH(QString, language);
        QFETCH(QString, code);
        QFETCH(int, chunk);

        RuleBackend backend;
        auto whole = makeDocument();
        backend.attach(whole.get(), language, QStringLiteral("f"));
        whole->setPlainText(code);

        auto streamed = makeDocument();
        backend.attach(streamed.get(), language, QStringLiteral("f"));
        for (qsizetype i = 0; i < code.size(); i += chunk) {
            QTextCursor end(streamed.get());
            end.movePosition(QTextCursor::End);
            end.insertText(code.mid(i, chunk));
        }
        QCOMPARE(streamed->toPlainText(), code);
        QCOMPARE(describeFormats(*streamed), describeFormats(*whole));
    }
};

QTEST_MAIN(TestRuleHighlighter)
#include "tst_rulehighlighter.moc"
