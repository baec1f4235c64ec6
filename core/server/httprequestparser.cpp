#include "core/server/httprequestparser.h"

#include "core/server/httpsyntax.h"

#include <QList>
#include <algorithm>

namespace inkstream::core {

using httpsyntax::isFieldValue;
using httpsyntax::isToken;
using httpsyntax::parseContentLength;
using httpsyntax::trimmedWhitespace;

namespace {

// A request target has no spaces or controls (non-ASCII bytes are let through to the router,
// which finds no route for them).
bool isTargetText(QByteArrayView target)
{
    return std::none_of(target.begin(), target.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f;
    });
}

} // namespace

HttpRequestParser::Result HttpRequestParser::invalid(int httpStatus, const QString &reason)
{
    Result result;
    result.status = Status::Invalid;
    result.httpStatus = httpStatus;
    result.reason = reason;
    return result;
}

HttpRequestParser::Result HttpRequestParser::parseHead(QByteArrayView data, HttpRequest *request,
                                                       const HttpHeadLimits &limits)
{
    *request = HttpRequest();
    qsizetype position = 0;
    // RFC 9112 §2.2: empty lines before the request line are ignored (a few clients send a
    // CRLF after a POST body).
    for (int skipped = 0; skipped < 4 && position < data.size(); ++skipped) {
        if (data.sliced(position).startsWith("\r\n"))
            position += 2;
        else if (data.at(position) == '\n')
            position += 1;
        else
            break;
    }

    bool requestLineSeen = false;
    int headerCount = 0;
    Result error;
    while (true) {
        const qsizetype end = data.indexOf('\n', position);
        if (end < 0) {
            // No complete line yet: refuse as soon as the head cannot fit the limit.
            if (data.size() > limits.maxHeadBytes) {
                return requestLineSeen ? invalid(431,
                                                 QStringLiteral("the request head exceeds %1 bytes")
                                                     .arg(limits.maxHeadBytes))
                                       : invalid(414,
                                                 QStringLiteral("the request line exceeds %1 bytes")
                                                     .arg(limits.maxHeadBytes));
            }
            return Result {};
        }
        if (end + 1 > limits.maxHeadBytes) {
            return requestLineSeen
                ? invalid(
                    431,
                    QStringLiteral("the request head exceeds %1 bytes").arg(limits.maxHeadBytes))
                : invalid(
                    414,
                    QStringLiteral("the request line exceeds %1 bytes").arg(limits.maxHeadBytes));
        }
        QByteArrayView line = data.sliced(position, end - position);
        position = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.contains('\r'))
            return invalid(400, QStringLiteral("a bare CR in the request head"));
        if (!requestLineSeen) {
            if (!parseRequestLine(line, request, &error))
                return error;
            requestLineSeen = true;
            continue;
        }
        if (line.isEmpty())
            break;
        if (++headerCount > limits.maxHeaders)
            return invalid(431,
                           QStringLiteral("more than %1 header fields").arg(limits.maxHeaders));
        if (!parseHeaderLine(line, request, &error))
            return error;
    }
    if (!decideFraming(request, &error) || !checkWebSocketHandshake(request, &error))
        return error;
    Result result;
    result.status = Status::Complete;
    result.headBytes = position;
    return result;
}

bool HttpRequestParser::parseRequestLine(QByteArrayView line, HttpRequest *request, Result *error)
{
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype lastSpace = line.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace == firstSpace) {
        *error = invalid(400, QStringLiteral("the request line is not METHOD TARGET VERSION"));
        return false;
    }
    const QByteArrayView method = line.first(firstSpace);
    const QByteArrayView target = line.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(lastSpace + 1);
    if (!isToken(method)) {
        *error = invalid(400, QStringLiteral("the method is not a token"));
        return false;
    }
    if (target.isEmpty() || !isTargetText(target)) {
        *error = invalid(400,
                         QStringLiteral("the request target is empty or has spaces or "
                                        "control characters"));
        return false;
    }
    if (version == "HTTP/1.1") {
        request->m_minorVersion = 1;
    } else if (version == "HTTP/1.0") {
        request->m_minorVersion = 0;
    } else if (version.size() == 8 && version.startsWith("HTTP/") && version.at(6) == '.'
               && version.at(5) >= '0' && version.at(5) <= '9' && version.at(7) >= '0'
               && version.at(7) <= '9') {
        *error = invalid(505,
                         QStringLiteral("HTTP version %1 is not supported (1.0 and 1.1 are)")
                             .arg(QString::fromLatin1(version.sliced(5))));
        return false;
    } else {
        *error = invalid(400, QStringLiteral("the request line does not end in HTTP/1.x"));
        return false;
    }
    request->m_methodName = method.toByteArray();
    request->m_method = HttpRequest::methodFromName(method);
    request->m_target = target.toByteArray();

    // origin-form ("/path?query"), absolute-form ("http://host/path") or "*" for OPTIONS.
    QUrl url;
    if (target.front() == '/') {
        url = QUrl::fromEncoded(target.toByteArray(), QUrl::StrictMode);
    } else if (target == "*" && request->m_method == HttpRequest::Method::Options) {
        url.setPath(QStringLiteral("*"));
    } else {
        const QUrl absolute = QUrl::fromEncoded(target.toByteArray(), QUrl::StrictMode);
        if (absolute.isValid() && (absolute.scheme() == u"http" || absolute.scheme() == u"https")) {
            url.setPath(absolute.path(QUrl::FullyEncoded).isEmpty()
                            ? QStringLiteral("/")
                            : absolute.path(QUrl::FullyEncoded),
                        QUrl::TolerantMode);
            url.setQuery(absolute.query(QUrl::FullyEncoded), QUrl::TolerantMode);
        }
    }
    if (!url.isValid() || url.path().isEmpty()) {
        *error = invalid(400, QStringLiteral("the request target is not a valid path"));
        return false;
    }
    request->m_url = url;
    return true;
}

bool HttpRequestParser::parseHeaderLine(QByteArrayView line, HttpRequest *request, Result *error)
{
    if (line.front() == ' ' || line.front() == '\t') {
        *error = invalid(400, QStringLiteral("obsolete line folding in a header field"));
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    // No whitespace between the name and the colon (RFC 9112 §5.1): a proxy could read the
    // name differently.
    if (colon <= 0 || !isToken(line.first(colon))) {
        *error = invalid(400, QStringLiteral("a header field without a valid name"));
        return false;
    }
    const QByteArrayView value = trimmedWhitespace(line.sliced(colon + 1));
    if (!isFieldValue(value)) {
        *error = invalid(400,
                         QStringLiteral("a control character in header field %1")
                             .arg(QString::fromLatin1(line.first(colon))));
        return false;
    }
    request->m_headers.append({line.first(colon).toByteArray().toLower(), value.toByteArray()});
    return true;
}

bool HttpRequestParser::decideFraming(HttpRequest *request, Result *error)
{
    QList<QByteArray> lengths;
    QList<QByteArray> encodings;
    int hosts = 0;
    for (const HttpRequest::Header &header : std::as_const(request->m_headers)) {
        if (header.first == "content-length")
            lengths.append(header.second);
        else if (header.first == "transfer-encoding")
            encodings.append(header.second);
        else if (header.first == "host")
            ++hosts;
    }
    if (hosts > 1 || (hosts == 0 && request->m_minorVersion == 1)) {
        *error = invalid(400,
                         hosts > 1 ? QStringLiteral("more than one Host header")
                                   : QStringLiteral("an HTTP/1.1 request without Host"));
        return false;
    }
    if (!encodings.isEmpty()) {
        if (!lengths.isEmpty()) {
            *error = invalid(400, QStringLiteral("both Content-Length and Transfer-Encoding"));
            return false;
        }
        if (request->m_minorVersion == 0) {
            *error = invalid(400, QStringLiteral("Transfer-Encoding in an HTTP/1.0 request"));
            return false;
        }
        const QList<QByteArray> codings = httpsyntax::listItems(encodings);
        if (codings.constLast() != "chunked") {
            *error = invalid(400, QStringLiteral("the last transfer coding is not chunked"));
            return false;
        }
        if (codings.size() != 1) {
            *error = invalid(501,
                             QStringLiteral("transfer codings other than chunked are not "
                                            "supported"));
            return false;
        }
        request->m_framing = HttpRequest::BodyFraming::Chunked;
        return true;
    }
    if (!lengths.isEmpty()) {
        QString reason;
        qint64 length = 0;
        if (!parseContentLength(lengths, &length, &reason)) {
            *error = invalid(400, reason);
            return false;
        }
        request->m_contentLength = length;
        request->m_framing
            = length > 0 ? HttpRequest::BodyFraming::Length : HttpRequest::BodyFraming::None;
    }
    return true;
}

bool HttpRequestParser::checkWebSocketHandshake(HttpRequest *request, Result *error)
{
    if (!request->headerHasToken("upgrade", "websocket"))
        return true; // other upgrades (h2c) are ignored, as RFC 9110 §7.8 allows
    const auto refuse = [error](const QString &reason) {
        *error = invalid(400, QStringLiteral("malformed WebSocket handshake: ") + reason);
        return false;
    };
    if (request->m_method != HttpRequest::Method::Get || request->m_minorVersion != 1)
        return refuse(QStringLiteral("it must be GET over HTTP/1.1"));
    if (!request->headerHasToken("connection", "upgrade"))
        return refuse(QStringLiteral("Connection does not say upgrade"));
    const QByteArray key = request->value("sec-websocket-key");
    const auto decoded
        = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (key.size() != 24 || !decoded || decoded.decoded.size() != 16)
        return refuse(QStringLiteral("Sec-WebSocket-Key is not 16 bytes in base64"));
    if (request->value("sec-websocket-version") != "13")
        return refuse(QStringLiteral("Sec-WebSocket-Version is not 13"));
    if (request->m_framing != HttpRequest::BodyFraming::None)
        return refuse(QStringLiteral("it has a body"));
    request->m_webSocketUpgrade = true;
    return true;
}

} // namespace inkstream::core
