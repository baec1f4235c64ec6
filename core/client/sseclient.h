#pragma once

#include "core/client/streamrequest.h"
#include "core/client/transport.h"
#include "core/protocol/ndjsonsplitter.h"

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace inkstream::core {

class SseParser;

// Follows one Server-Sent Events URL over QNetworkAccessManager (HTTP/1.1, no transfer
// timeout). Bytes go to the SSE parser on every readyRead, so events arrive while the response
// is still open. A dropped stream is re-opened after the ReconnectPolicy's backoff with
// Last-Event-ID; HTTP 204 stops for good (WHATWG); 401/403/404, other 4xx and a Content-Type
// other than text/event-stream or application/x-ndjson (each line one `message` frame: Ollama)
// are fatal (state Error, errorString() says why); 5xx, 408, 429
// and network errors retry. A stream that goes silent for longer than the heartbeat timeout
// counts as dropped.
class SseClient final : public Transport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SseClient)

public:
    explicit SseClient(QObject *parent = nullptr);
    ~SseClient() override;

    Kind kind() const override { return Kind::Sse; }
    void setMaxEventSize(qsizetype bytes) override;

    // The request that opens the stream. Default GET without a body. Any other method starts a
    // one-shot stream (a POSTed prompt): it is never re-sent, so a failure is final and the
    // server closing the stream ends it for good (state Disconnected).
    void setRequest(const StreamRequest &request) { m_request = request.normalised(); }
    QByteArray method() const { return m_request.method; }
    bool isOneShot() const { return m_request.isOneShot(); }

    qint64 bytesReceived() const { return m_bytesReceived; }
    int httpStatus() const { return m_httpStatus; } // of the last response, 0 before any
    // A header of the last accepted response (empty when absent), for telling its dialect.
    QByteArray responseHeader(const QByteArray &name) const;
    // The most the parser held between reads (partial line and event) since open().
    qsizetype peakBufferedBytes() const { return m_peakBufferedBytes; }

protected:
    bool checkUrl(const QUrl &url, QString *error) const override;
    void startConnection() override;
    void abortConnection() override;
    void resetStatistics() override;

private:
    struct PendingEvent
    {
        QByteArray type;
        QByteArray data;
        QByteArray lastEventId;
    };

    void onMetaDataChanged();
    void onReadyRead();
    void onFinished();
    void deliverPending(const QByteArray &idBefore);
    QString statusText(const QString &prefix) const;

    StreamRequest m_request;
    QNetworkAccessManager *m_manager = nullptr;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<SseParser> m_parser;
    QList<PendingEvent> m_pending; // dispatched by the parser during one feed
    QStringList m_pendingDrops; // events the parser dropped during one feed (oversized)
    qint64 m_bytesReceived = 0;
    qsizetype m_peakBufferedBytes = 0;

    // The current response.
    int m_httpStatus = 0;
    bool m_streamAccepted = false; // 200 with text/event-stream or application/x-ndjson
    bool m_ndjson = false; // lines, not events
    NdjsonSplitter m_lines;
    QList<std::pair<QByteArray, QByteArray>> m_responseHeaders;
    QByteArray m_errorBody; // start of a non-200 body, for the error message
    QString m_networkError;
};

} // namespace inkstream::core
