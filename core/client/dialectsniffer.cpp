#include "core/client/dialectsniffer.h"

#include "core/client/clientlog.h"
#include "core/client/sessionurls.h"
#include "core/client/sseclient.h"
#include "core/model/languageguesser.h"
#include "core/protocol/endpointdetector.h"

#include <QUrl>
#include <utility>

namespace inkstream::core {

DialectSniffer::DialectSniffer(QObject *parent)
    : QObject(parent)
{ }

DialectSniffer::~DialectSniffer() = default;

std::unique_ptr<DialectDecoder> DialectSniffer::makeDecoder(Dialect dialect) const
{
    auto decoder = DialectDecoder::create(dialect, &LanguageGuesser::extensionForLanguage);
    if (decoder && !m_replyId.isEmpty())
        decoder->setReplyId(m_replyId);
    return decoder;
}

void DialectSniffer::restart()
{
    m_undecided.clear();
    m_activeDialect = m_dialect;
    m_reason = m_dialect == Dialect::Auto ? QString() : QStringLiteral("requested");
    m_decoder = makeDecoder(m_dialect);
}

void DialectSniffer::settle(Dialect dialect, const QString &reason)
{
    m_activeDialect = dialect;
    m_reason = reason;
    m_decoder = makeDecoder(dialect);
    qCInfo(lcClient, "dialect %s (%s)", qPrintable(DialectDecoder::dialectText(dialect)),
           qPrintable(reason));
    Q_EMIT dialectSettled(dialect, reason);
}

void DialectSniffer::sniffUrl(const QUrl &sessionUrl, bool socketIoAllowed)
{
    if (m_dialect == Dialect::Auto && !SessionUrls::isNativeSessionUrl(sessionUrl)
        && (socketIoAllowed || !EndpointDetector::isSocketIoUrl(sessionUrl))) {
        if (const auto detection = EndpointDetector::fromUrl(sessionUrl))
            settle(detection->dialect, detection->reason);
    }
}

void DialectSniffer::sniffResponse(const Transport *transport, const QUrl &streamUrl)
{
    if (m_activeDialect != Dialect::Auto)
        return;
    if (const auto *sse = qobject_cast<const SseClient *>(transport)) {
        if (const auto detection = EndpointDetector::fromResponse(
                streamUrl, [sse](const QByteArray &name) { return sse->responseHeader(name); }))
            settle(detection->dialect, detection->reason);
    }
}

QList<SseEvent> DialectSniffer::sniffFrame(const SseEvent &frame, Transport::Kind carrier)
{
    if (m_activeDialect != Dialect::Auto)
        return {frame};
    // WebSocket and polling carry native events; SSE and Socket.IO carry any dialect.
    if (carrier != Transport::Kind::Sse && carrier != Transport::Kind::SocketIo) {
        settle(Dialect::Native,
               QStringLiteral("the %1 transport carries native events")
                   .arg(Transport::kindText(carrier)));
        return {frame};
    }
    m_undecided.append(frame);
    if (const auto detection = DialectDecoder::detect(frame))
        settle(detection->dialect, detection->reason);
    else if (m_undecided.size() >= kMaxUndecidedFrames)
        settle(Dialect::Native,
               QStringLiteral("none of the first %1 frames told another "
                              "dialect")
                   .arg(m_undecided.size()));
    else
        return {};
    return std::exchange(m_undecided, {});
}

QList<SseEvent> DialectSniffer::settleUndecided()
{
    if (m_activeDialect != Dialect::Auto || m_undecided.isEmpty())
        return {};
    settle(Dialect::Native, QStringLiteral("the stream ended before a frame told its dialect"));
    return std::exchange(m_undecided, {});
}

} // namespace inkstream::core
