#pragma once

#include "ui/highlighting/highlighterbackend.h"

#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/Theme>

namespace inkstream::ui {

// KSyntaxHighlighting (KF6): the definitions and the dark theme of KDE's editors. Built when
// CMake finds KF6SyntaxHighlighting; on systems with only KF5 headers the build type-checks
// this file against them (see ui/CMakeLists.txt) so it cannot rot unseen.
class KSyntaxBackend final : public HighlighterBackend
{
public:
    KSyntaxBackend();

    QString name() const override;
    QSyntaxHighlighter *attach(QTextDocument *document, const QString &language,
                               const QString &fileName) override;
    void applyTheme(QSyntaxHighlighter *highlighter) override;
    void prepareTheme(QSyntaxHighlighter *highlighter) override;

private:
    KSyntaxHighlighting::Theme currentTheme() const;

    KSyntaxHighlighting::Repository m_repository;
};

} // namespace inkstream::ui
