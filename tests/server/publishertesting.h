#pragma once

// Test helpers shared by the publisher suites: a raw SSE reader, a blocking HTTP request and a
// publisher on a free loopback port.

#include "core/server/publisher.h"
#include "core/server/session.h"
#include "core/server/sessionhub.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>

namespace inkstream::core::testing {

struct SseFrame
{
    QByteArray id;
    bool hasId = false;
    QByteArray event;
    QList<QByteArray> data; // one entry per `data:` line
    QList<QByteArray> comments;
    QByteArray retry;

    QJsonObject json() const { return QJsonDocument::fromJson(data.value(0)).object(); }
};

// A deliberately dumb SSE reader on a raw socket, independent of the project's parser: it
// checks the exact bytes the publisher writes (LF line ends, one `data:` line per event).
class RawSseClient
{
public:
    RawSseClient(quint16 port, const QByteArray &target, const QByteArray &extraHeaders = {})
    {
        QObject::connect(
            &socket, &QTcpSocket::connected, &socket, [this, port, target, extraHeaders] {
                socket.write("GET " + target
                             + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                             + "\r\nAccept: text/event-stream\r\n" + extraHeaders + "\r\n");
            });
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] {
            buffer += socket.readAll();
            parse();
        });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }

    QList<SseFrame> events(const QByteArray &name) const
    {
        QList<SseFrame> result;
        for (const SseFrame &frame : frames) {
            if (frame.event == name)
                result.append(frame);
        }
        return result;
    }
    QList<SseFrame> dispatched() const // frames that carry an event (not comments or retry)
    {
        QList<SseFrame> result;
        for (const SseFrame &frame : frames) {
            if (!frame.event.isEmpty())
                result.append(frame);
        }
        return result;
    }
    bool hasSessionEvent() const { return !events("session").isEmpty(); }
    // Whether the last `code` event completed a file.
    bool codeComplete() const
    {
        const QList<SseFrame> code = events("code");
        return !code.isEmpty()
            && code.last().json().value(QStringLiteral("type")).toString() == u"complete";
    }
    // The text of every `code` delta received, in order.
    QString joinedDeltas() const
    {
        QString joined;
        for (const SseFrame &frame : events("code"))
            joined += frame.json().value(QStringLiteral("delta")).toString();
        return joined;
    }

    QTcpSocket socket;
    QByteArray buffer;
    bool headersDone = false;
    QByteArray statusLine;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QList<SseFrame> frames;

private:
    void parse()
    {
        if (!headersDone) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = buffer.left(end).split('\n');
            statusLine = lines.value(0).trimmed();
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                headers.insert(lines[i].left(colon).trimmed().toLower(),
                               lines[i].mid(colon + 1).trimmed());
            }
            buffer.remove(0, end + 4);
            headersDone = true;
        }
        // One pass over what arrived, one removal at the end: removing each frame from the front
        // is quadratic, and a reader that fell behind (one big read) would fall further behind.
        qsizetype start = 0;
        qsizetype end;
        while ((end = buffer.indexOf("\n\n", start)) >= 0) {
            SseFrame frame;
            for (const QByteArray &line : buffer.sliced(start, end - start).split('\n')) {
                if (line.startsWith(':'))
                    frame.comments.append(line.mid(1).trimmed());
                else if (line.startsWith("id: ")) {
                    frame.id = line.mid(4);
                    frame.hasId = true;
                } else if (line.startsWith("event: "))
                    frame.event = line.mid(7);
                else if (line.startsWith("data: "))
                    frame.data.append(line.mid(6));
                else if (line.startsWith("retry: "))
                    frame.retry = line.mid(7);
            }
            frames.append(frame);
            start = end + 2;
        }
        buffer.remove(0, start);
    }
};

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QByteArray contentType;
    QHash<QByteArray, QByteArray> headers; // lower-case names
};

inline HttpResult sendRequest(QNetworkAccessManager &manager, const QByteArray &verb,
                              const QUrl &url, const QByteArray &body = {},
                              const QList<std::pair<QByteArray, QByteArray>> &headers = {})
{
    QNetworkRequest request(url);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = manager.sendCustomRequest(request, verb, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(30000);
    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        result.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return result;
}

inline QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

inline QByteArray fileBody(const QString &name, const QString &content, int chunkSize = 5,
                           int delayMs = 0)
{
    return json({{QStringLiteral("fileName"), name},
                 {QStringLiteral("content"), content},
                 {QStringLiteral("chunkSize"), chunkSize},
                 {QStringLiteral("delayMs"), delayMs}});
}

// One publisher on a free loopback port with a session "s1".
struct Fixture
{
    Fixture()
        : publisher(&hub)
    {
        session = hub.createSession(QStringLiteral("s1"));
        listening = publisher.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url(const QString &path) const
    {
        QUrl result = publisher.baseUrl();
        result.setPath(path);
        return result;
    }
    SessionHub hub;
    Publisher publisher;
    Session *session = nullptr;
    bool listening = false;
    QNetworkAccessManager manager;
};

} // namespace inkstream::core::testing
