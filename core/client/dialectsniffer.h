#pragma once

#include "core/client/transport.h"
#include "core/protocol/dialectdecoder.h"
#include "core/protocol/sseevent.h"

#include <QList>
#include <QObject>
#include <QString>
#include <memory>

class QUrl;

namespace inkstream::core {

// Decides which dialect a stream speaks (from its URL, its answer's headers or its first
// frames) and makes the decoder for it, holding the frames that arrive before it knows.
class DialectSniffer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DialectSniffer)

public:
    // Frames Auto holds back before it settles on native when none of them tells.
    static constexpr qsizetype kMaxUndecidedFrames = 16;

    explicit DialectSniffer(QObject *parent = nullptr);
    ~DialectSniffer() override;

    // The dialect asked for (takes effect with restart()). Default Native.
    void setDialect(Dialect dialect) { m_dialect = dialect; }
    Dialect dialect() const { return m_dialect; }
    // The chat message id the next decoder gives its reply (see SessionClient::setReplyId()).
    void setReplyId(const QString &id) { m_replyId = id; }
    // The dialect in use: the requested one, or in Auto what was detected (Auto until then).
    Dialect activeDialect() const { return m_activeDialect; }
    QString reason() const { return m_reason; }
    // The decoder of a foreign dialect; null for native events (or while Auto is undecided).
    DialectDecoder *decoder() const { return m_decoder.get(); }

    // A new stream: the requested dialect with a fresh decoder, nothing held.
    void restart();
    // The stream speaks `dialect` (`reason` says how that is known): a decoder for it.
    void settle(Dialect dialect, const QString &reason);
    // Auto: a URL that names its API tells before any frame. `socketIoAllowed`: the URL is
    // followed over Socket.IO when it names a Socket.IO server.
    void sniffUrl(const QUrl &sessionUrl, bool socketIoAllowed);
    // Auto: the answer's Content-Type and headers (an SSE transport's) may tell before the
    // first frame.
    void sniffResponse(const Transport *transport, const QUrl &streamUrl);
    // The frames to decode now for `frame`, which `carrier` delivered: `frame` itself once the
    // dialect is known; in Auto, nothing while the frames held so far do not tell, then all of
    // them.
    QList<SseEvent> sniffFrame(const SseEvent &frame, Transport::Kind carrier);
    // The stream ended: in Auto, frames held without telling are native; they are returned.
    QList<SseEvent> settleUndecided();

Q_SIGNALS:
    // The stream's dialect is known; decoder() decodes it.
    void dialectSettled(inkstream::core::Dialect dialect, const QString &reason);

private:
    std::unique_ptr<DialectDecoder> makeDecoder(Dialect dialect) const;

    Dialect m_dialect = Dialect::Native;
    Dialect m_activeDialect = Dialect::Native;
    QString m_reason;
    std::unique_ptr<DialectDecoder> m_decoder; // foreign dialects only
    QString m_replyId;
    QList<SseEvent> m_undecided; // Auto: frames seen before the dialect was known
};

} // namespace inkstream::core
