#include "core/model/languageguesser.h"

#include <QTest>

using inkstream::core::LanguageGuesser;

class TestLanguageGuesser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void languageForFileName_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("language");
        QTest::newRow("python") << QStringLiteral("app/main.py") << QStringLiteral("Python");
        QTest::newRow("typescript") << QStringLiteral("index.ts") << QStringLiteral("TypeScript");
        QTest::newRow("upper-case extension")
            << QStringLiteral("MAIN.CPP") << QStringLiteral("C++");
        QTest::newRow("header") << QStringLiteral("x.h") << QStringLiteral("C");
        QTest::newRow("rust") << QStringLiteral("src/lib.rs") << QStringLiteral("Rust");
        QTest::newRow("cmake by name")
            << QStringLiteral("CMakeLists.txt") << QStringLiteral("CMake");
        QTest::newRow("dockerfile in folder")
            << QStringLiteral("deploy/Dockerfile") << QStringLiteral("Dockerfile");
        QTest::newRow("windows separators") << QStringLiteral("a\\b\\c.go") << QStringLiteral("Go");
        QTest::newRow("no extension") << QStringLiteral("README") << QString();
        QTest::newRow("trailing dot") << QStringLiteral("file.") << QString();
        QTest::newRow("unknown extension") << QStringLiteral("data.xyz") << QString();
    }
    void languageForFileName()
    {
        QFETCH(QString, fileName);
        QFETCH(QString, language);
        QCOMPARE(LanguageGuesser::languageForFileName(fileName), language);
    }

    void extensionForLanguage_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("extension");
        QTest::newRow("fence tag") << QStringLiteral("py") << QStringLiteral("py");
        QTest::newRow("language name") << QStringLiteral("Python") << QStringLiteral("py");
        QTest::newRow("c++ name") << QStringLiteral("C++") << QStringLiteral("cpp");
        QTest::newRow("shell alias") << QStringLiteral("shell") << QStringLiteral("sh");
        QTest::newRow("unknown") << QStringLiteral("klingon") << QString();
    }
    void extensionForLanguage()
    {
        QFETCH(QString, language);
        QFETCH(QString, extension);
        QCOMPARE(LanguageGuesser::extensionForLanguage(language), extension);
    }
};

QTEST_GUILESS_MAIN(TestLanguageGuesser)
#include "tst_languageguesser.moc"
