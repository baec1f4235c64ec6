#include "core/protocol/smartforgedecoder.h"

#include <QJsonDocument>
#include <QJsonValue>
#include <initializer_list>

namespace inkstream::core {

namespace {

// The first string member among `keys`, at the top level or in a nested `data` object.
QString stringField(const QJsonObject &fields, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        const QJsonValue value = fields.value(QLatin1String(key));
        if (value.isString())
            return value.toString();
    }
    return {};
}

std::optional<int> percentField(const QJsonObject &fields, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        if (const std::optional<int> value
            = DialectDecoder::percent(fields.value(QLatin1String(key))))
            return value;
    }
    return std::nullopt;
}

// Top-level members merged with those of a nested `data` object (which win).
QJsonObject flatten(const QJsonObject &object)
{
    QJsonObject fields = object;
    const QJsonObject nested = object.value(QStringLiteral("data")).toObject();
    for (auto it = nested.begin(); it != nested.end(); ++it)
        fields.insert(it.key(), it.value());
    return fields;
}

std::optional<StepName> stepFromText(const QString &text)
{
    const QString lower = text.toLower();
    if (lower.contains(u"plan"))
        return StepName::Planning;
    if (lower.contains(u"generat"))
        return StepName::Generating;
    if (lower.contains(u"validat"))
        return StepName::Validating;
    if (lower.contains(u"complet") || lower.contains(u"done"))
        return StepName::Complete;
    return std::nullopt;
}

QString fileNameOf(const QJsonObject &fields)
{
    return stringField(fields, {"fileName", "filename", "file", "path", "name"});
}

} // namespace

bool SmartForgeDecoder::step(const QJsonObject &fields, const QString &fallback,
                             StepEvent::Status status, DialectOutput *out)
{
    const QString stepText = stringField(fields, {"step", "name", "phase", "title"});
    const std::optional<StepName> name = stepFromText(stepText.isEmpty() ? fallback : stepText);
    if (!name) {
        out->warnings.append(
            QStringLiteral("smart-forge: ignored a step that is none of planning, generating, "
                           "validating, complete: \"%1\"")
                .arg(stepText));
        return false;
    }
    StepEvent event;
    event.step = *name;
    event.status = status;
    event.detail = stringField(fields, {"message", "detail", "description"});
    out->events.append(event);
    return true;
}

DialectOutput SmartForgeDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    const std::optional<QJsonObject> parsed
        = parseObject(frame, dialectText(Dialect::SmartForge), &out);
    if (!parsed)
        return out;
    const QJsonObject &object = *parsed;
    QString name = QString::fromUtf8(frame.type);
    if (name == u"message")
        name = stringField(object, {"type", "event"});
    const QJsonObject fields = flatten(object);
    const QString message = stringField(fields, {"message", "detail", "description"});
    const QString fileName = fileNameOf(fields);
    auto code = [&](CodeEvent::Type type) {
        CodeEvent event;
        event.type = type;
        event.fileName = fileName;
        return event;
    };

    if (name == u"project:created") {
        const QString project = stringField(fields, {"projectName", "name", "projectId"});
        chatLine(message.isEmpty()
                     ? (project.isEmpty() ? QStringLiteral("Project created")
                                          : QStringLiteral("Project created: %1").arg(project))
                     : message,
                 &out);
    } else if (name == u"step:start" || name == u"step:complete") {
        const bool start = name == u"step:start";
        if (step(fields, message, start ? StepEvent::Status::Start : StepEvent::Status::Complete,
                 &out)
            && start)
            chatLine(message, &out);
    } else if (name == u"file:generating" || name == u"code:chunk" || name == u"file:complete") {
        if (fileName.isEmpty()) {
            out.warnings.append(
                QStringLiteral("smart-forge: ignored %1 without a file name").arg(name));
            return out;
        }
        if (name == u"file:generating") {
            CodeEvent start = code(CodeEvent::Type::Start);
            start.language = stringField(fields, {"language"});
            out.events.append(start);
            chatLine(QStringLiteral("Generating %1...").arg(fileName), &out);
        } else if (name == u"code:chunk") {
            CodeEvent delta = code(CodeEvent::Type::Delta);
            delta.delta = stringField(fields, {"chunk", "content", "delta", "code", "text"});
            out.events.append(delta);
        } else {
            CodeEvent complete = code(CodeEvent::Type::Complete);
            complete.fullContent = stringField(fields, {"content", "fullContent", "code"});
            complete.hasFullContent = !complete.fullContent.isEmpty();
            out.events.append(complete);
            chatLine(QStringLiteral("✓ Created %1").arg(fileName), &out);
        }
    } else if (name == u"validation:start") {
        out.events.append(StepEvent {StepName::Validating, StepEvent::Status::Start, message});
        chatLine(message.isEmpty() ? QStringLiteral("Validating generated code...") : message,
                 &out);
    } else if (name == u"validation:complete") {
        const QJsonValue success = fields.value(QStringLiteral("success")).isBool()
            ? fields.value(QStringLiteral("success"))
            : fields.value(QStringLiteral("passed"));
        const bool failed = success.isBool() && !success.toBool();
        out.events.append(
            StepEvent {StepName::Validating,
                       failed ? StepEvent::Status::Error : StepEvent::Status::Complete, message});
        if (failed)
            chatLine(message.isEmpty() ? QStringLiteral("Validation failed") : message, &out);
    } else if (name == u"complete") {
        out.events.append(StepEvent {StepName::Complete, StepEvent::Status::Complete, message});
        out.events.append(ProgressEvent {100, message});
        const QString summary = stringField(fields, {"summary", "message"});
        chatLine(summary.isEmpty() ? QStringLiteral("✓ API generated successfully!") : summary,
                 &out);
        out.events.append(SessionEvent {SessionEvent::Type::Complete, {}});
    } else if (name == u"error") {
        const QString error = stringField(fields, {"error", "message"});
        out.events.append(SessionEvent {SessionEvent::Type::Error,
                                        error.isEmpty() ? QStringLiteral("unknown error") : error});
    } else if (name == u"progress") {
        // Progress alone is handled below.
    } else if (name == u"heartbeat" || name == u"ping" || name == u"connected") {
        return out;
    } else {
        out.warnings.append(QStringLiteral("smart-forge: ignored unknown event \"%1\"").arg(name));
        return out;
    }
    // "Emits progress updates during AI generation": any event may carry a percentage.
    if (name != u"complete") {
        if (const auto percent = percentField(fields, {"progress", "percent", "percentage"}))
            out.events.append(ProgressEvent {*percent, message});
    }
    return out;
}

} // namespace inkstream::core
