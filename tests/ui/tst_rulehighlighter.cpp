#include "textformats.h"
#include "ui/highlighting/codetheme.h"
#include "ui/highlighting/rulebackend.h"

#include <QTest>

using namespace inkstream::test;
using namespace inkstream::ui;
using Token = CodeTheme::Token;

Q_DECLARE_METATYPE(CodeTheme::Token)

namespace {

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

        auto document = makePlainTextDocument();
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
        auto document = makePlainTextDocument();
        RuleBackend backend;
        backend.attach(document.get(), QStringLiteral("Python"), QStringLiteral("a.py"));
        document->setPlainText(QStringLiteral("value = other"));
        QVERIFY(!colorAt(*document, 0).isValid());
        QVERIFY(!colorAt(*document, 8).isValid());
    }
};

QTEST_MAIN(TestRuleHighlighter)
#include "tst_rulehighlighter.moc"
