#include "textformats.h"
#include "ui/highlighting/codetheme.h"
#include "ui/highlighting/highlighterbackend.h"
#include "ui/highlighting/rulebackend.h"
#ifdef INKSTREAM_HAVE_KSYNTAXHIGHLIGHTING
#include "ui/highlighting/ksyntaxbackend.h"
#endif

#include <QPointer>
#include <QScopeGuard>
#include <QSyntaxHighlighter>
#include <QTest>
#include <QTextCursor>

using namespace inkstream::test;
using namespace inkstream::ui;

// What HighlighterBackend promises (ui/highlighting/highlighterbackend.h), checked once per
// backend this build has: the built-in rules always, KSyntaxHighlighting wherever KF6 was found.
// What one backend does on its own (the rules' colour for each token) is that backend's suite.
namespace {

// The backend of the current global row.
std::unique_ptr<HighlighterBackend> makeBackend()
{
    QFETCH_GLOBAL(QString, backendName);
#ifdef INKSTREAM_HAVE_KSYNTAXHIGHLIGHTING
    if (backendName == QLatin1String("KSyntaxHighlighting"))
        return std::make_unique<KSyntaxBackend>();
#endif
    if (backendName == QLatin1String("built-in rules"))
        return std::make_unique<RuleBackend>();
    qFatal("no backend named %s", qPrintable(backendName));
}

// A few lines of `language` with a comment, the one thing every backend colours.
struct Sample
{
    const char *language;
    const char *code;
    const char *comment;
};

} // namespace

class TestHighlighterBackend final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backendName");
        QTest::newRow("built-in rules") << QStringLiteral("built-in rules");
#ifdef INKSTREAM_HAVE_KSYNTAXHIGHLIGHTING
        QTest::newRow("KSyntaxHighlighting") << QStringLiteral("KSyntaxHighlighting");
#endif
    }

    // The name the About box and the logs show.
    void name_isTheBackendsOwn()
    {
        QFETCH_GLOBAL(QString, backendName);
        QCOMPARE(makeBackend()->name(), backendName);
    }

    // The highlighter works on the document it was attached to and is its child: it goes
    // with the document.
    void attach_makesAHighlighterOfTheDocument()
    {
        const std::unique_ptr<HighlighterBackend> backend = makeBackend();
        auto document = makePlainTextDocument();
        const QPointer<QSyntaxHighlighter> highlighter
            = backend->attach(document.get(), QStringLiteral("Python"), QStringLiteral("a.py"));
        QVERIFY(highlighter);
        QCOMPARE(highlighter->document(), document.get());
        QCOMPARE(highlighter->parent(), document.get());
        document.reset();
        QVERIFY(!highlighter);
    }

    // The languages LanguageGuesser names are the ones the backend highlights.
    void knownLanguage_isHighlighted_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("comment");
        const Sample samples[] = {
            {"Python", "def f():\n    return 1  # one\n", "# one"},
            {"C++", "int main() {\n    return 0; // zero\n}\n", "// zero"},
            {"Rust", "fn main() {\n    let x = 1; // one\n}\n", "// one"},
            {"Go", "package main\n\n// main runs\nfunc main() {}\n", "// main runs"},
            {"JavaScript", "const a = 1; // one\n", "// one"},
            {"TypeScript", "let a: number = 1; // one\n", "// one"},
            {"Java", "class A {\n    /* none */\n}\n", "/* none */"},
            {"SQL", "SELECT 1; -- one\n", "-- one"},
            {"Bash", "echo hi # greet\n", "# greet"},
            {"HTML", "<p>x</p>\n<!-- note -->\n", "<!-- note -->"},
            {"CSS", "a { color: red; } /* red */\n", "/* red */"},
            {"YAML", "key: value # why\n", "# why"},
            {"Lua", "local x = 1 -- one\n", "-- one"},
            {"Ruby", "def f\n  1 # one\nend\n", "# one"},
        };
        for (const Sample &sample : samples)
            QTest::newRow(sample.language)
                << QString::fromUtf8(sample.language) << QString::fromUtf8(sample.code)
                << QString::fromUtf8(sample.comment);
    }

    void knownLanguage_isHighlighted()
    {
        QFETCH(QString, language);
        QFETCH(QString, code);
        QFETCH(QString, comment);
        const std::unique_ptr<HighlighterBackend> backend = makeBackend();
        auto document = makePlainTextDocument();
        backend->attach(document.get(), language, QStringLiteral("file"));
        document->setPlainText(code);
        const int offset = int(code.indexOf(comment));
        QVERIFY(offset >= 0);
        const QColor colour = colorAt(*document, offset);
        QVERIFY2(colour.isValid(), qPrintable(describeFormats(*document).join(u'|')));
        for (int i = 1; i < comment.size(); ++i)
            QCOMPARE(colorAt(*document, offset + i).name(), colour.name());
    }

    // A file neither its language nor its name identifies is left as plain text.
    void unknownLanguage_isPlainText()
    {
        const std::unique_ptr<HighlighterBackend> backend = makeBackend();
        auto document = makePlainTextDocument();
        backend->attach(document.get(), QString(), QStringLiteral("notes.unknown"));
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

        const std::unique_ptr<HighlighterBackend> backend = makeBackend();
        auto whole = makePlainTextDocument();
        backend->attach(whole.get(), language, QStringLiteral("f"));
        whole->setPlainText(code);

        auto streamed = makePlainTextDocument();
        backend->attach(streamed.get(), language, QStringLiteral("f"));
        for (qsizetype i = 0; i < code.size(); i += chunk) {
            QTextCursor end(streamed.get());
            end.movePosition(QTextCursor::End);
            end.insertText(code.mid(i, chunk));
        }
        QCOMPARE(streamed->toPlainText(), code);
        QCOMPARE(describeFormats(*streamed), describeFormats(*whole));
    }

    // After a theme switch, applyTheme() colours the document as a highlighter attached under
    // the new theme does.
    void applyTheme_recoloursForTheThemeNowCurrent()
    {
        const auto restore = qScopeGuard([] { CodeTheme::setCurrentDark(true); });
        const std::unique_ptr<HighlighterBackend> backend = makeBackend();
        const QString code = QStringLiteral("def f():  # note\n    return 'x' + 1\n");
        CodeTheme::setCurrentDark(true);
        auto document = makePlainTextDocument();
        QSyntaxHighlighter *highlighter
            = backend->attach(document.get(), QStringLiteral("Python"), QStringLiteral("a.py"));
        document->setPlainText(code);
        const QStringList dark = describeFormats(*document);

        CodeTheme::setCurrentDark(false);
        auto fresh = makePlainTextDocument();
        backend->attach(fresh.get(), QStringLiteral("Python"), QStringLiteral("a.py"));
        fresh->setPlainText(code);
        const QStringList light = describeFormats(*fresh);
        QVERIFY(light != dark);

        backend->applyTheme(highlighter);
        QCOMPARE(describeFormats(*document), light);
    }

    // Highlighting formats the text for display only: the text stays, the document is not
    // modified and no undo step is added, neither when the highlighter is attached to text
    // already there nor when the theme is applied again. (Its revision does move: Qt counts
    // re-formatting a block as a change to its layout.)
    void highlighting_isNotAnEdit()
    {
        const auto restore = qScopeGuard([] { CodeTheme::setCurrentDark(true); });
        const std::unique_ptr<HighlighterBackend> backend = makeBackend();
        auto document = makePlainTextDocument();
        const QString code = QStringLiteral("int main() {\n    return 0; // done\n}\n");
        QTextCursor(document.get()).insertText(code);
        document->setModified(false);
        const int undoSteps = document->availableUndoSteps();
        QVERIFY(undoSteps > 0);

        QSyntaxHighlighter *highlighter
            = backend->attach(document.get(), QStringLiteral("C++"), QStringLiteral("a.cpp"));
        // Text already there is highlighted on the next turn of the event loop.
        QTRY_VERIFY(colorAt(*document, int(code.indexOf(u"//"))).isValid());
        CodeTheme::setCurrentDark(false);
        backend->applyTheme(highlighter);

        QCOMPARE(document->toPlainText(), code);
        QVERIFY(!document->isModified());
        QCOMPARE(document->availableUndoSteps(), undoSteps);
    }
};

QTEST_MAIN(TestHighlighterBackend)
#include "tst_highlighterbackend.moc"
