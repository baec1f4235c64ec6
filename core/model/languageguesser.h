#pragma once

#include <QString>

namespace inkstream::core {

// Guesses a file's language from its name. Names match KSyntaxHighlighting definition names
// ("C++", "Python", "JavaScript", ...) so both highlighter backends can use them directly.
class LanguageGuesser final
{
public:
    // Empty when the name says nothing about the language.
    static QString languageForFileName(QStringView fileName);
    // A file extension (without dot) for a language or fence tag ("py", "python" -> "py").
    static QString extensionForLanguage(QStringView language);
};

} // namespace inkstream::core
