#include "core/server/requestbodyreader.h"

#include "core/protocol/eventcodec.h"
#include "core/protocol/jsonmember.h"
#include "core/server/filestreamer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace inkstream::core {

namespace {

using Status = HttpStatus;

constexpr int kMaxChunkSize = 1 << 20;
constexpr int kMaxDelayMs = 60000;

} // namespace

bool RequestBodyReader::fail(Status status, const QString &error, const QString &detail)
{
    m_error = Error {status, error, detail};
    return false;
}

bool RequestBodyReader::readObject(const QByteArray &body, QJsonObject *object, bool allowEmpty)
{
    if (allowEmpty && body.trimmed().isEmpty()) {
        *object = {};
        return true;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return fail(Status::BadRequest, QStringLiteral("malformed JSON"),
                    QStringLiteral("%1 at offset %2").arg(error.errorString()).arg(error.offset));
    if (!document.isObject())
        return fail(Status::BadRequest, QStringLiteral("malformed JSON"),
                    QStringLiteral("the body must be a JSON object"));
    *object = document.object();
    return true;
}

bool RequestBodyReader::readEvents(const QByteArray &body, const QString &sessionId,
                                   QList<EventPayload> *payloads)
{
    QList<Item> items;
    if (!readItems(body, &items))
        return false;
    payloads->clear();
    payloads->reserve(items.size());
    for (const Item &item : std::as_const(items)) {
        const QString where = items.size() == 1 ? QStringLiteral("event")
                                                : QStringLiteral("event %1").arg(item.line);
        if (!readEvent(item, where, sessionId, payloads))
            return false;
    }
    return true;
}

bool RequestBodyReader::readItems(const QByteArray &body, QList<Item> *items)
{
    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty())
        return fail(Status::BadRequest, QStringLiteral("missing body"),
                    QStringLiteral("send a JSON event object, an array of them, or NDJSON"));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(trimmed, &error);
    if (error.error == QJsonParseError::NoError && document.isObject()) {
        items->append(Item {document.object(), trimmed.size(), 1});
    } else if (error.error == QJsonParseError::NoError && document.isArray()) {
        const QJsonArray array = document.array();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isObject())
                return fail(Status::BadRequest, QStringLiteral("malformed JSON"),
                            QStringLiteral("array element %1 is not a JSON object").arg(i));
            const QJsonObject object = array.at(i).toObject();
            items->append(Item {object, QJsonDocument(object).toJson(QJsonDocument::Compact).size(),
                                int(i + 1)});
        }
    } else if (error.error == QJsonParseError::NoError) {
        return fail(Status::BadRequest, QStringLiteral("malformed JSON"),
                    QStringLiteral("the body must be a JSON object, an array or NDJSON"));
    } else if (trimmed.contains('\n')) {
        // Numbered in the body as sent: blank lines before the first event count too.
        int lineNumber = 0;
        for (const QByteArray &rawLine : body.split('\n')) {
            ++lineNumber;
            const QByteArray line = rawLine.trimmed();
            if (line.isEmpty())
                continue;
            if (line.size() > m_maxEventSize)
                return fail(Status::PayloadTooLarge, QStringLiteral("event too large"),
                            QStringLiteral("line %1 has %2 bytes; the limit per event is %3 bytes")
                                .arg(lineNumber)
                                .arg(line.size())
                                .arg(m_maxEventSize));
            QJsonParseError lineError;
            const QJsonDocument lineDocument = QJsonDocument::fromJson(line, &lineError);
            if (lineError.error != QJsonParseError::NoError || !lineDocument.isObject())
                return fail(Status::BadRequest, QStringLiteral("malformed JSON"),
                            QStringLiteral("NDJSON line %1: %2")
                                .arg(lineNumber)
                                .arg(lineError.error != QJsonParseError::NoError
                                         ? lineError.errorString()
                                         : QStringLiteral("not a JSON object")));
            items->append(Item {lineDocument.object(), line.size(), lineNumber});
        }
    } else {
        return fail(Status::BadRequest, QStringLiteral("malformed JSON"),
                    QStringLiteral("%1 at offset %2").arg(error.errorString()).arg(error.offset));
    }
    return true;
}

bool RequestBodyReader::readEvent(const Item &item, const QString &where, const QString &sessionId,
                                  QList<EventPayload> *payloads)
{
    static const QStringList publishable
        = {QStringLiteral("code"), QStringLiteral("step"), QStringLiteral("progress"),
           QStringLiteral("chat"), QStringLiteral("session")};
    if (item.size > m_maxEventSize)
        return fail(Status::PayloadTooLarge, QStringLiteral("event too large"),
                    QStringLiteral("%1 has %2 bytes; the limit per event is %3 bytes")
                        .arg(where)
                        .arg(item.size)
                        .arg(m_maxEventSize));
    const QJsonValue nameValue = item.object.value(QStringLiteral("event"));
    if (!nameValue.isString())
        return fail(
            Status::BadRequest, QStringLiteral("missing field"),
            QStringLiteral("%1: \"event\" (the event name, a string) is required").arg(where));
    const QString name = nameValue.toString();
    if (!publishable.contains(name))
        return fail(Status::BadRequest, QStringLiteral("unknown event type"),
                    QStringLiteral("%1: \"%2\" is not one of %3")
                        .arg(where, name, publishable.join(QStringLiteral(", "))));
    const QJsonValue sessionValue = item.object.value(QStringLiteral("sessionId"));
    if (!sessionValue.isUndefined() && !sessionValue.isNull()
        && sessionValue.toString() != sessionId)
        return fail(Status::BadRequest, QStringLiteral("session mismatch"),
                    QStringLiteral("%1 names session \"%2\" but was posted to \"%3\"")
                        .arg(where, sessionValue.toString(), sessionId));
    QJsonObject object = item.object;
    object.insert(QStringLiteral("sessionId"), sessionId);
    object.remove(QStringLiteral("seq")); // the publisher numbers events
    const DecodeResult decoded = EventCodec::decodeObject(name, object);
    if (!decoded.ok())
        return fail(Status::BadRequest, QStringLiteral("invalid event"),
                    QStringLiteral("%1: %2").arg(where, decoded.error));
    if (const auto *code = std::get_if<CodeEvent>(&decoded.event->payload)) {
        QString reason;
        if (!FileStreamer::validateFileName(code->fileName, &reason))
            return fail(Status::BadRequest, QStringLiteral("invalid file name"),
                        QStringLiteral("%1: %2: %3").arg(where, reason, code->fileName));
    }
    payloads->append(decoded.event->payload);
    return true;
}

bool RequestBodyReader::readFileUpload(const QByteArray &body, FileUpload *upload)
{
    QJsonObject object;
    if (!readObject(body, &object))
        return false;
    const QJsonValue fileName = object.value(QStringLiteral("fileName"));
    const QJsonValue content = object.value(QStringLiteral("content"));
    if (!fileName.isString() || !content.isString())
        return fail(Status::BadRequest, QStringLiteral("missing field"),
                    QStringLiteral("\"fileName\" and \"content\" (strings) are required"));
    ChunkOptions options;
    QString detail;
    if (!JsonMember::readInteger(object, QStringLiteral("chunkSize"), 1, kMaxChunkSize,
                                 &options.chunkSize, &detail)
        || !JsonMember::readInteger(object, QStringLiteral("delayMs"), 0, kMaxDelayMs,
                                    &options.delayMs, &detail))
        return fail(Status::BadRequest, QStringLiteral("invalid field"), detail);
    options.instant = false;
    if (!JsonMember::readBool(object, QStringLiteral("instant"), &options.instant, &detail))
        return fail(Status::BadRequest, QStringLiteral("invalid field"), detail);

    const QString name = fileName.toString();
    if (!FileStreamer::validateFileName(name, &detail))
        return fail(Status::BadRequest, QStringLiteral("invalid file name"),
                    detail + QStringLiteral(": ") + name);
    *upload = FileUpload {name, content.toString(), options};
    return true;
}

bool RequestBodyReader::readOptionalString(const QByteArray &body, const QString &key,
                                           QString *value)
{
    QJsonObject object;
    if (!readObject(body, &object, true))
        return false;
    QString detail;
    if (!JsonMember::readString(object, key, value, &detail))
        return fail(Status::BadRequest, QStringLiteral("invalid field"), detail);
    return true;
}

bool RequestBodyReader::readChatMessage(const QByteArray &body, ChatMessage *message)
{
    QJsonObject object;
    if (!readObject(body, &object))
        return false;
    const QJsonValue textValue = object.value(QStringLiteral("text"));
    if (!textValue.isString())
        return fail(Status::BadRequest, QStringLiteral("missing field"),
                    QStringLiteral("\"text\" (a string) is required"));
    ChatRole role = ChatRole::Assistant;
    const QJsonValue roleValue = object.value(QStringLiteral("role"));
    if (!roleValue.isUndefined() && !roleValue.isNull()
        && (!roleValue.isString() || !chatRoleFromText(roleValue.toString(), &role)))
        return fail(Status::BadRequest, QStringLiteral("invalid field"),
                    QStringLiteral("\"role\" must be assistant, user, system or event"));
    const QJsonValue idValue = object.value(QStringLiteral("messageId"));
    if (!idValue.isUndefined() && !idValue.isNull()
        && (!idValue.isString() || idValue.toString().isEmpty()))
        return fail(Status::BadRequest, QStringLiteral("invalid field"),
                    QStringLiteral("\"messageId\" must be a non-empty string"));
    int chunkSize = 0;
    QString detail;
    if (!JsonMember::readInteger(object, QStringLiteral("chunkSize"), 1, kMaxChunkSize, &chunkSize,
                                 &detail))
        return fail(Status::BadRequest, QStringLiteral("invalid field"), detail);
    const QString text = textValue.toString();
    if (text.toUtf8().size() > m_maxEventSize)
        return fail(Status::PayloadTooLarge, QStringLiteral("event too large"),
                    QStringLiteral("the text has more than %1 bytes").arg(m_maxEventSize));
    *message
        = ChatMessage {text, role, idValue.isString() ? idValue.toString() : QString(), chunkSize};
    return true;
}

} // namespace inkstream::core
