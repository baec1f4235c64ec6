#include "core/protocol/codeblockextractor.h"

#include <QRegularExpression>

namespace inkstream::core {

namespace {

constexpr qsizetype kMaxIndent = 3;

// The line without up to three leading spaces (CommonMark fence indentation); -1 when more.
QStringView stripIndent(QStringView line)
{
    qsizetype i = 0;
    while (i < line.size() && line.at(i) == u' ')
        ++i;
    return i > kMaxIndent ? QStringView() : line.mid(i);
}

qsizetype runLength(QStringView text, QChar c)
{
    qsizetype n = 0;
    while (n < text.size() && text.at(n) == c)
        ++n;
    return n;
}

bool isBlank(QStringView text)
{
    return text.trimmed().isEmpty();
}

bool looksLikeFileName(QStringView text)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"re(^[\w][\w./-]*\.[A-Za-z][A-Za-z0-9]{0,7}$)re"));
    return !text.contains(u"..") && pattern.match(text).hasMatch();
}

// A file name the line before a fence gives: "`sum.js`", "**sum.js**", "File: sum.js",
// "Save this as sum.js:". Empty when the line names none.
QString fileNameInLine(QStringView line)
{
    static const QRegularExpression quoted(QStringLiteral(R"re(`([^`\s]+)`)re"));
    QString found;
    for (const QRegularExpressionMatch &match : quoted.globalMatch(line)) {
        if (looksLikeFileName(match.capturedView(1)))
            found = match.captured(1);
    }
    if (!found.isEmpty())
        return found;
    static const QRegularExpression decorated(
        QStringLiteral(
            R"re(^[\s#>*-]*(?:(?:file(?:name)?|path)\s*:\s*)?\**([^\s*:]+?)\**\s*:?\s*$)re"),
        QRegularExpression::CaseInsensitiveOption);
    if (const auto match = decorated.match(line);
        match.hasMatch() && looksLikeFileName(match.capturedView(1)))
        return match.captured(1);
    static const QRegularExpression trailing(QStringLiteral(R"re(\s([\w][\w./-]*)\s*:\s*$)re"));
    if (const auto match = trailing.match(line);
        match.hasMatch() && looksLikeFileName(match.capturedView(1)))
        return match.captured(1);
    return {};
}

} // namespace

CodeBlockExtractor::CodeBlockExtractor(ExtensionResolver resolver)
    : m_resolver(resolver)
{ }

QList<CodeEvent> CodeBlockExtractor::feed(QStringView text)
{
    QList<CodeEvent> out;
    while (!text.isEmpty()) {
        const qsizetype newline = text.indexOf(u'\n');
        if (newline < 0) {
            m_line.append(text);
            break;
        }
        m_line.append(text.left(newline));
        text = text.mid(newline + 1);
        QStringView line = m_line;
        if (line.endsWith(u'\r'))
            line.chop(1);
        processLine(line, true, &out);
        m_line.clear();
    }
    // Inside a block, stream the partial line at once unless it may still be the closing fence.
    if (m_inBlock && !m_line.isEmpty() && (m_lineStreamed || !mayBecomeClosingFence(m_line))) {
        CodeEvent delta;
        delta.type = CodeEvent::Type::Delta;
        delta.fileName = m_fileName;
        delta.delta = std::exchange(m_line, {});
        m_lineStreamed = true;
        out.append(delta);
    }
    return out;
}

QList<CodeEvent> CodeBlockExtractor::finish()
{
    QList<CodeEvent> out;
    if (!m_line.isEmpty()) {
        const QString line = std::exchange(m_line, {});
        if (m_inBlock && (m_lineStreamed || !isClosingFence(line))) {
            CodeEvent delta;
            delta.type = CodeEvent::Type::Delta;
            delta.fileName = m_fileName;
            delta.delta = line;
            out.append(delta);
        } else {
            processLine(line, false, &out);
        }
    }
    if (m_inBlock) {
        m_warnings.append(
            QStringLiteral("the code block for \"%1\" was not closed; it ends with the text")
                .arg(m_fileName));
        CodeEvent complete;
        complete.type = CodeEvent::Type::Complete;
        complete.fileName = m_fileName;
        out.append(complete);
        m_inBlock = false;
    }
    m_lineStreamed = false;
    return out;
}

void CodeBlockExtractor::processLine(QStringView line, bool complete, QList<CodeEvent> *out)
{
    if (m_inBlock) {
        if (!m_lineStreamed && isClosingFence(line)) {
            CodeEvent done;
            done.type = CodeEvent::Type::Complete;
            done.fileName = m_fileName;
            out->append(done);
            m_inBlock = false;
            m_lastProseLine.clear();
            return;
        }
        CodeEvent delta;
        delta.type = CodeEvent::Type::Delta;
        delta.fileName = m_fileName;
        delta.delta = line.toString();
        if (complete)
            delta.delta.append(u'\n');
        m_lineStreamed = false;
        if (!delta.delta.isEmpty())
            out->append(delta);
        return;
    }
    const QStringView body = stripIndent(line);
    if (!body.isEmpty() && (body.front() == u'`' || body.front() == u'~')) {
        const QChar fence = body.front();
        const qsizetype length = runLength(body, fence);
        const QStringView info = body.mid(length).trimmed();
        // A backtick fence's info string cannot hold a backtick (that is inline code).
        if (length >= 3 && !(fence == u'`' && info.contains(u'`'))) {
            m_fenceChar = fence;
            m_fenceLength = length;
            openBlock(info, out);
            return;
        }
    }
    if (!isBlank(line))
        m_lastProseLine = line.toString();
}

void CodeBlockExtractor::openBlock(QStringView info, QList<CodeEvent> *out)
{
    ++m_blocks;
    m_inBlock = true;
    m_lineStreamed = false;
    m_fileName = nameFor(info);
    m_lastProseLine.clear();
    CodeEvent start;
    start.type = CodeEvent::Type::Start;
    start.fileName = m_fileName;
    out->append(start);
}

QString CodeBlockExtractor::nameFor(QStringView info)
{
    static const QRegularExpression attribute(
        QStringLiteral(
            R"re((?:^|\s)(?:title|filename|file|name|path)\s*=\s*(?:"([^"]+)"|'([^']+)'|(\S+)))re"),
        QRegularExpression::CaseInsensitiveOption);
    if (const auto match = attribute.match(info); match.hasMatch()) {
        for (int group = 1; group <= 3; ++group) {
            QString value = match.captured(group).trimmed();
            if (!value.isEmpty())
                return value;
        }
    }
    QStringView word = info;
    if (const qsizetype space = word.indexOf(u' '); space >= 0)
        word = word.left(space);
    if (const qsizetype brace = word.indexOf(u'{'); brace >= 0)
        word = word.left(brace);
    QStringView language = word;
    // "python:src/app.py" names both.
    if (const qsizetype colon = word.indexOf(u':'); colon > 0) {
        if (looksLikeFileName(word.mid(colon + 1)))
            return word.mid(colon + 1).toString();
        language = word.left(colon);
    }
    if (looksLikeFileName(word))
        return word.toString();
    QString named = fileNameInLine(m_lastProseLine);
    if (!named.isEmpty())
        return named;
    QString extension = m_resolver && !language.isEmpty() ? m_resolver(language) : QString();
    if (extension.isEmpty())
        extension = QStringLiteral("txt");
    return QStringLiteral("snippet-%1.%2").arg(++*m_snippets).arg(extension);
}

bool CodeBlockExtractor::isClosingFence(QStringView line) const
{
    const QStringView body = stripIndent(line);
    const qsizetype length = runLength(body, m_fenceChar);
    return length >= m_fenceLength && isBlank(body.mid(length));
}

bool CodeBlockExtractor::mayBecomeClosingFence(QStringView partial) const
{
    qsizetype spaces = 0;
    while (spaces < partial.size() && partial.at(spaces) == u' ')
        ++spaces;
    if (spaces > kMaxIndent)
        return false;
    const QStringView body = partial.mid(spaces);
    const qsizetype length = runLength(body, m_fenceChar);
    if (length == body.size())
        return true;
    return length >= m_fenceLength && isBlank(body.mid(length));
}

} // namespace inkstream::core
