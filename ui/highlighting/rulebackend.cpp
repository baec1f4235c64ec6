#include "ui/highlighting/rulebackend.h"

#include "ui/highlighting/languagerules.h"
#include "ui/highlighting/rulehighlighter.h"

#include <QSyntaxHighlighter>

namespace inkstream::ui {

QString RuleBackend::name() const
{
    return QStringLiteral("built-in rules");
}

QSyntaxHighlighter *RuleBackend::attach(QTextDocument *document, const QString &language,
                                        const QString &fileName)
{
    Q_UNUSED(fileName)
    return new RuleHighlighter(LanguageRules::forLanguage(language), document);
}

void RuleBackend::applyTheme(QSyntaxHighlighter *highlighter)
{
    highlighter->rehighlight(); // the rules take their formats from CodeTheme::current()
}

void RuleBackend::prepareTheme(QSyntaxHighlighter *highlighter)
{
    Q_UNUSED(highlighter) // nothing to set: the next highlight reads CodeTheme::current()
}

} // namespace inkstream::ui
