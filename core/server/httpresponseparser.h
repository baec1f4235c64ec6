#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <utility>

namespace inkstream::core {

// Reads the head of an HTTP/1.x response (status line and header fields, RFC 9112) that an
// upstream server sends, and decides how its body is framed. The fields are kept as they came
// — names in their case, repeats apart, in order — so they can be passed on unchanged.
class HttpResponseParser final
{
public:
    enum class Status { Incomplete, Complete, Invalid };
    // How the body ends: after Content-Length bytes, after the last chunk, when the connection
    // closes, or at once (HEAD, 1xx, 204, 304).
    enum class Framing { None, Length, Chunked, UntilClose };
    using Header = std::pair<QByteArray, QByteArray>;
    struct Head
    {
        int status = 0;
        QByteArray reason;
        int minorVersion = 1;
        QList<Header> headers;
        Framing framing = Framing::UntilClose;
        qint64 contentLength = 0;
        bool keepAlive = true; // the connection may carry another request after this one

        // The value of `name` (any case); repeats joined with ", ".
        QByteArray value(QByteArrayView name) const;
    };
    struct Result
    {
        Status status = Status::Incomplete;
        qsizetype headBytes = 0; // Complete: where the body starts
        QString reason; // Invalid: why
    };
    static constexpr qsizetype kMaxHeadBytes = 64 * 1024;
    static constexpr int kMaxHeaders = 200;

    // Parses `data`, the bytes received since the response started. `requestMethod` decides
    // whether a body follows (none after HEAD).
    static Result parseHead(QByteArrayView data, QByteArrayView requestMethod, Head *head);

private:
    static Result invalid(const QString &reason);
    static bool parseStatusLine(QByteArrayView line, Head *head, Result *error);
    static bool decideFraming(QByteArrayView requestMethod, Head *head, Result *error);
};

} // namespace inkstream::core
