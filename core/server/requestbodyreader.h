#pragma once

#include "core/protocol/chunker.h"
#include "core/protocol/event.h"
#include "core/server/httpresponse.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace inkstream::core {

// Reads the JSON bodies of the REST requests (docs/protocol.md) into checked values: an event
// batch, a file to type, a chat message, any JSON object; or says what is wrong with one as the
// HTTP error to answer.
class RequestBodyReader final
{
public:
    // What to answer a body that cannot be taken.
    struct Error
    {
        HttpStatus status = HttpStatus::BadRequest;
        QString error; // "malformed JSON"
        QString detail;
    };
    // POST .../files
    struct FileUpload
    {
        QString fileName; // valid (FileStreamer::validateFileName)
        QString content;
        ChunkOptions options;
    };
    // POST .../chat
    struct ChatMessage
    {
        QString text;
        ChatRole role = ChatRole::Assistant;
        QString messageId; // empty: the publisher picks one
        int chunkSize = 0; // 0: the whole text in one delta
    };

    // `maxEventSize`: the largest event (its JSON, or a chat text) accepted, in bytes.
    explicit RequestBodyReader(qint64 maxEventSize)
        : m_maxEventSize(maxEventSize)
    { }

    // The body as one JSON object; with `allowEmpty` a blank body is an empty object.
    bool readObject(const QByteArray &body, QJsonObject *object, bool allowEmpty = false);
    // Raw native events for session `sessionId`: one JSON object, an array of them, or NDJSON
    // (one per line). All or nothing: every event is checked before any is given back.
    bool readEvents(const QByteArray &body, const QString &sessionId,
                    QList<EventPayload> *payloads);
    bool readFileUpload(const QByteArray &body, FileUpload *upload);
    // A body of one optional string member `key` (an empty body is an empty object).
    bool readOptionalString(const QByteArray &body, const QString &key, QString *value);
    bool readChatMessage(const QByteArray &body, ChatMessage *message);

    // Why the last read failed.
    const Error &error() const { return m_error; }

private:
    // One event of a batch, not yet checked.
    struct Item
    {
        QJsonObject object;
        qint64 size = 0;
        int line = 0; // 1-based NDJSON line or array index + 1
    };

    bool fail(HttpStatus status, const QString &error, const QString &detail);
    bool readItems(const QByteArray &body, QList<Item> *items);
    // Checks one event of a batch and appends its payload.
    bool readEvent(const Item &item, const QString &where, const QString &sessionId,
                   QList<EventPayload> *payloads);

    qint64 m_maxEventSize;
    Error m_error;
};

} // namespace inkstream::core
