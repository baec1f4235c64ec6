#pragma once

#include <QColor>
#include <QTextCharFormat>

namespace inkstream::ui {

// The editor's colours (a dark theme in the spirit of the editors the seeds embed): the
// background and text for the widget palette, and one character format per token kind.
struct CodeTheme
{
    enum class Token { Keyword, Type, String, Comment, Number, Function, Preprocessor, Heading };

    QColor background;
    QColor text;
    QColor lineNumber;
    QColor currentLineNumber;
    QColor gutter;
    QColor insertionCaret;

    QTextCharFormat format(Token token) const;

    static const CodeTheme &dark();
};

} // namespace inkstream::ui
