#include "core/protocol/writingflowdecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace inkstream::core {

namespace {

QString blockFileName(const QString &blockId)
{
    return blockId + QStringLiteral(".md");
}

} // namespace

DialectOutput WritingFlowDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    const std::optional<QJsonObject> parsed
        = parseObject(frame, dialectText(Dialect::WritingFlow), &out);
    if (!parsed)
        return out;
    const QJsonObject &object = *parsed;
    if (object.value(QStringLiteral("blockId")).isString())
        generation(object, &out);
    else if (object.value(QStringLiteral("step")).isString())
        autopilot(object, &out);
    else if (frame.type != "heartbeat" && frame.type != "ping")
        out.warnings.append(QStringLiteral("writing-flow: ignored a frame with neither \"step\" "
                                           "nor \"blockId\": %1")
                                .arg(QString::fromUtf8(frame.data.left(80))));
    return out;
}

bool WritingFlowDecoder::workDone() const
{
    return m_autopilotEnded || (!m_blocks.isEmpty() && m_endedBlocks.size() == m_blocks.size());
}

void WritingFlowDecoder::autopilot(const QJsonObject &object, DialectOutput *out)
{
    const QString step = object.value(QStringLiteral("step")).toString();
    const QString message = object.value(QStringLiteral("message")).toString();
    QString detail = message;
    const QJsonObject stats = object.value(QStringLiteral("stats")).toObject();
    if (!stats.isEmpty())
        detail = QStringLiteral("%1%2 hits, %3 verified, %4 sections")
                     .arg(message.isEmpty() ? QString() : message + QStringLiteral(": "))
                     .arg(stats.value(QStringLiteral("hits")).toInt())
                     .arg(stats.value(QStringLiteral("verified")).toInt())
                     .arg(stats.value(QStringLiteral("sections")).toInt());
    if (step == u"error") {
        m_autopilotEnded = true;
        m_sourceSteps.failActive(message, out);
        out->events.append(
            SessionEvent {SessionEvent::Type::Error,
                          message.isEmpty() ? QStringLiteral("autopilot failed") : message});
        return;
    }
    // search and strategy plan the document, outline starts writing it, done completes it.
    std::optional<StepName> name;
    if (step == u"search" || step == u"strategy")
        name = StepName::Planning;
    else if (step == u"outline")
        name = StepName::Generating;
    else if (step == u"done")
        name = StepName::Complete;
    if (!name) {
        out->warnings.append(QStringLiteral("writing-flow: ignored unknown step \"%1\"").arg(step));
        return;
    }
    if (m_steps.advanceTo(*name, detail, out) && !message.isEmpty())
        chatLine(message, out);
    if (*name == StepName::Complete)
        m_sourceSteps.completeActive(out);
    else if (!m_sourceSteps.enter(step, *name, detail, out) && !detail.isEmpty())
        out->events.append(StepEvent {*name, StepEvent::Status::Start, detail, step}); // new stats
    if (const std::optional<int> progress = percent(object.value(QStringLiteral("progress"))))
        out->events.append(ProgressEvent {*progress, detail});
    if (*name == StepName::Complete) {
        m_autopilotEnded = true;
        const QString docId = object.value(QStringLiteral("docId")).toString();
        if (!docId.isEmpty())
            chatLine(QStringLiteral("Document %1 is ready").arg(docId), out);
        out->events.append(SessionEvent {SessionEvent::Type::Complete, {}});
    }
}

void WritingFlowDecoder::generation(const QJsonObject &object, DialectOutput *out)
{
    const QString blockId = object.value(QStringLiteral("blockId")).toString();
    if (blockId.isEmpty()) {
        out->warnings.append(QStringLiteral("writing-flow: ignored a block with an empty id"));
        return;
    }
    if (m_endedBlocks.contains(blockId)) {
        ++out->duplicates; // the block is over: this is the stream sent again
        return;
    }
    CodeEvent code;
    code.fileName = blockFileName(blockId);
    if (!m_blocks.contains(blockId)) {
        m_blocks.insert(blockId);
        code.type = CodeEvent::Type::Start;
        out->events.append(code);
    }
    const QString delta = object.value(QStringLiteral("delta")).toString();
    if (!delta.isEmpty()) {
        code.type = CodeEvent::Type::Delta;
        code.delta = delta;
        out->events.append(code);
        code.delta.clear();
    }
    QStringList cites;
    for (const QJsonValue cite : object.value(QStringLiteral("cites")).toArray())
        cites.append(QStringLiteral("[%1] %2").arg(
            cite.toObject().value(QStringLiteral("key")).toString(),
            cite.toObject().value(QStringLiteral("source")).toString()));
    if (!cites.isEmpty())
        chatLine(
            QStringLiteral("Sources for %1: %2").arg(blockId, cites.join(QStringLiteral("; "))),
            out);
    const QString error = object.value(QStringLiteral("error")).toString();
    if (!error.isEmpty()) {
        code.type = CodeEvent::Type::Error;
        code.error = error;
        out->events.append(code);
        m_endedBlocks.insert(blockId);
    } else if (object.value(QStringLiteral("done")).toBool()) {
        code.type = CodeEvent::Type::Complete;
        out->events.append(code);
        m_endedBlocks.insert(blockId);
    }
}

} // namespace inkstream::core
