#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <utility>

namespace inkstream::core {

// What a stream is asked for with: the method, the body and the headers. Built once from the
// connection settings (a publisher's bearer token, or a chat API's request carrying a prompt)
// and handed to the session client, which hands it to its SSE transport. Headers are sent as
// given and never logged.
struct StreamRequest
{
    using Headers = QList<std::pair<QByteArray, QByteArray>>;

    QByteArray method = QByteArrayLiteral("GET");
    QByteArray body;
    Headers headers;

    // A GET, with `Authorization: Bearer TOKEN` when `token` is not empty.
    static StreamRequest withToken(const QString &token);
    // A POST of `body` (a chat API's prompt): sent once, never reconnected.
    static StreamRequest post(const QByteArray &body, const Headers &headers);

    // Adds `Authorization: Bearer TOKEN`; nothing for an empty token.
    void addBearer(const QString &token);
    // Anything but GET (a posted prompt): never re-sent, so never reconnected.
    bool isOneShot() const { return method != "GET"; }
    // The method in upper case, GET when none was given.
    StreamRequest normalised() const;
};

} // namespace inkstream::core
