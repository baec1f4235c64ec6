#pragma once

#include "ui/highlighting/highlighterbackend.h"

namespace inkstream::ui {

// The built-in backend: RuleHighlighter with the rules of the file's language.
class RuleBackend final : public HighlighterBackend
{
public:
    QString name() const override;
    QSyntaxHighlighter *attach(QTextDocument *document, const QString &language,
                               const QString &fileName) override;
    void applyTheme(QSyntaxHighlighter *highlighter) override;
    void prepareTheme(QSyntaxHighlighter *highlighter) override;
};

} // namespace inkstream::ui
