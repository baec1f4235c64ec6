// libFuzzer target: HttpRequestParser and ChunkedBodyDecoder on arbitrary bytes. The head is
// parsed whole and, for every prefix the first byte picks, as a connection receiving it in
// pieces would: a prefix is never Complete with a different head, a refusal never turns into
// acceptance when more bytes arrive, and a complete head's framing is consistent. What follows
// a complete chunked head is fed to the chunked decoder in pieces; the body it decodes never
// exceeds the limit, and the same bytes fed whole decode to the same body. The same bytes are
// read as an upstream's response head (HttpResponseParser, the tap's client) under the same
// prefix rules.
#include "core/server/chunkedbodydecoder.h"
#include "core/server/httprequestparser.h"
#include "core/server/httpresponseparser.h"

#include <QLoggingCategory>
#include <cstdint>
#include <cstdlib>

using namespace inkstream::core;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    QLoggingCategory::setFilterRules(QStringLiteral("inkstream.*=false"));
    return 0;
}

namespace {

ChunkedBodyDecoder::Status decode(QByteArrayView bytes, qsizetype piece, qint64 limit,
                                  QByteArray *body)
{
    ChunkedBodyDecoder decoder(limit);
    QByteArray pending;
    qsizetype offset = 0;
    ChunkedBodyDecoder::Status status = ChunkedBodyDecoder::Status::NeedMore;
    while (status == ChunkedBodyDecoder::Status::NeedMore && offset < bytes.size()) {
        const qsizetype take = qMin(piece, bytes.size() - offset);
        pending.append(bytes.sliced(offset, take));
        offset += take;
        qsizetype consumed = 0;
        status = decoder.feed(pending, body, &consumed);
        if (consumed < 0 || consumed > pending.size())
            std::abort();
        pending.remove(0, consumed);
        if (body->size() > limit)
            std::abort();
    }
    return status;
}

void checkResponseHead(QByteArrayView bytes, qsizetype piece, QByteArrayView method)
{
    using Parser = HttpResponseParser;
    Parser::Head whole;
    const Parser::Result result = Parser::parseHead(bytes, method, &whole);
    switch (result.status) {
    case Parser::Status::Complete:
        if (result.headBytes <= 0 || result.headBytes > bytes.size()
            || result.headBytes > Parser::kMaxHeadBytes || whole.status < 100 || whole.status > 999
            || whole.contentLength < 0 || whole.headers.size() > Parser::kMaxHeaders)
            std::abort();
        if (method == "HEAD" && whole.framing != Parser::Framing::None)
            std::abort();
        if (whole.framing == Parser::Framing::UntilClose && whole.keepAlive)
            std::abort(); // a body ended by the close cannot leave the connection reusable
        break;
    case Parser::Status::Invalid:
        if (result.reason.isEmpty())
            std::abort();
        break;
    case Parser::Status::Incomplete:
        if (bytes.size() > Parser::kMaxHeadBytes)
            std::abort();
        break;
    }
    for (qsizetype end = piece; end < bytes.size(); end += piece) {
        Parser::Head partial;
        const auto early = Parser::parseHead(bytes.first(end), method, &partial);
        if (early.status == Parser::Status::Complete
            && (result.status != Parser::Status::Complete || early.headBytes != result.headBytes
                || partial.status != whole.status || partial.framing != whole.framing))
            std::abort();
        if (early.status == Parser::Status::Invalid && result.status != Parser::Status::Invalid)
            std::abort();
        if (early.status != Parser::Status::Incomplete)
            break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype piece = 1 + data[0] % 64;
    const HttpHeadLimits limits {qsizetype(64 + data[1] * 64), 1 + data[1] % 100};
    const QByteArrayView bytes(reinterpret_cast<const char *>(data) + 2, qsizetype(size - 2));

    checkResponseHead(bytes, piece, data[1] & 1 ? "HEAD" : "POST");

    HttpRequest whole;
    const HttpRequestParser::Result result = HttpRequestParser::parseHead(bytes, &whole, limits);
    switch (result.status) {
    case HttpRequestParser::Status::Complete:
        if (result.headBytes <= 0 || result.headBytes > bytes.size()
            || result.headBytes > limits.maxHeadBytes)
            std::abort();
        if (whole.bodyFraming() == HttpRequest::BodyFraming::Length && whole.contentLength() <= 0)
            std::abort();
        if (whole.isWebSocketUpgrade() && whole.bodyFraming() != HttpRequest::BodyFraming::None)
            std::abort();
        break;
    case HttpRequestParser::Status::Invalid:
        if (result.httpStatus < 400 || result.httpStatus > 505 || result.reason.isEmpty())
            std::abort();
        break;
    case HttpRequestParser::Status::Incomplete:
        if (bytes.size() > limits.maxHeadBytes)
            std::abort(); // a head past the limit must be refused, not waited for
        break;
    }

    // Growing prefixes: Complete and Invalid are final answers.
    for (qsizetype end = piece; end < bytes.size(); end += piece) {
        HttpRequest partial;
        const auto early = HttpRequestParser::parseHead(bytes.first(end), &partial, limits);
        if (early.status == HttpRequestParser::Status::Complete
            && (result.status != HttpRequestParser::Status::Complete
                || early.headBytes != result.headBytes || partial.target() != whole.target()))
            std::abort();
        if (early.status == HttpRequestParser::Status::Invalid
            && result.status != HttpRequestParser::Status::Invalid)
            std::abort();
        if (early.status != HttpRequestParser::Status::Incomplete)
            break;
    }

    if (result.status == HttpRequestParser::Status::Complete) {
        const QByteArrayView rest = bytes.sliced(result.headBytes);
        const qint64 limit = 1 + data[1] * 16;
        QByteArray inPieces;
        QByteArray atOnce;
        const auto piecewise = decode(rest, piece, limit, &inPieces);
        const auto whole_ = decode(rest, rest.size() + 1, limit, &atOnce);
        if (piecewise != whole_ && piecewise != ChunkedBodyDecoder::Status::NeedMore
            && whole_ != ChunkedBodyDecoder::Status::NeedMore)
            std::abort();
        if (piecewise == ChunkedBodyDecoder::Status::Done
            && (whole_ != ChunkedBodyDecoder::Status::Done || inPieces != atOnce))
            std::abort();
    }
    return 0;
}
