#include "core/client/snapshotfetch.h"

#include "core/model/sessionmodel.h"
#include "core/protocol/eventcodec.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace inkstream::core {

namespace {

const QByteArray kNdjson = QByteArrayLiteral("application/x-ndjson");

// The media type of a Content-Type value, lower case, parameters dropped.
QByteArray mediaType(const QByteArray &contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.left(semicolon)).trimmed().toLower();
}

// The start of a line for an error message, printable.
QString lineStart(QByteArrayView line)
{
    constexpr qsizetype kShown = 60;
    QString text = QString::fromUtf8(line.first(std::min(line.size(), kShown)));
    for (QChar &c : text) {
        if (!c.isPrint())
            c = u'?';
    }
    return line.size() > kShown ? text + QStringLiteral("...") : text;
}

} // namespace

SnapshotFetch::SnapshotFetch(QNetworkAccessManager *manager, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
{
    Q_ASSERT(manager);
}

SnapshotFetch::~SnapshotFetch()
{
    abort();
}

void SnapshotFetch::start(const QUrl &url)
{
    Q_ASSERT(!m_reply && !m_finished);
    QNetworkRequest request(url);
    for (const auto &[name, value] : std::as_const(m_headers))
        request.setRawHeader(name, value);
    // The NDJSON form streams the catch-up from sequence 0 in bounded lines; publishers that
    // do not have it answer application/json.
    request.setRawHeader(QByteArrayLiteral("Accept"), kNdjson);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setTransferTimeout(30000); // no byte for 30 s
    QNetworkReply *reply = m_manager->get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::readyRead, this, &SnapshotFetch::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &SnapshotFetch::onFinished);
}

void SnapshotFetch::abort()
{
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

// Decides, once the headers are in, how the body is read. False when it is not read at all.
bool SnapshotFetch::judgeResponse()
{
    if (m_judged)
        return m_ndjson;
    m_judged = true;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_ndjson = status == 200
        && mediaType(m_reply->header(QNetworkRequest::ContentTypeHeader).toByteArray()) == kNdjson;
    if (m_ndjson) {
        m_model = std::make_unique<SessionModel>();
        connect(m_model.get(), &SessionModel::errorReported, this,
                [this](const QString &message) { m_modelError = message; });
    }
    return m_ndjson;
}

void SnapshotFetch::onReadyRead()
{
    if (!m_reply || !judgeResponse())
        return; // JSON (or an error body) is read whole when it ends
    const QByteArray bytes = m_reply->readAll();
    m_bytes += bytes.size();
    m_buffer.append(bytes);
    consumeLines(false);
}

// Applies every complete line in the buffer (and, at the end, the last one without a line
// feed). False when it failed (then finished() was emitted).
bool SnapshotFetch::consumeLines(bool atEnd)
{
    qsizetype start = 0;
    while (true) {
        const qsizetype end = m_buffer.indexOf('\n', std::max(start, m_scanned));
        if (end < 0)
            break;
        m_scanned = 0;
        if (!applyLine(QByteArrayView(m_buffer).sliced(start, end - start)))
            return false;
        start = end + 1;
    }
    m_buffer.remove(0, start);
    m_scanned = m_buffer.size();
    if (m_buffer.size() > m_maxLineSize) {
        fail(QStringLiteral("NDJSON line %1 is longer than %2 bytes (it starts: %3)")
                 .arg(m_lineCount + 1)
                 .arg(m_maxLineSize)
                 .arg(lineStart(m_buffer)));
        return false;
    }
    if (atEnd && !m_buffer.isEmpty()) {
        const QByteArray last = std::exchange(m_buffer, {});
        m_scanned = 0;
        return applyLine(last);
    }
    return true;
}

bool SnapshotFetch::applyLine(QByteArrayView line)
{
    ++m_lineCount;
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.size() > m_maxLineSize) {
        fail(QStringLiteral("NDJSON line %1 is longer than %2 bytes (it starts: %3)")
                 .arg(m_lineCount)
                 .arg(m_maxLineSize)
                 .arg(lineStart(line)));
        return false;
    }
    if (line.trimmed().isEmpty())
        return true;
    const DecodeResult result = EventCodec::decode({}, line);
    if (!result.ok()) {
        fail(QStringLiteral("NDJSON line %1: %2").arg(m_lineCount).arg(result.error));
        return false;
    }
    const Event &event = *result.event;
    if (std::holds_alternative<ConnectedEvent>(event.payload)
        || std::holds_alternative<ShutdownEvent>(event.payload))
        return true; // per subscriber, nothing of the session
    if (event.sequence != 0 && event.sequence <= m_model->lastSequence()
        && !std::holds_alternative<SnapshotEvent>(event.payload))
        return true; // brought already
    m_modelError.clear();
    if (!m_model->apply(event)) {
        fail(QStringLiteral("NDJSON line %1: cannot apply %2 event %3: %4")
                 .arg(m_lineCount)
                 .arg(eventName(event.payload))
                 .arg(event.sequence)
                 .arg(m_modelError.isEmpty() ? QStringLiteral("rejected by the model")
                                             : m_modelError));
        return false;
    }
    return true;
}

void SnapshotFetch::onFinished()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply || sender() != reply)
        return;
    const bool ndjson = judgeResponse();
    if (ndjson && reply->bytesAvailable() > 0)
        onReadyRead();
    if (m_finished)
        return; // a line failed
    m_reply = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError && status == 0) {
        fail(reply->errorString());
        return;
    }
    if (status != 200) {
        fail(QStringLiteral("HTTP %1").arg(status));
        return;
    }
    if (reply->error() != QNetworkReply::NoError) {
        fail(reply->errorString()); // cut mid-body
        return;
    }
    if (ndjson) {
        if (consumeLines(true))
            succeed(m_model->toSnapshot());
        return;
    }
    const QByteArray body = reply->readAll();
    m_bytes += body.size();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (!document.isObject()) {
        fail(parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                          : QStringLiteral("not an object"));
        return;
    }
    succeed(document.object());
}

void SnapshotFetch::fail(const QString &error)
{
    abort();
    m_model.reset();
    m_buffer.clear();
    m_error = error;
    m_finished = true;
    Q_EMIT finished();
}

void SnapshotFetch::succeed(const QJsonObject &state)
{
    m_model.reset();
    m_state = state;
    m_finished = true;
    Q_EMIT finished();
}

} // namespace inkstream::core
