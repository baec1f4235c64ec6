#pragma once

#include <QSet>
#include <QString>
#include <QStringList>

namespace inkstream::ui {

// What the built-in highlighter knows about one language: enough lexical structure (comments,
// strings, keywords) to colour code the way a reader expects, without a grammar.
struct LanguageRules
{
    QSet<QString> keywords;
    QSet<QString> types;
    QStringList lineComments; // "//", "#", "--"
    QString blockCommentStart; // "/*", "<!--"
    QString blockCommentEnd;
    QString quotes; // characters that open a single-line string
    bool tripleQuotedStrings = false; // Python's """ and '''
    bool hashPreprocessor = false; // C-family `#include` lines
    bool capitalizedIsType = false; // Java-like conventions: `Foo` is a type
    bool markupTags = false; // HTML/XML `<tag>`
    bool markdown = false; // headings and fences only

    // Rules for a LanguageGuesser name; nullptr when the language is unknown (plain text).
    static const LanguageRules *forLanguage(const QString &language);
};

} // namespace inkstream::ui
