#pragma once

#include "core/model/sessionmodel.h"
#include "core/protocol/event.h"

// Builds numbered events for a SessionModel the way a stream would deliver them, so widget tests
// read as the session they play.
class EventFeeder
{
public:
    explicit EventFeeder(inkstream::core::SessionModel *model)
        : m_model(model)
    { }

    bool apply(const inkstream::core::EventPayload &payload)
    {
        inkstream::core::Event event;
        event.sequence = ++m_sequence;
        event.sessionId = QStringLiteral("ui-test");
        event.payload = payload;
        return m_model->apply(event);
    }

    bool startFile(const QString &name)
    {
        inkstream::core::CodeEvent code;
        code.type = inkstream::core::CodeEvent::Type::Start;
        code.fileName = name;
        return apply(code);
    }

    bool appendToFile(const QString &name, const QString &delta)
    {
        inkstream::core::CodeEvent code;
        code.type = inkstream::core::CodeEvent::Type::Delta;
        code.fileName = name;
        code.delta = delta;
        return apply(code);
    }

    bool completeFile(const QString &name, const QString &content)
    {
        inkstream::core::CodeEvent code;
        code.type = inkstream::core::CodeEvent::Type::Complete;
        code.fileName = name;
        code.fullContent = content;
        code.hasFullContent = true;
        return apply(code);
    }

    // Streams `content` in chunks of `chunk` characters.
    void typeFile(const QString &name, const QString &content, int chunk = 5)
    {
        startFile(name);
        for (qsizetype i = 0; i < content.size(); i += chunk)
            appendToFile(name, content.mid(i, chunk));
    }

    bool chat(inkstream::core::ChatEvent::Type type, const QString &id, const QString &delta = {},
              inkstream::core::ChatRole role = inkstream::core::ChatRole::Assistant)
    {
        inkstream::core::ChatEvent event;
        event.type = type;
        event.messageId = id;
        event.role = role;
        event.delta = delta;
        return apply(event);
    }

    bool step(inkstream::core::StepName name, inkstream::core::StepEvent::Status status)
    {
        inkstream::core::StepEvent event;
        event.step = name;
        event.status = status;
        return apply(event);
    }

private:
    inkstream::core::SessionModel *m_model = nullptr;
    quint64 m_sequence = 0;
};
