#pragma once

#include <QString>
#include <memory>

class QSyntaxHighlighter;
class QTextDocument;

namespace inkstream::ui {

// Where syntax highlighting comes from (DESIGN.md, platform facts): KSyntaxHighlighting when
// the build found KF6, else the built-in rule backend. The editor only knows this interface.
class HighlighterBackend
{
public:
    HighlighterBackend() = default;
    virtual ~HighlighterBackend() = default;
    Q_DISABLE_COPY_MOVE(HighlighterBackend)

    // "KSyntaxHighlighting" or "built-in rules", for the About box and logs.
    virtual QString name() const = 0;
    // Highlights `document`, which holds the file `fileName` in `language` (a LanguageGuesser
    // name, possibly empty). The highlighter is a child of the document.
    virtual QSyntaxHighlighter *attach(QTextDocument *document, const QString &language,
                                       const QString &fileName)
        = 0;
    // Colours `highlighter` (one attach() made) for the theme now current, after a switch.
    virtual void applyTheme(QSyntaxHighlighter *highlighter) = 0;
    // The same without highlighting again: the caller does, in slices (HighlightScheduler).
    virtual void prepareTheme(QSyntaxHighlighter *highlighter) = 0;
};

// The best backend this build has.
std::unique_ptr<HighlighterBackend> createHighlighterBackend();

} // namespace inkstream::ui
