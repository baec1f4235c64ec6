#pragma once

#include "ui/highlighting/codetheme.h"

#include <QPointer>
#include <QSyntaxHighlighter>

namespace inkstream::ui {

class HighlightScheduler;
struct LanguageRules;

// The built-in highlighter: one left-to-right scan per line driven by LanguageRules, with the
// block state carrying open block comments and triple-quoted strings to the next line. Appending
// to the last line rescans only that line, so streaming stays O(line) per delta.
class RuleHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RuleHighlighter)

public:
    // `rules` may be nullptr (plain text); it must outlive the highlighter.
    RuleHighlighter(const LanguageRules *rules, QTextDocument *document);

    // Blocks are highlighted only when `scheduler` admits them (it stops a change carrying on
    // through a big file at once). Set by the scheduler itself.
    void setScheduler(HighlightScheduler *scheduler);

protected:
    void highlightBlock(const QString &text) override;

private:
    enum BlockState { Normal = -1, InBlockComment = 1, InTripleDouble = 2, InTripleSingle = 3 };

    qsizetype continueBlockComment(const QString &text, qsizetype from);
    qsizetype continueTripleString(const QString &text, qsizetype from, QStringView delimiter,
                                   BlockState state);
    void highlightMarkdown(const QString &text);
    qsizetype scanString(const QString &text, qsizetype from);
    qsizetype scanNumber(const QString &text, qsizetype from);
    qsizetype scanWord(const QString &text, qsizetype from);
    qsizetype scanTag(const QString &text, qsizetype from);
    void apply(qsizetype from, qsizetype length, CodeTheme::Token token);

    const LanguageRules *m_rules = nullptr;
    QPointer<HighlightScheduler> m_scheduler;
};

} // namespace inkstream::ui
