#include "ui/highlighting/languagerules.h"

#include <QHash>

namespace inkstream::ui {

namespace {

QSet<QString> words(const char *list)
{
    const QStringList split = QString::fromLatin1(list).split(u' ', Qt::SkipEmptyParts);
    return QSet<QString>(split.begin(), split.end());
}

LanguageRules cFamily(const char *keywords, const char *types)
{
    LanguageRules rules;
    rules.keywords = words(keywords);
    rules.types = words(types);
    rules.lineComments = {QStringLiteral("//")};
    rules.blockCommentStart = QStringLiteral("/*");
    rules.blockCommentEnd = QStringLiteral("*/");
    rules.quotes = QStringLiteral("\"'");
    rules.capitalizedIsType = true;
    return rules;
}

LanguageRules hashCommented(const char *keywords, const char *types = "")
{
    LanguageRules rules;
    rules.keywords = words(keywords);
    rules.types = words(types);
    rules.lineComments = {QStringLiteral("#")};
    rules.quotes = QStringLiteral("\"'");
    return rules;
}

QHash<QString, LanguageRules> buildTable()
{
    QHash<QString, LanguageRules> table;
    const char *cKeywords = "auto break case const continue default do else enum extern for goto "
                            "if inline register restrict return sizeof static struct switch "
                            "typedef union volatile while NULL true false nullptr";
    const char *cTypes = "void char short int long float double signed unsigned bool size_t "
                         "int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t";
    LanguageRules c = cFamily(cKeywords, cTypes);
    c.hashPreprocessor = true;
    c.capitalizedIsType = false;
    table.insert(QStringLiteral("C"), c);

    LanguageRules cpp = cFamily(
        "alignas alignof and asm auto break case catch class co_await co_return co_yield "
        "concept const consteval constexpr constinit const_cast continue decltype default "
        "delete do dynamic_cast else enum explicit export extern false final for friend goto if "
        "inline mutable namespace new noexcept not nullptr operator or override private "
        "protected public reinterpret_cast requires return sizeof static static_assert "
        "static_cast struct switch template this thread_local throw true try typedef typeid "
        "typename union using virtual volatile while",
        "void char char8_t char16_t char32_t wchar_t short int long float double signed unsigned "
        "bool size_t std string vector map unordered_map optional variant unique_ptr shared_ptr "
        "int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t");
    cpp.hashPreprocessor = true;
    table.insert(QStringLiteral("C++"), cpp);

    table.insert(QStringLiteral("C#"),
                 cFamily("abstract as async await base break case catch checked class const "
                         "continue default delegate do else enum event explicit extern false "
                         "finally fixed for foreach goto if implicit in interface internal is "
                         "lock namespace new null operator out override params private "
                         "protected public readonly record ref return sealed sizeof static "
                         "struct switch this throw true try typeof unchecked unsafe using var "
                         "virtual void volatile while yield",
                         "bool byte char decimal double float int long object sbyte short string "
                         "uint ulong ushort"));

    const char *jsKeywords = "async await break case catch class const continue debugger default "
                             "delete do else export extends false finally for from function if "
                             "import in instanceof let new null of return static super switch "
                             "this throw true try typeof undefined var void while with yield";
    LanguageRules js = cFamily(jsKeywords,
                               "Array Object Promise Map Set String Number Boolean "
                               "Error JSON Math console");
    js.quotes = QStringLiteral("\"'`");
    table.insert(QStringLiteral("JavaScript"), js);
    LanguageRules ts = js;
    ts.keywords.unite(words("abstract as declare enum implements interface keyof namespace "
                            "private protected public readonly type satisfies"));
    ts.types.unite(words("any boolean never number object string symbol unknown void bigint "
                         "Record Partial Readonly"));
    table.insert(QStringLiteral("TypeScript"), ts);
    table.insert(QStringLiteral("TypeScript React"), ts);

    table.insert(QStringLiteral("Rust"),
                 cFamily("as async await break const continue crate dyn else enum extern false "
                         "fn for if impl in let loop match mod move mut pub ref return self Self "
                         "static struct super trait true type unsafe use where while",
                         "bool char f32 f64 i8 i16 i32 i64 i128 isize str u8 u16 u32 u64 u128 "
                         "usize String Vec Option Result Box Rc Arc HashMap Some None Ok Err"));
    table.insert(QStringLiteral("Go"),
                 cFamily("break case chan const continue default defer else fallthrough for "
                         "func go goto if import interface map package range return select "
                         "struct switch type var nil true false iota",
                         "bool byte complex64 complex128 error float32 float64 int int8 int16 "
                         "int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr any"));
    table.insert(QStringLiteral("Java"),
                 cFamily("abstract assert break case catch class const continue default do "
                         "else enum extends final finally for goto if implements import "
                         "instanceof interface native new null package private protected "
                         "public return static strictfp super switch synchronized this throw "
                         "throws transient true false try var void volatile while record",
                         "boolean byte char double float int long short String"));
    table.insert(QStringLiteral("Kotlin"),
                 cFamily("as break class continue do else false for fun if in interface is "
                         "null object package return super this throw true try typealias val "
                         "var when while data sealed override open private public internal "
                         "companion suspend",
                         "Int Long Double Float Boolean String Unit Any List Map"));
    table.insert(QStringLiteral("Swift"),
                 cFamily("associatedtype class deinit enum extension func import init inout "
                         "let operator protocol struct subscript typealias var break case "
                         "continue default do else fallthrough for guard if in repeat return "
                         "switch where while as catch false is nil self Self super throw "
                         "throws true try async await",
                         "Int Double Float Bool String Character Array Dictionary Optional"));
    table.insert(QStringLiteral("Dart"),
                 cFamily("abstract as assert async await break case catch class const continue "
                         "default do else enum extends false final finally for if implements "
                         "import in is late new null return super switch this throw true try "
                         "var void while with yield",
                         "int double num bool String List Map Set Future Stream dynamic"));
    table.insert(QStringLiteral("Scala"),
                 cFamily("abstract case catch class def do else extends false final finally "
                         "for if implicit import lazy match new null object override package "
                         "private protected return sealed super this throw trait true try type "
                         "val var while with yield",
                         "Int Long Double Float Boolean String Unit Any Option List Map"));
    LanguageRules php = cFamily("abstract and as break case catch class const continue default "
                                "do echo else elseif extends false final for foreach function "
                                "if implements interface namespace new null private protected "
                                "public return static switch throw true try use while",
                                "int float string bool array");
    php.lineComments << QStringLiteral("#");
    table.insert(QStringLiteral("PHP"), php);
    LanguageRules css = cFamily("important media import keyframes from to", "");
    css.lineComments.clear();
    table.insert(QStringLiteral("CSS"), css);
    table.insert(QStringLiteral("SCSS"), cFamily("import mixin include extend if else each", ""));

    LanguageRules python = hashCommented(
        "and as assert async await break class continue def del elif else except False finally "
        "for from global if import in is lambda None nonlocal not or pass raise return True try "
        "while with yield match case self",
        "int float str bytes bool list dict set tuple object type Exception");
    python.tripleQuotedStrings = true;
    python.capitalizedIsType = true;
    table.insert(QStringLiteral("Python"), python);
    table.insert(QStringLiteral("Ruby"),
                 hashCommented("alias and begin break case class def defined? do else elsif end "
                               "ensure false for if in module next nil not or redo rescue retry "
                               "return self super then true undef unless until when while yield "
                               "require attr_reader attr_accessor"));
    table.insert(QStringLiteral("Bash"),
                 hashCommented("if then else elif fi case esac for while until do done in "
                               "function return local export readonly set unset shift exit "
                               "echo source true false"));
    table.insert(QStringLiteral("YAML"), hashCommented("true false null yes no on off"));
    table.insert(QStringLiteral("TOML"), hashCommented("true false"));
    LanguageRules ini = hashCommented("true false");
    ini.lineComments << QStringLiteral(";");
    table.insert(QStringLiteral("INI Files"), ini);
    table.insert(QStringLiteral("CMake"),
                 hashCommented("if elseif else endif foreach endforeach while endwhile function "
                               "endfunction macro endmacro set unset option project "
                               "add_executable add_library target_link_libraries "
                               "target_include_directories find_package include install "
                               "cmake_minimum_required add_subdirectory"));
    table.insert(QStringLiteral("Makefile"),
                 hashCommented("ifeq ifneq ifdef ifndef else endif "
                               "include define endef export"));
    table.insert(QStringLiteral("Dockerfile"),
                 hashCommented("FROM RUN CMD LABEL EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER "
                               "WORKDIR ARG ONBUILD STOPSIGNAL HEALTHCHECK SHELL AS"));

    LanguageRules sql;
    sql.keywords = words("SELECT FROM WHERE INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE "
                         "DROP ALTER INDEX PRIMARY KEY FOREIGN REFERENCES JOIN LEFT RIGHT INNER "
                         "OUTER ON AS AND OR NOT NULL IS IN GROUP BY ORDER HAVING LIMIT UNIQUE "
                         "DEFAULT select from where insert into values update set delete create "
                         "table drop alter index primary key join left on as and or not null is "
                         "in group by order having limit");
    sql.types = words("INTEGER INT TEXT VARCHAR BOOLEAN REAL BLOB DATE TIMESTAMP SERIAL integer "
                      "int text varchar boolean real blob date timestamp serial");
    sql.lineComments = {QStringLiteral("--")};
    sql.blockCommentStart = QStringLiteral("/*");
    sql.blockCommentEnd = QStringLiteral("*/");
    sql.quotes = QStringLiteral("'\"");
    table.insert(QStringLiteral("SQL"), sql);
    LanguageRules lua = sql;
    lua.keywords = words("and break do else elseif end false for function goto if in local nil "
                         "not or repeat return then true until while");
    lua.types.clear();
    lua.blockCommentStart = QStringLiteral("--[[");
    lua.blockCommentEnd = QStringLiteral("]]");
    table.insert(QStringLiteral("Lua"), lua);
    LanguageRules haskell = sql;
    haskell.keywords = words("case class data deriving do else if import in infix instance let "
                             "module newtype of then type where");
    haskell.types = words("Int Integer Double Bool String Char Maybe Either IO");
    haskell.blockCommentStart = QStringLiteral("{-");
    haskell.blockCommentEnd = QStringLiteral("-}");
    table.insert(QStringLiteral("Haskell"), haskell);

    LanguageRules json;
    json.keywords = words("true false null");
    json.quotes = QStringLiteral("\"");
    table.insert(QStringLiteral("JSON"), json);

    LanguageRules markup;
    markup.blockCommentStart = QStringLiteral("<!--");
    markup.blockCommentEnd = QStringLiteral("-->");
    markup.quotes = QStringLiteral("\"'");
    markup.markupTags = true;
    table.insert(QStringLiteral("HTML"), markup);
    table.insert(QStringLiteral("XML"), markup);

    LanguageRules markdown;
    markdown.markdown = true;
    table.insert(QStringLiteral("Markdown"), markdown);
    return table;
}

} // namespace

const LanguageRules *LanguageRules::forLanguage(const QString &language)
{
    static const QHash<QString, LanguageRules> table = buildTable();
    const auto it = table.constFind(language);
    return it == table.constEnd() ? nullptr : &it.value();
}

} // namespace inkstream::ui
