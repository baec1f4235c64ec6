#pragma once

#include "core/protocol/event.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <memory>

namespace inkstream::core {

// Turns streaming Markdown (a chat reply arriving in pieces) into file events while it streams:
// `start` when a fenced code block opens, `delta`s as its text arrives, `complete` at the closing
// fence. The file name comes from the fence info (```js title="sum.js"```, ```sum.js```), else
// from the line before the fence when it names a file ("Here is `sum.js`:"), else
// snippet-N.<extension of the language>. Fences follow CommonMark: three or more backticks or
// tildes, indented at most three spaces, closed by the same character at least as many times.
class CodeBlockExtractor final
{
public:
    // Maps a fence language ("python") to a file extension ("py"); empty when unknown.
    using ExtensionResolver = QString (*)(QStringView language);

    explicit CodeBlockExtractor(ExtensionResolver resolver = nullptr);

    // Feeds the next piece of text; returns the file events it completes.
    QList<CodeEvent> feed(QStringView text);
    // The text has ended: an open block completes with what arrived (and a warning).
    QList<CodeEvent> finish();
    // Warnings since the last call (unterminated fence etc.).
    QStringList takeWarnings() { return std::exchange(m_warnings, {}); }

    int blocksOpened() const { return m_blocks; }
    // Numbers snippet-N names from `counter`, shared with other extractors of the same stream
    // (several replies), so that no two unnamed blocks get the same file.
    void shareSnippetNumbers(std::shared_ptr<int> counter) { m_snippets = std::move(counter); }

private:
    void processLine(QStringView line, bool complete, QList<CodeEvent> *out);
    void openBlock(QStringView info, QList<CodeEvent> *out);
    QString nameFor(QStringView info);
    bool isClosingFence(QStringView line) const;
    bool mayBecomeClosingFence(QStringView partial) const;

    ExtensionResolver m_resolver = nullptr;
    QString m_line; // the current line, not yet handled (outside a block, or a possible fence)
    bool m_lineStreamed = false; // inside a block: part of the current line already went out
    bool m_inBlock = false;
    QChar m_fenceChar;
    qsizetype m_fenceLength = 0;
    QString m_fileName;
    QString m_lastProseLine; // the last non-blank line outside blocks
    int m_blocks = 0;
    std::shared_ptr<int> m_snippets = std::make_shared<int>(0);
    QStringList m_warnings;
};

} // namespace inkstream::core
