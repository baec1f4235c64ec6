#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QUrl>
#include <QUrlQuery>
#include <utility>

namespace inkstream::core {

// One HTTP/1.x request as the publisher sees it: the head (parsed by HttpRequestParser, which
// also decided how its body is framed) and, once it was read within the limits, the body.
class HttpRequest final
{
public:
    enum class Method { Get, Head, Post, Put, Delete, Options, Patch, Other };
    enum class BodyFraming { None, Length, Chunked };
    using Header = std::pair<QByteArray, QByteArray>; // name in lower case, value trimmed

    // The method a name stands for ("GET": Get; unknown names: Other), and the other way round
    // (Other: empty), from one table.
    static Method methodFromName(QByteArrayView name);
    static QByteArray nameOfMethod(Method method);

    Method method() const { return m_method; }
    // The method as it was sent ("GET").
    QByteArray methodName() const { return m_methodName; }
    bool isSafeMethod() const
    {
        return m_method == Method::Get || m_method == Method::Head || m_method == Method::Options;
    }
    // The request target as sent, and as a URL (path and query).
    QByteArray target() const { return m_target; }
    QUrl url() const { return m_url; }
    QUrlQuery query() const { return QUrlQuery(m_url); }
    // 0 for HTTP/1.0, 1 for HTTP/1.1.
    int minorVersion() const { return m_minorVersion; }

    const QList<Header> &headers() const { return m_headers; }
    // The value of header `name` (any case); repeated headers are joined with ", " (RFC 9110
    // §5.3). Empty when absent.
    QByteArray value(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    // Whether a comma-separated header (Connection, Upgrade) lists `token` (any case).
    bool headerHasToken(QByteArrayView name, QByteArrayView token) const;

    BodyFraming bodyFraming() const { return m_framing; }
    // The declared Content-Length, or 0 when the body is not length-framed.
    qint64 contentLength() const { return m_contentLength; }
    // Whether the connection may carry another request after this one (RFC 9112 §9.3).
    bool keepsAlive() const;
    // A WebSocket opening handshake (RFC 6455 §4.2.1), checked in full by the parser.
    bool isWebSocketUpgrade() const { return m_webSocketUpgrade; }

    QByteArray body() const { return m_body; }
    void setBody(const QByteArray &body) { m_body = body; }
    QHostAddress remoteAddress() const { return m_remoteAddress; }
    void setRemoteAddress(const QHostAddress &address) { m_remoteAddress = address; }

private:
    friend class HttpRequestParser;

    Method m_method = Method::Other;
    QByteArray m_methodName;
    QByteArray m_target;
    QUrl m_url;
    int m_minorVersion = 1;
    QList<Header> m_headers;
    BodyFraming m_framing = BodyFraming::None;
    qint64 m_contentLength = 0;
    bool m_webSocketUpgrade = false;
    QByteArray m_body;
    QHostAddress m_remoteAddress;
};

} // namespace inkstream::core
