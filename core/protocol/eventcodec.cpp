#include "core/protocol/eventcodec.h"

#include "core/protocol/eventfieldreader.h"
#include "core/protocol/jsonwriter.h"
#include "core/protocol/protocollog.h"
#include "core/protocol/utf8.h"
#include "core/protocol/wirenames.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>
#include <type_traits>

namespace inkstream::core {

namespace {

using namespace wire;

void writeEvent(JsonWriter &w, const Event &event)
{
    w.beginObject();
    w.key("seq");
    w.number(event.sequence);
    if (event.firstSequence != 0 && event.firstSequence < event.sequence) {
        w.key("from");
        w.number(event.firstSequence);
    }
    w.key("event");
    w.asciiString(kEventNames[event.payload.index()]);
    w.key("sessionId");
    w.string(event.sessionId);

    struct Visitor
    {
        JsonWriter &w;
        void operator()(const ConnectedEvent &e) const
        {
            w.key("clientId");
            w.string(e.clientId);
            if (!e.epoch.isEmpty()) {
                w.key("epoch");
                w.string(e.epoch);
                w.key("lastSequence");
                w.number(e.lastSequence);
                w.key("resumeAfter");
                w.number(e.resumeAfter);
            }
        }
        void operator()(const CodeEvent &e) const
        {
            w.key("fileName");
            w.string(e.fileName);
            w.key("type");
            w.asciiString(nameAt(kCodeTypes, e.type));
            if (e.type == CodeEvent::Type::Delta || !e.delta.isEmpty()) {
                w.key("delta");
                w.string(e.delta);
            }
            if (e.offset >= 0) {
                w.key("offset");
                w.number(static_cast<quint64>(e.offset));
            }
            if (e.hasPosition) {
                w.key("position");
                w.beginObject();
                w.key("line");
                w.number(static_cast<quint64>(std::max(0, e.position.line)));
                w.key("column");
                w.number(static_cast<quint64>(std::max(0, e.position.column)));
                w.endObject();
            }
            if (e.hasFullContent) {
                w.key("fullContent");
                w.string(e.fullContent);
            }
            if (e.type == CodeEvent::Type::Error || !e.error.isEmpty()) {
                w.key("error");
                w.string(e.error);
            }
            if (!e.language.isEmpty()) {
                w.key("language");
                w.string(e.language);
            }
        }
        void operator()(const StepEvent &e) const
        {
            w.key("step");
            w.asciiString(nameAt(kStepNames, e.step));
            w.key("status");
            w.asciiString(nameAt(kStepStatuses, e.status));
            if (!e.detail.isEmpty()) {
                w.key("detail");
                w.string(e.detail);
            }
            if (!e.source.isEmpty()) {
                w.key("source");
                w.string(e.source);
            }
        }
        void operator()(const ProgressEvent &e) const
        {
            w.key("percent");
            w.number(static_cast<quint64>(std::clamp(e.percent, 0, 100)));
            if (!e.detail.isEmpty()) {
                w.key("detail");
                w.string(e.detail);
            }
        }
        void operator()(const ChatEvent &e) const
        {
            w.key("messageId");
            w.string(e.messageId);
            w.key("role");
            w.asciiString(nameAt(kChatRoles, e.role));
            w.key("type");
            w.asciiString(nameAt(kChatTypes, e.type));
            if (e.type == ChatEvent::Type::Delta || !e.delta.isEmpty()) {
                w.key("delta");
                w.string(e.delta);
            }
            if (e.offset >= 0) {
                w.key("offset");
                w.number(static_cast<quint64>(e.offset));
            }
        }
        void operator()(const SessionEvent &e) const
        {
            w.key("type");
            w.asciiString(nameAt(kSessionTypes, e.type));
            if (e.type == SessionEvent::Type::Error || !e.error.isEmpty()) {
                w.key("error");
                w.string(e.error);
            }
        }
        void operator()(const SnapshotEvent &e) const
        {
            w.key("state");
            w.rawBytes(QJsonDocument(e.state).toJson(QJsonDocument::Compact));
        }
        void operator()(const ShutdownEvent &e) const
        {
            w.key("reason");
            w.string(e.reason);
        }
        void operator()(const UsageEvent &e) const
        {
            if (!e.messageId.isEmpty()) {
                w.key("messageId");
                w.string(e.messageId);
            }
            if (!e.stopReason.isEmpty()) {
                w.key("stopReason");
                w.string(e.stopReason);
            }
            if (e.inputTokens >= 0) {
                w.key("inputTokens");
                w.number(static_cast<quint64>(e.inputTokens));
            }
            if (e.outputTokens >= 0) {
                w.key("outputTokens");
                w.number(static_cast<quint64>(e.outputTokens));
            }
        }
    };
    std::visit(Visitor {w}, event.payload);
    w.endObject();
}

constexpr qint64 kMaxCoordinate = std::numeric_limits<int>::max();
constexpr qint64 kMaxSequenceValue = qint64(EventCodec::kMaxSequence);

template<typename Object>
bool readPayload(FieldReader<Object> &r, EventKind kind, EventPayload *out)
{
    switch (kind) {
    case EventKind::Connected: {
        ConnectedEvent e;
        r.string(QLatin1String("clientId"), &e.clientId, true);
        r.string(QLatin1String("epoch"), &e.epoch, false);
        qint64 last = 0;
        qint64 resumeAfter = 0;
        r.integer(QLatin1String("lastSequence"), 0, kMaxSequenceValue, &last, false);
        r.integer(QLatin1String("resumeAfter"), 0, kMaxSequenceValue, &resumeAfter, false);
        e.lastSequence = quint64(last);
        e.resumeAfter = quint64(resumeAfter);
        *out = std::move(e);
        break;
    }
    case EventKind::Code: {
        CodeEvent e;
        r.string(QLatin1String("fileName"), &e.fileName, true, true);
        r.enumeration(QLatin1String("type"), kCodeTypes, &e.type);
        r.string(QLatin1String("delta"), &e.delta, r.ok() && e.type == CodeEvent::Type::Delta);
        r.integer(QLatin1String("offset"), 0, kMaxSequenceValue, &e.offset, false);
        Object position;
        if (r.object(QLatin1String("position"), &position, false, &e.hasPosition)
            && e.hasPosition) {
            qint64 line = 0;
            qint64 column = 0;
            r.integerIn(position, QLatin1String("line"), 0, kMaxCoordinate, &line, true);
            r.integerIn(position, QLatin1String("column"), 0, kMaxCoordinate, &column, true);
            e.position = TextPosition {int(line), int(column)};
        }
        r.string(QLatin1String("fullContent"), &e.fullContent, false, false, &e.hasFullContent);
        r.string(QLatin1String("error"), &e.error, false);
        r.string(QLatin1String("language"), &e.language, false);
        *out = std::move(e);
        break;
    }
    case EventKind::Step: {
        StepEvent e;
        r.enumeration(QLatin1String("step"), kStepNames, &e.step);
        r.enumeration(QLatin1String("status"), kStepStatuses, &e.status);
        r.string(QLatin1String("detail"), &e.detail, false);
        r.string(QLatin1String("source"), &e.source, false);
        *out = std::move(e);
        break;
    }
    case EventKind::Progress: {
        ProgressEvent e;
        qint64 percent = 0;
        r.integer(QLatin1String("percent"), 0, 100, &percent, true);
        e.percent = int(percent);
        r.string(QLatin1String("detail"), &e.detail, false);
        *out = std::move(e);
        break;
    }
    case EventKind::Chat: {
        ChatEvent e;
        r.string(QLatin1String("messageId"), &e.messageId, true, true);
        r.enumeration(QLatin1String("role"), kChatRoles, &e.role);
        r.enumeration(QLatin1String("type"), kChatTypes, &e.type);
        r.string(QLatin1String("delta"), &e.delta, r.ok() && e.type == ChatEvent::Type::Delta);
        r.integer(QLatin1String("offset"), 0, kMaxSequenceValue, &e.offset, false);
        *out = std::move(e);
        break;
    }
    case EventKind::Session: {
        SessionEvent e;
        r.enumeration(QLatin1String("type"), kSessionTypes, &e.type);
        r.string(QLatin1String("error"), &e.error, false);
        *out = std::move(e);
        break;
    }
    case EventKind::Snapshot: {
        // Snapshots hold arrays: only the QJsonDocument path reads them.
        if constexpr (std::is_same_v<Object, QJsonObject>) {
            SnapshotEvent e;
            r.object(QLatin1String("state"), &e.state, true);
            *out = std::move(e);
            break;
        } else {
            return false;
        }
    }
    case EventKind::Shutdown: {
        ShutdownEvent e;
        r.string(QLatin1String("reason"), &e.reason, false);
        *out = std::move(e);
        break;
    }
    case EventKind::Usage: {
        UsageEvent e;
        r.string(QLatin1String("messageId"), &e.messageId, false);
        r.string(QLatin1String("stopReason"), &e.stopReason, false);
        r.integer(QLatin1String("inputTokens"), 0, kMaxSequenceValue, &e.inputTokens, false);
        r.integer(QLatin1String("outputTokens"), 0, kMaxSequenceValue, &e.outputTokens, false);
        *out = std::move(e);
        break;
    }
    default:
        Q_UNREACHABLE();
    }
    return r.ok();
}

EventKind kindOf(QByteArrayView name)
{
    for (std::size_t i = 0; i < kEventNames.size(); ++i) {
        if (name == QByteArrayView(kEventNames[i].data(), qsizetype(kEventNames[i].size())))
            return EventKind(i);
    }
    return EventKind::Unknown;
}

EventKind kindOf(QStringView name)
{
    for (std::size_t i = 0; i < kEventNames.size(); ++i) {
        if (name == QLatin1String(kEventNames[i].data(), qsizetype(kEventNames[i].size())))
            return EventKind(i);
    }
    return EventKind::Unknown;
}

std::string_view wireName(EventKind kind)
{
    return nameAt(kEventNames, kind);
}

QLatin1String nameOf(EventKind kind)
{
    const std::string_view name = wireName(kind);
    return QLatin1String(name.data(), qsizetype(name.size()));
}

bool isGenericName(QByteArrayView name)
{
    return name.isEmpty() || name == QByteArrayView("message");
}

DecodeResult failure(const QString &message)
{
    return DecodeResult {std::nullopt, message};
}

DecodeResult logged(DecodeResult result)
{
    if (!result.ok())
        qCDebug(lcProtocol, "rejected event: %s", qUtf8Printable(result.error));
    return result;
}

QString quoted(QStringView text)
{
    // Keep error messages one readable line even for hostile names.
    constexpr qsizetype kMax = 64;
    QString shown = text.left(kMax).toString();
    if (text.size() > kMax)
        shown += QStringLiteral("...");
    return QLatin1Char('"') % shown % QLatin1Char('"');
}

// `sseKind` is the event named by the transport, or EventKind::Unknown when the transport's name
// was generic and the JSON "event" member decides. `fallbackSequence` applies without "seq".
template<typename Object>
DecodeResult decodeParsed(EventKind sseKind, const Object &object, quint64 fallbackSequence)
{
    const auto inner = object.value(QLatin1String("event"));
    if (!inner.isUndefined() && !inner.isString()) {
        return failure(QStringLiteral("event: field \"event\" must be a string, got ")
                       % FieldReader<Object>::typeName(inner));
    }
    EventKind kind = sseKind;
    if (sseKind == EventKind::Unknown) {
        if (inner.isUndefined())
            return failure(QStringLiteral("event without a name: neither an SSE event field nor a "
                                          "JSON \"event\" member"));
        const QString innerName = inner.toString();
        kind = kindOf(QStringView(innerName));
        if (kind == EventKind::Unknown)
            return failure(QStringLiteral("unknown event ") % quoted(innerName));
    } else if (!inner.isUndefined() && !equalsAscii(inner, wireName(kind))) {
        return failure(quoted(QString(nameOf(kind)))
                       % QStringLiteral(" event: field \"event\" says ")
                       % quoted(inner.toString()));
    }

    FieldReader<Object> reader(object, wireName(kind));
    Event event;
    event.sequence = fallbackSequence;
    bool hasSeq = false;
    qint64 seq = 0;
    if (reader.integer(QLatin1String("seq"), 0, qint64(EventCodec::kMaxSequence), &seq, false,
                       &hasSeq)
        && hasSeq) {
        event.sequence = quint64(seq);
    }
    qint64 from = 0;
    bool hasFrom = false;
    if (reader.integer(QLatin1String("from"), 1, kMaxSequenceValue, &from, false, &hasFrom)
        && hasFrom) {
        if (quint64(from) > event.sequence)
            reader.fail(QLatin1String("from"), QStringLiteral("must not be above \"seq\""));
        else if (quint64(from) < event.sequence)
            event.firstSequence = quint64(from);
    }
    // Optional: seed 000's `connected` has none, and POST bodies take it from the URL.
    reader.string(QLatin1String("sessionId"), &event.sessionId, false);
    if (!reader.ok())
        return failure(reader.error());
    if (!readPayload(reader, kind, &event.payload))
        return failure(reader.error());
    return DecodeResult {std::move(event), {}};
}

quint64 sequenceFromSseId(QByteArrayView id)
{
    quint64 value = 0;
    const char *end = id.data() + id.size();
    const auto [ptr, ec] = std::from_chars(id.data(), end, value);
    if (id.isEmpty() || ec != std::errc() || ptr != end || value > EventCodec::kMaxSequence)
        return 0;
    return value;
}

} // namespace

QByteArray EventCodec::encodeJson(const Event &event)
{
    QByteArray out;
    out.reserve(160);
    JsonWriter writer(out);
    writeEvent(writer, event);
    return out;
}

QByteArray EventCodec::encodeSse(const Event &event)
{
    QByteArray out;
    out.reserve(192);
    JsonWriter writer(out);
    // Unsequenced events (sequence 0) carry no id, so they never move a client's Last-Event-ID.
    if (event.sequence != 0) {
        writer.raw("id: ");
        writer.number(event.sequence);
        writer.raw("\n");
    }
    writer.raw("event: ");
    writer.raw(kEventNames[event.payload.index()]);
    writer.raw("\ndata: ");
    writeEvent(writer, event);
    writer.raw("\n\n");
    return out;
}

DecodeResult EventCodec::decode(QByteArrayView name, QByteArrayView json, QByteArrayView sseId)
{
    const bool generic = isGenericName(name);
    const EventKind kind = generic ? EventKind::Unknown : kindOf(name);
    if (!generic && kind == EventKind::Unknown)
        return logged(failure(QStringLiteral("unknown event ") % quoted(QString::fromUtf8(name))));
    const quint64 fallbackSequence = sequenceFromSseId(sseId);

    // Fast path for the flat events that make up nearly all traffic. Whatever it does not
    // accept, including every error, goes through QJsonDocument below, so the results and the
    // messages are the same either way.
    if (kind != EventKind::Snapshot) {
        // Reused: its member table is too large to initialise for every event.
        thread_local FastJson fast;
        if (fast.parse(json)) {
            DecodeResult result = decodeParsed(kind, fast.root(), fallbackSequence);
            if (result.ok())
                return result;
        }
    }

    const QString label
        = generic ? QStringLiteral("event") : nameOf(kind) % QStringLiteral(" event");
    QJsonParseError parseError;
    // fromRawData: the parser reads the caller's bytes without a copy.
    const QJsonDocument document
        = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), json.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return logged(failure(label % QStringLiteral(": malformed JSON at offset ")
                              % QString::number(parseError.offset) % QStringLiteral(": ")
                              % parseError.errorString()));
    }
    if (!document.isObject())
        return logged(failure(label % QStringLiteral(": data is not a JSON object")));
    return logged(decodeParsed(kind, document.object(), fallbackSequence));
}

DecodeResult EventCodec::decodeObject(const QString &name, const QJsonObject &object)
{
    const bool generic = name.isEmpty() || name == QLatin1String("message");
    const EventKind kind = generic ? EventKind::Unknown : kindOf(QStringView(name));
    if (!generic && kind == EventKind::Unknown)
        return logged(failure(QStringLiteral("unknown event ") % quoted(name)));
    return logged(decodeParsed(kind, object, 0));
}

} // namespace inkstream::core
