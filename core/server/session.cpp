#include "core/server/session.h"

#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"
#include "core/server/catchupreader.h"
#include "core/server/filestreamer.h"
#include "core/server/serverlog.h"
#include "core/server/sessionhub.h"

#include <QJsonArray>
#include <QPointer>

namespace inkstream::core {

namespace {

// UTF-16 units per delta event: even escaped as \u00XX (6 bytes each) the event stays under
// Session::kMaxEventBytes with room for a 1,024-character file name.
constexpr qsizetype kMaxDeltaUnits = 32 * 1024;
// Free text of other events (details, errors) is cut to this many units if it would not fit.
constexpr qsizetype kMaxTextUnits = 16 * 1024;

// Splits text into pieces of at most kMaxDeltaUnits, never between the halves of a surrogate
// pair.
QList<QString> splitText(const QString &text)
{
    QList<QString> pieces;
    qsizetype from = 0;
    while (from < text.size()) {
        qsizetype length = std::min(kMaxDeltaUnits, text.size() - from);
        if (from + length < text.size() && text.at(from + length - 1).isHighSurrogate())
            --length;
        pieces.append(text.mid(from, length));
        from += length;
    }
    return pieces;
}

void cut(QString *text)
{
    if (text->size() > kMaxTextUnits) {
        text->truncate(kMaxTextUnits - 1);
        if (text->back().isHighSurrogate())
            text->chop(1);
        text->append(QChar(0x2026)); // …
    }
}

QByteArrayView jsonOfFrame(const QByteArray &frame)
{
    const qsizetype start = frame.indexOf("\ndata: ") + 7;
    return QByteArrayView(frame).sliced(start, frame.size() - start - 2);
}

} // namespace

Session::Session(const QString &id, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_model(new SessionModel(this))
    , m_log(new SessionLog(this))
    , m_createdAt(QDateTime::currentDateTimeUtc())
{
    m_log->openInMemory(id, SessionHub::generateId());
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &Session::flushLog);
}

Session::~Session()
{
    disconnect(m_pendingCompletion);
}

bool Session::createLog(const QString &path, SessionLog::Fsync fsync, const QString &source,
                        QString *error)
{
    Q_ASSERT(m_lastSequence == 0);
    auto *log = new SessionLog(this);
    log->setFsyncPolicy(fsync);
    log->setCacheSize(m_log->cacheSize());
    if (!log->create(path, m_id, m_log->epoch(), source, error)) {
        delete log;
        return false;
    }
    delete m_log;
    m_log = log;
    return true;
}

bool Session::restoreLog(const QString &path, SessionLog::Fsync fsync, QString *error,
                         QStringList *warnings)
{
    Q_ASSERT(m_lastSequence == 0);
    auto *log = new SessionLog(this);
    log->setFsyncPolicy(fsync);
    log->setCacheSize(m_log->cacheSize());
    // Typing state: what was accepted and not yet typed, in order, and a completion that waited.
    QList<QJsonObject> accepted;
    qint64 lastAcceptId = 0;
    std::optional<SessionEvent> pendingCompletion;
    SessionLog::Visitor visitor;
    visitor.event = [this, &pendingCompletion](const Event &event) {
        m_model->apply(event);
        m_lastSequence = event.sequence;
        if (std::holds_alternative<SessionEvent>(event.payload))
            pendingCompletion.reset();
    };
    visitor.record = [&](const QString &kind, const QJsonObject &value) {
        const qint64 id = value.value(QStringLiteral("id")).toInteger();
        if (kind == u"accept") {
            accepted.append(value);
            lastAcceptId = std::max(lastAcceptId, id);
        } else if (kind == u"typed") {
            accepted.removeIf([id](const QJsonObject &file) {
                return file.value(QStringLiteral("id")).toInteger() == id;
            });
        } else if (kind == u"completeWhenIdle") {
            SessionEvent completion;
            const QString reason = value.value(QStringLiteral("error")).toString();
            if (!reason.isEmpty()) {
                completion.type = SessionEvent::Type::Error;
                completion.error = reason;
            }
            pendingCompletion = completion;
        }
    };
    if (!log->recover(path, m_id, visitor, error, warnings)) {
        delete log;
        m_model->clear();
        m_lastSequence = 0;
        return false;
    }
    delete m_log;
    m_log = log;
    qCInfo(lcServer, "session %s: restored %llu events from %s (%lld files still to type)",
           qPrintable(m_id), static_cast<unsigned long long>(m_lastSequence), qPrintable(path),
           static_cast<long long>(accepted.size()));
    fileStreamer()->restore(accepted, lastAcceptId);
    if (pendingCompletion)
        completeWhenIdle(*pendingCompletion);
    return true;
}

Event Session::publish(const EventPayload &payload)
{
    if (std::holds_alternative<ConnectedEvent>(payload)
        || std::holds_alternative<SnapshotEvent>(payload)
        || std::holds_alternative<ShutdownEvent>(payload)) {
        qCWarning(lcServer, "session %s: a %s event is per subscriber and is not published",
                  qPrintable(m_id), qPrintable(eventName(payload)));
        return Event {0, m_id, payload};
    }
    if (!isWritable()) {
        qCWarning(lcServer, "session %s: a %s event was not published: %s", qPrintable(m_id),
                  qPrintable(eventName(payload)), qPrintable(m_log->errorString()));
        return Event {0, m_id, payload};
    }
    Event last;
    for (EventPayload &piece : bounded(payload))
        last = publishOne(std::move(piece));
    return last;
}

// The events that carry `payload` within kMaxEventBytes each.
QList<EventPayload> Session::bounded(const EventPayload &payload) const
{
    if (const auto *code = std::get_if<CodeEvent>(&payload)) {
        if (code->type == CodeEvent::Type::Delta && code->delta.size() > kMaxDeltaUnits) {
            QList<EventPayload> pieces;
            TextPosition position = code->position;
            for (const QString &text : splitText(code->delta)) {
                CodeEvent piece = *code;
                piece.delta = text;
                piece.position = position;
                position = advancePosition(position, text);
                pieces.append(piece);
            }
            return pieces;
        }
        if (code->type == CodeEvent::Type::Complete && code->hasFullContent
            && code->fullContent.size() > kMaxDeltaUnits) {
            const int index = m_model->fileIndex(code->fileName);
            if (index < 0 || m_model->files().at(index).content != code->fullContent) {
                // A correction too large for one event: the file is written again.
                CodeEvent start;
                start.type = CodeEvent::Type::Start;
                start.fileName = code->fileName;
                start.language = index >= 0 ? m_model->files().at(index).language : QString();
                QList<EventPayload> pieces {start};
                TextPosition position;
                for (const QString &text : splitText(code->fullContent)) {
                    CodeEvent delta;
                    delta.type = CodeEvent::Type::Delta;
                    delta.fileName = code->fileName;
                    delta.delta = text;
                    delta.position = position;
                    delta.hasPosition = true;
                    position = advancePosition(position, text);
                    pieces.append(delta);
                }
                CodeEvent complete = *code;
                complete.fullContent.clear();
                complete.hasFullContent = false;
                pieces.append(complete);
                return pieces;
            }
        }
        if (code->error.size() > kMaxTextUnits) {
            CodeEvent shortened = *code;
            cut(&shortened.error);
            return {shortened};
        }
    } else if (const auto *chat = std::get_if<ChatEvent>(&payload)) {
        if (chat->delta.size() > kMaxDeltaUnits) {
            QList<EventPayload> pieces;
            bool first = true;
            for (const QString &text : splitText(chat->delta)) {
                ChatEvent piece = *chat;
                piece.delta = text;
                if (!first && piece.type == ChatEvent::Type::Start)
                    piece.type = ChatEvent::Type::Delta;
                first = false;
                pieces.append(piece);
            }
            if (chat->type == ChatEvent::Type::Complete) {
                // The text goes out as deltas, the completion last.
                for (qsizetype i = 0; i + 1 < pieces.size(); ++i)
                    std::get<ChatEvent>(pieces[i]).type = ChatEvent::Type::Delta;
            }
            return pieces;
        }
    } else if (const auto *step = std::get_if<StepEvent>(&payload)) {
        if (step->detail.size() > kMaxTextUnits) {
            StepEvent shortened = *step;
            cut(&shortened.detail);
            return {shortened};
        }
    } else if (const auto *progress = std::get_if<ProgressEvent>(&payload)) {
        if (progress->detail.size() > kMaxTextUnits) {
            ProgressEvent shortened = *progress;
            cut(&shortened.detail);
            return {shortened};
        }
    } else if (const auto *session = std::get_if<SessionEvent>(&payload)) {
        if (session->error.size() > kMaxTextUnits) {
            SessionEvent shortened = *session;
            cut(&shortened.error);
            return {shortened};
        }
    } else if (const auto *usage = std::get_if<UsageEvent>(&payload)) {
        if (usage->stopReason.size() > kMaxTextUnits || usage->messageId.size() > kMaxTextUnits) {
            UsageEvent shortened = *usage;
            cut(&shortened.stopReason);
            cut(&shortened.messageId);
            return {shortened};
        }
    }
    return {payload};
}

// Where the event's text starts in what the model holds: viewers skip what they already have.
void Session::stampOffset(EventPayload *payload) const
{
    if (auto *code = std::get_if<CodeEvent>(payload)) {
        if (code->type == CodeEvent::Type::Delta) {
            const int index = m_model->fileIndex(code->fileName);
            code->offset = index >= 0 ? m_model->files().at(index).content.size() : 0;
        }
    } else if (auto *chat = std::get_if<ChatEvent>(payload)) {
        if (!chat->delta.isEmpty()) {
            const auto &messages = m_model->chat();
            const auto found
                = std::find_if(messages.cbegin(), messages.cend(),
                               [&](const ChatMessage &m) { return m.id == chat->messageId; });
            chat->offset = found != messages.cend() ? found->text.size() : 0;
        } else {
            chat->offset = -1;
        }
    }
}

Event Session::publishOne(EventPayload payload)
{
    stampOffset(&payload);
    // A `complete` that repeats what the deltas built carries nothing the log needs; the live
    // frame keeps it for seed 000's clients when it fits.
    bool redundantContent = false;
    if (const auto *code = std::get_if<CodeEvent>(&payload);
        code && code->type == CodeEvent::Type::Complete && code->hasFullContent) {
        const int index = m_model->fileIndex(code->fileName);
        redundantContent = index >= 0 && m_model->files().at(index).content == code->fullContent;
    }
    Event event {++m_lastSequence, m_id, std::move(payload)};
    // The viewers apply the same event to the same model class; a rejection here means theirs
    // rejects it too, so it still goes out (keeping sequences gap-free) but is logged.
    if (!m_model->apply(event)) {
        qCWarning(lcServer, "session %s: event %llu (%s) was not applicable to the model",
                  qPrintable(m_id), static_cast<unsigned long long>(event.sequence),
                  qPrintable(eventName(event.payload)));
    }
    QByteArray frame = EventCodec::encodeSse(event);
    if (redundantContent) {
        Event logged = event;
        auto &code = std::get<CodeEvent>(logged.payload);
        code.fullContent.clear();
        code.hasFullContent = false;
        const QByteArray json = EventCodec::encodeJson(logged);
        m_log->appendEvent(logged, json);
        if (frame.size() > kMaxEventBytes) {
            event = logged;
            frame = EventCodec::encodeSse(event);
        }
    } else {
        m_log->appendEvent(event, jsonOfFrame(frame));
    }
    scheduleFlush();

    if (m_emitting) {
        m_pending.append({event, std::move(frame)});
        return event;
    }
    const QPointer<Session> self(this);
    m_emitting = true;
    Q_EMIT eventPublished(event, frame);
    while (self && !m_pending.isEmpty()) {
        const auto next = m_pending.takeFirst();
        Q_EMIT eventPublished(next.first, next.second);
    }
    if (self)
        m_emitting = false;
    return event;
}

void Session::scheduleFlush()
{
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_flushScheduled = false;
            flushLog();
        },
        Qt::QueuedConnection);
}

bool Session::flushLog()
{
    const bool wasFailing = m_log->hasFailed();
    if (m_log->flush()) {
        m_retryTimer.stop();
        if (wasFailing)
            Q_EMIT logWritable();
        return true;
    }
    if (!m_retryTimer.isActive())
        m_retryTimer.start(std::chrono::seconds(1));
    return false;
}

void Session::appendRecord(QByteArrayView kind, const QJsonObject &value)
{
    m_log->appendRecord(kind, value);
    scheduleFlush();
}

void Session::whenDurable(QObject *context, std::function<void()> done)
{
    m_log->whenDurable(context, std::move(done));
}

FileStreamer *Session::fileStreamer()
{
    if (!m_fileStreamer)
        m_fileStreamer = new FileStreamer(this, this);
    return m_fileStreamer;
}

bool Session::completeWhenIdle(const SessionEvent &event)
{
    FileStreamer *streamer = fileStreamer();
    if (streamer->isIdle()) {
        disconnect(m_pendingCompletion);
        publish(event);
        return false;
    }
    if (m_pendingCompletion)
        return true; // the first request stands
    QJsonObject record;
    if (event.type == SessionEvent::Type::Error)
        record.insert(QStringLiteral("error"), event.error);
    appendRecord("completeWhenIdle", record);
    m_pendingCompletion = connect(streamer, &FileStreamer::idle, this, [this, event] {
        disconnect(m_pendingCompletion);
        m_pendingCompletion = {};
        publish(event);
    });
    return true;
}

QJsonObject Session::snapshot() const
{
    QJsonObject state = m_model->toSnapshot();
    state.insert(QStringLiteral("sessionId"), m_id);
    state.insert(QStringLiteral("lastSequence"), qint64(m_lastSequence));
    return state;
}

Event Session::snapshotEvent() const
{
    return Event {m_lastSequence, m_id, SnapshotEvent {snapshot()}};
}

void Session::setBufferSize(int events)
{
    m_log->setCacheSize(events);
}

std::unique_ptr<CatchUpReader> Session::catchUpAfter(quint64 sequence) const
{
    return std::make_unique<CatchUpReader>(m_log, std::min(sequence, m_lastSequence));
}

} // namespace inkstream::core
