#pragma once

#include <QList>
#include <QString>

namespace inkstream::ui {

// Splits a finished chat message into Markdown prose and fenced code blocks, so prose renders
// as rich text and code blocks get a highlighted view with a copy button. An unclosed fence
// runs to the end of the message.
class ChatMarkdown final
{
public:
    struct Segment
    {
        bool isCode = false;
        QString text;
        QString info; // the fence's info string ("python", "js title=\"sum.js\"")
        friend bool operator==(const Segment &, const Segment &) = default;
    };

    static QList<Segment> split(const QString &message);
    // The LanguageGuesser name for a fence's info string ("py", "python" -> "Python").
    static QString languageForInfo(const QString &info);
};

} // namespace inkstream::ui
