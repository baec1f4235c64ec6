#pragma once

#include "core/protocol/event.h"

#include <QString>

// Builders for the events the suites feed the code under test, so that a suite names what it
// sends ("a delta of a.py at offset 6") rather than filling structs field by field. Header-only.
namespace inkstream::test {

// `payload` as event `sequence` of session `session`.
inline core::Event makeEvent(quint64 sequence, core::EventPayload payload,
                             const QString &session = QStringLiteral("s1"))
{
    return core::Event {sequence, session, std::move(payload)};
}

// A code event of `type` for `file`. `text` is what that type carries: a delta's text, a
// complete's full content (a null text: a complete without one), an error's message; a start
// carries nothing.
inline core::CodeEvent code(core::CodeEvent::Type type, const QString &file,
                            const QString &text = {})
{
    core::CodeEvent event;
    event.type = type;
    event.fileName = file;
    switch (type) {
    case core::CodeEvent::Type::Start:
        break;
    case core::CodeEvent::Type::Delta:
        event.delta = text;
        break;
    case core::CodeEvent::Type::Complete:
        if (!text.isNull()) {
            event.fullContent = text;
            event.hasFullContent = true;
        }
        break;
    case core::CodeEvent::Type::Error:
        event.error = text;
        break;
    }
    return event;
}

// A delta of `file` that says where it starts: `offset` UTF-16 code units into the file.
inline core::CodeEvent codeDelta(const QString &file, const QString &text, qint64 offset)
{
    core::CodeEvent event = code(core::CodeEvent::Type::Delta, file, text);
    event.offset = offset;
    return event;
}

// A delta of `file` that says where it starts: at `position` (line and column).
inline core::CodeEvent codeDelta(const QString &file, const QString &text,
                                 core::TextPosition position)
{
    core::CodeEvent event = code(core::CodeEvent::Type::Delta, file, text);
    event.position = position;
    event.hasPosition = true;
    return event;
}

// A chat event of `type` for message `messageId`; `delta` is a delta's text.
inline core::ChatEvent chat(core::ChatEvent::Type type, const QString &messageId,
                            const QString &delta = {})
{
    core::ChatEvent event;
    event.type = type;
    event.messageId = messageId;
    event.delta = delta;
    return event;
}

} // namespace inkstream::test
