#include "core/protocol/ssewriter.h"

#include "core/protocol/protocollog.h"

namespace inkstream::core {

namespace {

bool hasLineBreak(QByteArrayView text)
{
    return text.contains('\n') || text.contains('\r');
}

// Calls `line` for each line of `text`, split at CR, LF and CRLF; an empty text is one line.
template<typename Function> void forEachLine(QByteArrayView text, Function line)
{
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\n' && c != '\r')
            continue;
        line(text.sliced(start, i - start));
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            ++i;
        start = i + 1;
    }
    line(text.sliced(start));
}

} // namespace

bool SseWriter::appendEvent(QByteArray &out, QByteArrayView data, QByteArrayView name,
                            std::optional<QByteArrayView> id)
{
    if (hasLineBreak(name) || (id && (hasLineBreak(*id) || id->contains('\0')))) {
        qCWarning(lcProtocol, "SSE writer: event name or id contains a line break or NUL");
        return false;
    }
    out.reserve(out.size() + data.size() + name.size() + 32);
    if (id) {
        out.append("id: ");
        out.append(*id);
        out.append('\n');
    }
    if (!name.isEmpty()) {
        out.append("event: ");
        out.append(name);
        out.append('\n');
    }
    forEachLine(data, [&out](QByteArrayView line) {
        out.append("data: ");
        out.append(line);
        out.append('\n');
    });
    out.append('\n');
    return true;
}

QByteArray SseWriter::event(QByteArrayView data, QByteArrayView name,
                            std::optional<QByteArrayView> id)
{
    QByteArray out;
    appendEvent(out, data, name, id);
    return out;
}

QByteArray SseWriter::event(const SseEvent &event)
{
    return SseWriter::event(event.data, event.type, QByteArrayView(event.lastEventId));
}

QByteArray SseWriter::retry(qint64 milliseconds)
{
    return "retry: " + QByteArray::number(std::max<qint64>(0, milliseconds)) + '\n';
}

QByteArray SseWriter::comment(QByteArrayView text)
{
    QByteArray out;
    forEachLine(text, [&out](QByteArrayView line) {
        out.append(':');
        if (!line.isEmpty()) {
            out.append(' ');
            out.append(line);
        }
        out.append('\n');
    });
    return out;
}

} // namespace inkstream::core
