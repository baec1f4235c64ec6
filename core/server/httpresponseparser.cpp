#include "core/server/httpresponseparser.h"

#include "core/server/httpsyntax.h"

namespace inkstream::core {

QByteArray HttpResponseParser::Head::value(QByteArrayView name) const
{
    QByteArray joined;
    for (const Header &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (!joined.isEmpty())
            joined += ", ";
        joined += header.second;
    }
    return joined;
}

HttpResponseParser::Result HttpResponseParser::invalid(const QString &reason)
{
    Result result;
    result.status = Status::Invalid;
    result.reason = reason;
    return result;
}

HttpResponseParser::Result HttpResponseParser::parseHead(QByteArrayView data,
                                                         QByteArrayView requestMethod, Head *head)
{
    *head = Head();
    qsizetype position = 0;
    bool statusLineSeen = false;
    Result error;
    while (true) {
        const qsizetype end = data.indexOf('\n', position);
        if (end < 0 || end + 1 > kMaxHeadBytes) {
            if (data.size() > kMaxHeadBytes || end >= 0)
                return invalid(
                    QStringLiteral("the response head exceeds %1 bytes").arg(kMaxHeadBytes));
            return Result {};
        }
        QByteArrayView line = data.sliced(position, end - position);
        position = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (!statusLineSeen) {
            if (!parseStatusLine(line, head, &error))
                return error;
            statusLineSeen = true;
            continue;
        }
        if (line.isEmpty())
            break;
        if (head->headers.size() >= kMaxHeaders)
            return invalid(QStringLiteral("more than %1 header fields").arg(kMaxHeaders));
        if (line.front() == ' ' || line.front() == '\t')
            return invalid(QStringLiteral("obsolete line folding in a header field"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !httpsyntax::isToken(line.first(colon)))
            return invalid(QStringLiteral("a header field without a valid name"));
        const QByteArrayView value = httpsyntax::trimmedWhitespace(line.sliced(colon + 1));
        if (!httpsyntax::isFieldValue(value))
            return invalid(QStringLiteral("a control character in header field %1")
                               .arg(QString::fromLatin1(line.first(colon))));
        head->headers.append({line.first(colon).toByteArray(), value.toByteArray()});
    }
    if (!decideFraming(requestMethod, head, &error))
        return error;
    Result result;
    result.status = Status::Complete;
    result.headBytes = position;
    return result;
}

bool HttpResponseParser::parseStatusLine(QByteArrayView line, Head *head, Result *error)
{
    // HTTP/1.x SP 3DIGIT SP reason (the reason may be empty, and the space before it missing).
    const bool shaped = line.size() >= 12 && line.startsWith("HTTP/1.") && line.at(8) == ' '
        && (line.at(7) == '0' || line.at(7) == '1') && (line.size() == 12 || line.at(12) == ' ');
    int status = 0;
    for (qsizetype i = 9; shaped && i < 12; ++i) {
        if (line.at(i) < '0' || line.at(i) > '9') {
            status = -1;
            break;
        }
        status = status * 10 + (line.at(i) - '0');
    }
    if (!shaped || status < 100) {
        *error
            = invalid(QStringLiteral("the status line is not HTTP/1.x CODE REASON: \"%1\"")
                          .arg(QString::fromLatin1(line.first(qMin<qsizetype>(line.size(), 60)))));
        return false;
    }
    const QByteArrayView reason = line.size() > 13 ? line.sliced(13) : QByteArrayView();
    if (!httpsyntax::isFieldValue(reason)) {
        *error = invalid(QStringLiteral("a control character in the status line"));
        return false;
    }
    head->minorVersion = line.at(7) - '0';
    head->status = status;
    head->reason = reason.toByteArray();
    return true;
}

bool HttpResponseParser::decideFraming(QByteArrayView requestMethod, Head *head, Result *error)
{
    QList<QByteArray> lengths;
    QList<QByteArray> encodings;
    QList<QByteArray> connection;
    for (const Header &header : std::as_const(head->headers)) {
        if (header.first.compare("content-length", Qt::CaseInsensitive) == 0)
            lengths.append(header.second);
        else if (header.first.compare("transfer-encoding", Qt::CaseInsensitive) == 0)
            encodings.append(header.second);
        else if (header.first.compare("connection", Qt::CaseInsensitive) == 0)
            connection.append(header.second);
    }
    const QList<QByteArray> options = httpsyntax::listItems(connection);
    head->keepAlive
        = head->minorVersion == 1 ? !options.contains("close") : options.contains("keep-alive");

    // RFC 9112 §6.3, in its order.
    if (requestMethod == "HEAD" || head->status < 200 || head->status == 204
        || head->status == 304) {
        head->framing = Framing::None;
        return true;
    }
    if (!encodings.isEmpty()) {
        // A length beside an encoding is ignored, and the connection not reused (§6.3 item 3).
        if (!lengths.isEmpty())
            head->keepAlive = false;
        if (httpsyntax::listItems(encodings).constLast() == "chunked") {
            head->framing = Framing::Chunked;
        } else {
            head->framing = Framing::UntilClose;
            head->keepAlive = false;
        }
        return true;
    }
    if (!lengths.isEmpty()) {
        QString reason;
        if (!httpsyntax::parseContentLength(lengths, &head->contentLength, &reason)) {
            *error = invalid(reason);
            return false;
        }
        head->framing = Framing::Length;
        return true;
    }
    head->framing = Framing::UntilClose;
    head->keepAlive = false;
    return true;
}

} // namespace inkstream::core
