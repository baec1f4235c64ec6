#include "ui/highlighting/ksyntaxbackend.h"

#include "ui/highlighting/codetheme.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>

namespace inkstream::ui {

KSyntaxBackend::KSyntaxBackend() = default;

QString KSyntaxBackend::name() const
{
    return QStringLiteral("KSyntaxHighlighting");
}

QSyntaxHighlighter *KSyntaxBackend::attach(QTextDocument *document, const QString &language,
                                           const QString &fileName)
{
    auto *highlighter = new KSyntaxHighlighting::SyntaxHighlighter(document);
    highlighter->setTheme(currentTheme());
    // LanguageGuesser names follow KSyntaxHighlighting's definition names; the file name
    // covers the rest (and languages the guesser does not know).
    KSyntaxHighlighting::Definition definition = m_repository.definitionForName(language);
    if (!definition.isValid())
        definition = m_repository.definitionForFileName(fileName);
    highlighter->setDefinition(definition);
    return highlighter;
}

void KSyntaxBackend::applyTheme(QSyntaxHighlighter *highlighter)
{
    prepareTheme(highlighter);
    highlighter->rehighlight();
}

void KSyntaxBackend::prepareTheme(QSyntaxHighlighter *highlighter)
{
    static_cast<KSyntaxHighlighting::SyntaxHighlighter *>(highlighter)->setTheme(currentTheme());
}

KSyntaxHighlighting::Theme KSyntaxBackend::currentTheme() const
{
    return m_repository.defaultTheme(CodeTheme::current().isDark
                                         ? KSyntaxHighlighting::Repository::DarkTheme
                                         : KSyntaxHighlighting::Repository::LightTheme);
}

} // namespace inkstream::ui
