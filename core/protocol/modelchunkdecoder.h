#pragma once

#include "core/protocol/chatreplybuilder.h"
#include "core/protocol/dialectdecoder.h"
#include "core/protocol/sourcesteptracker.h"
#include "core/protocol/steptracker.h"

#include <QJsonObject>
#include <map>
#include <memory>

namespace inkstream::core {

// Seed 003 ("model-chunk"): `model:chunk` {jobId, chunk, sequence, timestamp, metadata?: {step,
// model, tokens_per_sec}} streams a job's reply token by token, `job:progress` {jobId,
// progress, step?} moves the tracker, `job:completed` {jobId, result?} ends the job. The event
// name travels as the SSE `event:` field, as a Socket.IO event name, or as a `type` member of
// data-only frames. Each job is one assistant reply (its fenced code blocks become files); a
// chunk whose sequence the job already had is dropped as a duplicate (a Socket.IO server
// replays its history after a reconnect), a jump is reported. The session completes when
// every job it saw has completed.
class ModelChunkDecoder final : public DialectDecoder
{
public:
    explicit ModelChunkDecoder(CodeBlockExtractor::ExtensionResolver resolver = nullptr);
    Dialect dialect() const override { return Dialect::ModelChunk; }
    DialectOutput decode(const SseEvent &frame) override;
    DialectOutput finish() override;
    bool isFinished() const override { return m_finished; }

    // Whether `name` is one of the seed's event names.
    static bool isEventName(QStringView name);

private:
    struct Job
    {
        Job(CodeBlockExtractor::ExtensionResolver resolver, const QString &id,
            std::shared_ptr<int> snippetNumbers)
            : reply(resolver, id)
        {
            reply.setDrivesTracker(false); // the decoder's StepTracker follows the job steps
            reply.shareSnippetNumbers(std::move(snippetNumbers)); // jobs may stream at once
        }
        ChatReplyBuilder reply;
        qint64 lastSequence = 0;
        bool completed = false;
    };

    Job *job(const QJsonObject &object, const QString &event, DialectOutput *out);
    void chunk(const QJsonObject &object, DialectOutput *out);
    void progress(const QJsonObject &object, DialectOutput *out);
    void completed(const QJsonObject &object, DialectOutput *out);
    void failed(const QJsonObject &object, DialectOutput *out);
    void finishSessionIfDone(DialectOutput *out);

    CodeBlockExtractor::ExtensionResolver m_resolver;
    std::map<QString, Job> m_jobs;
    std::shared_ptr<int> m_snippetNumbers = std::make_shared<int>(0);
    StepTracker m_steps;
    SourceStepTracker m_sourceSteps; // thinking, searching, writing as the seed names them
    bool m_finished = false;
};

} // namespace inkstream::core
