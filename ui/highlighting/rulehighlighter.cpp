#include "ui/highlighting/rulehighlighter.h"

#include "ui/highlighting/highlightscheduler.h"
#include "ui/highlighting/languagerules.h"

namespace inkstream::ui {

namespace {

bool isWordStart(QChar c)
{
    return c.isLetter() || c == u'_' || c == u'$';
}

bool isWordPart(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$' || c == u'?' || c == u'!';
}

const QString kTripleDouble = QStringLiteral("\"\"\"");
const QString kTripleSingle = QStringLiteral("'''");

} // namespace

RuleHighlighter::RuleHighlighter(const LanguageRules *rules, QTextDocument *document)
    : QSyntaxHighlighter(document)
    , m_rules(rules)
{ }

void RuleHighlighter::setScheduler(HighlightScheduler *scheduler)
{
    m_scheduler = scheduler;
}

void RuleHighlighter::apply(qsizetype from, qsizetype length, CodeTheme::Token token)
{
    setFormat(int(from), int(length), CodeTheme::current().format(token));
}

void RuleHighlighter::highlightBlock(const QString &text)
{
    if (m_scheduler && !m_scheduler->admits(currentBlock())) {
        // Left for a later slice; its old state stops QSyntaxHighlighter carrying on.
        setCurrentBlockState(currentBlockState());
        return;
    }
    setCurrentBlockState(Normal);
    if (!m_rules)
        return;
    if (m_rules->markdown) {
        highlightMarkdown(text);
        return;
    }

    qsizetype i = 0;
    switch (previousBlockState()) {
    case InBlockComment:
        i = continueBlockComment(text, 0);
        break;
    case InTripleDouble:
        i = continueTripleString(text, 0, kTripleDouble, InTripleDouble);
        break;
    case InTripleSingle:
        i = continueTripleString(text, 0, kTripleSingle, InTripleSingle);
        break;
    default:
        break;
    }

    if (m_rules->hashPreprocessor && i == 0 && text.trimmed().startsWith(u'#')) {
        apply(0, text.size(), CodeTheme::Token::Preprocessor);
        return;
    }

    while (i < text.size() && currentBlockState() == Normal) {
        const QStringView rest = QStringView(text).mid(i);
        bool lineComment = false;
        for (const QString &prefix : m_rules->lineComments) {
            // "#" inside a word (Rust's `#[`, C#'s `#region`) is not a comment in those
            // languages, but they do not list "#" as a comment prefix anyway.
            if (rest.startsWith(prefix)) {
                lineComment = true;
                break;
            }
        }
        if (lineComment) {
            apply(i, text.size() - i, CodeTheme::Token::Comment);
            return;
        }
        if (!m_rules->blockCommentStart.isEmpty() && rest.startsWith(m_rules->blockCommentStart)) {
            setCurrentBlockState(InBlockComment);
            const qsizetype bodyStart = i + m_rules->blockCommentStart.size();
            const qsizetype end = text.indexOf(m_rules->blockCommentEnd, bodyStart);
            if (end >= 0) {
                const qsizetype stop = end + m_rules->blockCommentEnd.size();
                apply(i, stop - i, CodeTheme::Token::Comment);
                setCurrentBlockState(Normal);
                i = stop;
            } else {
                apply(i, text.size() - i, CodeTheme::Token::Comment);
                i = text.size();
            }
            continue;
        }
        if (m_rules->tripleQuotedStrings
            && (rest.startsWith(kTripleDouble) || rest.startsWith(kTripleSingle))) {
            const bool isDouble = rest.startsWith(kTripleDouble);
            const QString &delimiter = isDouble ? kTripleDouble : kTripleSingle;
            setCurrentBlockState(isDouble ? InTripleDouble : InTripleSingle);
            apply(i, 3, CodeTheme::Token::String);
            i = continueTripleString(text, i + 3, delimiter,
                                     isDouble ? InTripleDouble : InTripleSingle);
            continue;
        }
        const QChar c = text.at(i);
        if (m_rules->quotes.contains(c)) {
            i = scanString(text, i);
        } else if (m_rules->markupTags && c == u'<') {
            i = scanTag(text, i);
        } else if (c.isDigit() && (i == 0 || !isWordPart(text.at(i - 1)))) {
            i = scanNumber(text, i);
        } else if (isWordStart(c)) {
            i = scanWord(text, i);
        } else {
            ++i;
        }
    }
}

qsizetype RuleHighlighter::continueBlockComment(const QString &text, qsizetype from)
{
    const qsizetype end = text.indexOf(m_rules->blockCommentEnd, from);
    if (end < 0) {
        apply(from, text.size() - from, CodeTheme::Token::Comment);
        setCurrentBlockState(InBlockComment);
        return text.size();
    }
    const qsizetype stop = end + m_rules->blockCommentEnd.size();
    apply(from, stop - from, CodeTheme::Token::Comment);
    setCurrentBlockState(Normal);
    return stop;
}

qsizetype RuleHighlighter::continueTripleString(const QString &text, qsizetype from,
                                                QStringView delimiter, BlockState state)
{
    const qsizetype end = text.indexOf(delimiter, from);
    if (end < 0) {
        apply(from, text.size() - from, CodeTheme::Token::String);
        setCurrentBlockState(state);
        return text.size();
    }
    const qsizetype stop = end + delimiter.size();
    apply(from, stop - from, CodeTheme::Token::String);
    setCurrentBlockState(Normal);
    return stop;
}

void RuleHighlighter::highlightMarkdown(const QString &text)
{
    if (text.startsWith(u'#'))
        apply(0, text.size(), CodeTheme::Token::Heading);
    else if (text.startsWith(QLatin1String("```")) || text.startsWith(QLatin1String("    ")))
        apply(0, text.size(), CodeTheme::Token::String);
    else if (text.startsWith(u'>'))
        apply(0, text.size(), CodeTheme::Token::Comment);
}

qsizetype RuleHighlighter::scanString(const QString &text, qsizetype from)
{
    const QChar quote = text.at(from);
    qsizetype i = from + 1;
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c == u'\\') {
            i += 2;
            continue;
        }
        ++i;
        if (c == quote)
            break;
    }
    i = qMin(i, text.size());
    apply(from, i - from, CodeTheme::Token::String);
    return i;
}

qsizetype RuleHighlighter::scanNumber(const QString &text, qsizetype from)
{
    qsizetype i = from;
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c.isLetterOrNumber() || c == u'_' || c == u'.'
            || ((c == u'+' || c == u'-') && i > from
                && (text.at(i - 1) == u'e' || text.at(i - 1) == u'E')))
            ++i;
        else
            break;
    }
    apply(from, i - from, CodeTheme::Token::Number);
    return i;
}

qsizetype RuleHighlighter::scanWord(const QString &text, qsizetype from)
{
    qsizetype i = from + 1;
    while (i < text.size() && isWordPart(text.at(i)))
        ++i;
    const QString word = text.mid(from, i - from);
    if (m_rules->keywords.contains(word)) {
        apply(from, i - from, CodeTheme::Token::Keyword);
        return i;
    }
    if (m_rules->types.contains(word)
        || (m_rules->capitalizedIsType && word.at(0).isUpper() && word.size() > 1
            && word.at(1).isLower())) {
        apply(from, i - from, CodeTheme::Token::Type);
        return i;
    }
    qsizetype next = i;
    while (next < text.size() && text.at(next) == u' ')
        ++next;
    if (next < text.size() && text.at(next) == u'(')
        apply(from, i - from, CodeTheme::Token::Function);
    return i;
}

qsizetype RuleHighlighter::scanTag(const QString &text, qsizetype from)
{
    qsizetype i = from + 1;
    if (i < text.size() && (text.at(i) == u'/' || text.at(i) == u'?' || text.at(i) == u'!'))
        ++i;
    const qsizetype nameStart = i;
    while (i < text.size()
           && (text.at(i).isLetterOrNumber() || text.at(i) == u'-' || text.at(i) == u':'
               || text.at(i) == u'_'))
        ++i;
    if (i > nameStart)
        apply(nameStart, i - nameStart, CodeTheme::Token::Keyword);
    return i;
}

} // namespace inkstream::ui
