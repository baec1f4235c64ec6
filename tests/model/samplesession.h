#pragma once

#include "core/protocol/event.h"

#include <QList>

namespace inkstream::core {

// A session of `files` files typed in 4-character deltas, with chat, steps and progress.
inline QList<Event> sampleSession(int files, int deltasPerFile)
{
    QList<Event> events;
    quint64 sequence = 0;
    const auto add = [&](EventPayload payload) {
        events.append(Event {++sequence, QStringLiteral("rec"), std::move(payload)});
    };
    add(ChatEvent {ChatEvent::Type::Start, QStringLiteral("m1"), ChatRole::Assistant, {}});
    add(ChatEvent {ChatEvent::Type::Delta, QStringLiteral("m1"), ChatRole::Assistant,
                   QStringLiteral("Writing the files ✍️")});
    for (int f = 0; f < files; ++f) {
        const QString name = QStringLiteral("src/file%1.py").arg(f);
        CodeEvent start;
        start.type = CodeEvent::Type::Start;
        start.fileName = name;
        add(start);
        for (int d = 0; d < deltasPerFile; ++d) {
            CodeEvent delta;
            delta.type = CodeEvent::Type::Delta;
            delta.fileName = name;
            delta.delta = QStringLiteral("x%1é\n").arg(d % 10);
            add(delta);
        }
        CodeEvent complete;
        complete.type = CodeEvent::Type::Complete;
        complete.fileName = name;
        add(complete);
        add(ProgressEvent {(f + 1) * 100 / files, name});
    }
    add(SessionEvent {});
    return events;
}

} // namespace inkstream::core
