#include "core/model/languageguesser.h"

#include <QHash>

namespace inkstream::core {

namespace {

struct LanguageNames
{
    QHash<QString, QString> byExtension; // lower-case extension -> language
    QHash<QString, QString> byFileName; // exact base names without a telling extension
    QHash<QString, QString> extensionOf; // lower-case language or fence tag -> extension
};

const LanguageNames &names()
{
    static const LanguageNames table = [] {
        LanguageNames t;
        const struct
        {
            const char *language;
            const char *extensions; // first one is the canonical extension
            const char *aliases; // fence tags that name the language
        } rows[] = {
            {"C", "c h", "c"},
            {"C++", "cpp cc cxx c++ hpp hh hxx ipp", "cpp c++ cxx"},
            {"C#", "cs", "cs csharp c#"},
            {"JavaScript", "js mjs cjs jsx", "js javascript jsx node"},
            {"TypeScript", "ts mts cts", "ts typescript"},
            {"TypeScript React", "tsx", "tsx"},
            {"Python", "py pyw pyi", "py python python3"},
            {"Rust", "rs", "rs rust"},
            {"Go", "go", "go golang"},
            {"Java", "java", "java"},
            {"Kotlin", "kt kts", "kt kotlin"},
            {"Swift", "swift", "swift"},
            {"Ruby", "rb", "rb ruby"},
            {"PHP", "php", "php"},
            {"JSON", "json jsonc", "json jsonc"},
            {"YAML", "yaml yml", "yaml yml"},
            {"TOML", "toml", "toml"},
            {"XML", "xml svg xsd", "xml svg"},
            {"HTML", "html htm", "html htm"},
            {"CSS", "css", "css"},
            {"SCSS", "scss", "scss"},
            {"Markdown", "md markdown", "md markdown"},
            {"Bash", "sh bash zsh", "sh bash shell zsh console"},
            {"SQL", "sql", "sql"},
            {"CMake", "cmake", "cmake"},
            {"Lua", "lua", "lua"},
            {"Haskell", "hs", "hs haskell"},
            {"Dart", "dart", "dart"},
            {"Scala", "scala", "scala"},
            {"Diff", "diff patch", "diff patch"},
            {"INI Files", "ini cfg conf", "ini"},
        };
        for (const auto &row : rows) {
            const QString language = QString::fromUtf8(row.language);
            const QStringList extensions
                = QString::fromLatin1(row.extensions).split(u' ', Qt::SkipEmptyParts);
            for (const QString &extension : extensions)
                t.byExtension.insert(extension, language);
            t.extensionOf.insert(language.toLower(), extensions.first());
            for (const QString &alias :
                 QString::fromLatin1(row.aliases).split(u' ', Qt::SkipEmptyParts))
                t.extensionOf.insert(alias, extensions.first());
        }
        t.byFileName.insert(QStringLiteral("CMakeLists.txt"), QStringLiteral("CMake"));
        t.byFileName.insert(QStringLiteral("Makefile"), QStringLiteral("Makefile"));
        t.byFileName.insert(QStringLiteral("makefile"), QStringLiteral("Makefile"));
        t.byFileName.insert(QStringLiteral("Dockerfile"), QStringLiteral("Dockerfile"));
        t.byFileName.insert(QStringLiteral(".bashrc"), QStringLiteral("Bash"));
        return t;
    }();
    return table;
}

} // namespace

QString LanguageGuesser::languageForFileName(QStringView fileName)
{
    const qsizetype slash = std::max(fileName.lastIndexOf(u'/'), fileName.lastIndexOf(u'\\'));
    const QStringView base = fileName.mid(slash + 1);
    const LanguageNames &table = names();
    const auto exact = table.byFileName.constFind(base.toString());
    if (exact != table.byFileName.cend())
        return *exact;
    const qsizetype dot = base.lastIndexOf(u'.');
    if (dot < 0 || dot + 1 >= base.size())
        return {};
    return table.byExtension.value(base.mid(dot + 1).toString().toLower());
}

QString LanguageGuesser::extensionForLanguage(QStringView language)
{
    return names().extensionOf.value(language.toString().toLower().trimmed());
}

} // namespace inkstream::core
