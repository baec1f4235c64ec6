#pragma once

#include <QColor>
#include <QTextCharFormat>
#include <array>

namespace inkstream::ui {

// The editor's colours in a light and a dark variant (in the spirit of the editors the seeds
// embed): the background and text for the widget palette, and one character format per token
// kind. current() is the variant that matches the application palette.
struct CodeTheme
{
    enum class Token { Keyword, Type, String, Comment, Number, Function, Preprocessor, Heading };

    bool isDark = true;
    QColor background;
    QColor text;
    QColor lineNumber;
    QColor currentLineNumber;
    QColor gutter;
    QColor insertionCaret;
    QColor currentLine;
    QColor selection;
    QColor removedLine; // diff views
    QColor addedLine;
    std::array<QColor, 8> tokens; // by Token

    QTextCharFormat format(Token token) const;

    static const CodeTheme &dark();
    static const CodeTheme &light();
    static const CodeTheme &current();
    static void setCurrentDark(bool dark); // AppTheme decides
};

} // namespace inkstream::ui
