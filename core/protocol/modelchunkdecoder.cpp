#include "core/protocol/modelchunkdecoder.h"

#include <QJsonDocument>
#include <QJsonValue>

namespace inkstream::core {

namespace {

const QString kChunk = QStringLiteral("model:chunk");
const QString kProgress = QStringLiteral("job:progress");
const QString kCompleted = QStringLiteral("job:completed");
const QString kFailed = QStringLiteral("job:failed");

// The seed's metadata.step values, as tracker steps.
std::optional<StepName> trackerStep(const QString &step)
{
    if (step == u"thinking" || step == u"searching" || step == u"planning")
        return StepName::Planning;
    if (step == u"writing" || step == u"generating")
        return StepName::Generating;
    if (step == u"validating" || step == u"checking")
        return StepName::Validating;
    return std::nullopt;
}

QString preview(const QByteArray &data)
{
    return QString::fromUtf8(data.left(80));
}

} // namespace

ModelChunkDecoder::ModelChunkDecoder(CodeBlockExtractor::ExtensionResolver resolver)
    : m_resolver(resolver)
{ }

bool ModelChunkDecoder::isEventName(QStringView name)
{
    return name == kChunk || name == kProgress || name == kCompleted || name == kFailed;
}

DialectOutput ModelChunkDecoder::decode(const SseEvent &frame)
{
    DialectOutput out;
    if (m_finished)
        return out;
    const std::optional<QJsonObject> parsed
        = parseObject(frame, dialectText(Dialect::ModelChunk), &out);
    if (!parsed)
        return out;
    const QJsonObject &object = *parsed;
    // Data-only frames name their event in a member; a Socket.IO or named SSE event in the
    // frame's type. Without either, the members tell.
    QString event = QString::fromUtf8(frame.type);
    if (event.isEmpty() || event == u"message") {
        event = object.value(QStringLiteral("type")).toString();
        if (event.isEmpty())
            event = object.value(QStringLiteral("event")).toString();
        if (event.isEmpty() && object.value(QStringLiteral("chunk")).isString())
            event = kChunk;
        else if (event.isEmpty() && object.value(QStringLiteral("progress")).isDouble())
            event = kProgress;
    }
    if (event == kChunk)
        chunk(object, &out);
    else if (event == kProgress)
        progress(object, &out);
    else if (event == kCompleted)
        completed(object, &out);
    else if (event == kFailed)
        failed(object, &out);
    else if (event != u"ping" && event != u"heartbeat" && event != u"connected")
        out.warnings.append(QStringLiteral("model-chunk: ignored an unknown event \"%1\": %2")
                                .arg(event, preview(frame.data)));
    return out;
}

ModelChunkDecoder::Job *ModelChunkDecoder::job(const QJsonObject &object, const QString &event,
                                               DialectOutput *out)
{
    const QJsonValue id = object.value(QStringLiteral("jobId"));
    const QString jobId = id.isDouble() ? QString::number(id.toInteger()) : id.toString();
    if (jobId.isEmpty()) {
        out->warnings.append(
            QStringLiteral("model-chunk: ignored a %1 without \"jobId\"").arg(event));
        return nullptr;
    }
    return &m_jobs.try_emplace(jobId, m_resolver, jobId, m_snippetNumbers).first->second;
}

void ModelChunkDecoder::chunk(const QJsonObject &object, DialectOutput *out)
{
    Job *current = job(object, kChunk, out);
    if (!current)
        return;
    const QJsonValue sequence = object.value(QStringLiteral("sequence"));
    if (sequence.isDouble()) {
        const qint64 number = sequence.toInteger();
        if (number <= current->lastSequence || current->completed) {
            ++out->duplicates;
            return;
        }
        if (current->lastSequence > 0 && number > current->lastSequence + 1)
            out->warnings.append(
                QStringLiteral("model-chunk: job %1 skipped chunks %2 to %3 (the server did not "
                               "send them)")
                    .arg(object.value(QStringLiteral("jobId")).toVariant().toString())
                    .arg(current->lastSequence + 1)
                    .arg(number - 1));
        current->lastSequence = number;
    } else if (current->completed) {
        ++out->duplicates;
        return;
    }
    const QString step = object.value(QStringLiteral("metadata"))
                             .toObject()
                             .value(QStringLiteral("step"))
                             .toString();
    const std::optional<StepName> tracker = trackerStep(step);
    if (tracker) {
        m_steps.advanceTo(*tracker, step, out);
        m_sourceSteps.enter(step, *tracker, {}, out);
    } else if (!m_steps.current())
        m_steps.advanceTo(StepName::Generating, {}, out);
    current->reply.appendText(object.value(QStringLiteral("chunk")).toString(), out);
}

void ModelChunkDecoder::progress(const QJsonObject &object, DialectOutput *out)
{
    if (!job(object, kProgress, out))
        return;
    const QString step = object.value(QStringLiteral("step")).toString();
    if (const std::optional<StepName> tracker = trackerStep(step)) {
        m_steps.advanceTo(*tracker, step, out);
        m_sourceSteps.enter(step, *tracker, {}, out);
    }
    if (const std::optional<int> progress = percent(object.value(QStringLiteral("progress"))))
        out->events.append(ProgressEvent {*progress, step});
}

void ModelChunkDecoder::completed(const QJsonObject &object, DialectOutput *out)
{
    Job *current = job(object, kCompleted, out);
    if (!current)
        return;
    if (current->completed) {
        ++out->duplicates;
        return;
    }
    // A job that streamed nothing may still carry its answer whole.
    const QJsonValue result = object.value(QStringLiteral("result"));
    if (!current->reply.hasText() && result.isString())
        current->reply.appendText(result.toString(), out);
    current->reply.finishReply(out);
    current->completed = true;
    finishSessionIfDone(out);
}

void ModelChunkDecoder::failed(const QJsonObject &object, DialectOutput *out)
{
    Job *current = job(object, kFailed, out);
    if (!current)
        return;
    QString error = object.value(QStringLiteral("error")).toString();
    if (error.isEmpty())
        error = object.value(QStringLiteral("message")).toString();
    if (error.isEmpty())
        error = QStringLiteral("the job failed");
    current->reply.finishReply(out);
    current->completed = true;
    m_finished = true;
    m_sourceSteps.failActive(error, out);
    out->events.append(SessionEvent {SessionEvent::Type::Error, error});
}

void ModelChunkDecoder::finishSessionIfDone(DialectOutput *out)
{
    for (const auto &[id, job] : m_jobs) {
        if (!job.completed)
            return;
    }
    m_steps.advanceTo(StepName::Complete, {}, out);
    m_sourceSteps.completeActive(out);
    out->events.append(SessionEvent {SessionEvent::Type::Complete, {}});
    m_finished = true;
}

DialectOutput ModelChunkDecoder::finish()
{
    // A one-shot stream that closes ends its jobs with what arrived.
    DialectOutput out;
    if (m_finished || m_jobs.empty())
        return out;
    for (auto &[id, job] : m_jobs) {
        if (!job.completed) {
            out.warnings.append(
                QStringLiteral("model-chunk: the stream ended before job %1 completed").arg(id));
            job.reply.finishReply(&out);
            job.completed = true;
        }
    }
    finishSessionIfDone(&out);
    return out;
}

} // namespace inkstream::core
