#include "ui/chatmarkdown.h"

#include "core/model/languageguesser.h"

#include <QStringList>

namespace inkstream::ui {

QList<ChatMarkdown::Segment> ChatMarkdown::split(const QString &message)
{
    QList<Segment> segments;
    Segment current;
    QString fence; // the opening fence ("```" or "~~~", possibly longer) while inside a block
    QStringList lines = message.split(u'\n');
    if (message.endsWith(u'\n'))
        lines.removeLast(); // a final newline ends the last line; it does not start another
    auto flush = [&segments, &current] {
        if (current.isCode || !current.text.trimmed().isEmpty()) {
            if (current.text.endsWith(u'\n'))
                current.text.chop(1);
            segments.append(current);
        }
        current = Segment {};
    };
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (fence.isEmpty()) {
            if (trimmed.startsWith(QLatin1String("```"))
                || trimmed.startsWith(QLatin1String("~~~"))) {
                qsizetype length = 0;
                while (length < trimmed.size() && trimmed.at(length) == trimmed.at(0))
                    ++length;
                flush();
                fence = trimmed.left(length);
                current.isCode = true;
                current.info = trimmed.mid(length).trimmed();
                continue;
            }
        } else if (trimmed.startsWith(fence) && trimmed.mid(fence.size()).trimmed().isEmpty()) {
            flush();
            fence.clear();
            continue;
        }
        current.text += line + u'\n';
    }
    flush();
    return segments;
}

QString ChatMarkdown::languageForInfo(const QString &info)
{
    const QString tag = info.section(u' ', 0, 0).toLower();
    if (tag.isEmpty())
        return {};
    // "sum.js" names a file; "js" or "javascript" names a language.
    if (tag.contains(u'.'))
        return core::LanguageGuesser::languageForFileName(tag);
    const QString extension = core::LanguageGuesser::extensionForLanguage(tag);
    return extension.isEmpty()
        ? QString()
        : core::LanguageGuesser::languageForFileName(QString(u"x." + extension));
}

} // namespace inkstream::ui
