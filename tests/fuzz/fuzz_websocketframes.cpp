// libFuzzer target: WebSocketFrameReader on arbitrary bytes, as a viewer's connection would
// deliver them. Fed whole and in pieces of the size the first byte picks, it says the same
// things; nothing follows a Close or a Violation; a violation's code is 1002 or 1009; control
// payloads stay within 125 bytes.
#include "core/server/websocketframereader.h"

#include <cstdint>
#include <cstdlib>

using namespace inkstream::core;
using Incoming = WebSocketFrameReader::Incoming;

namespace {

bool same(const Incoming &a, const Incoming &b)
{
    return a.kind == b.kind && a.payload == b.payload && a.code == b.code && a.reason == b.reason;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype piece = 1 + data[0] % 32;
    const qint64 limit = 1 + qint64(data[1]) * 257;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data) + 2, qsizetype(size - 2));

    WebSocketFrameReader whole(limit);
    const QList<Incoming> atOnce = whole.feed(bytes);
    WebSocketFrameReader pieces(limit);
    QList<Incoming> inPieces;
    for (qsizetype at = 0; at < bytes.size(); at += piece)
        inPieces += pieces.feed(bytes.sliced(at, qMin(piece, bytes.size() - at)));
    if (atOnce.size() != inPieces.size())
        std::abort();
    for (qsizetype i = 0; i < atOnce.size(); ++i) {
        const Incoming &said = atOnce.at(i);
        if (!same(said, inPieces.at(i)))
            std::abort();
        const bool last = i == atOnce.size() - 1;
        if ((said.kind == Incoming::Kind::Close || said.kind == Incoming::Kind::Violation) && !last)
            std::abort();
        if (said.kind == Incoming::Kind::Violation && said.code != 1002 && said.code != 1009)
            std::abort();
        if (said.payload.size() > 125)
            std::abort();
    }
    return 0;
}
