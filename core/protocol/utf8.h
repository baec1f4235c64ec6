#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace inkstream::core {

// UTF-8 validation and repair as the WHATWG Encoding standard's "UTF-8 decode" does it: each
// maximal subpart of an ill-formed sequence becomes one U+FFFD. ASCII runs take a SIMD fast path.
class Utf8 final
{
public:
    // Length of the longest prefix of `bytes` that is complete, well-formed UTF-8.
    static qsizetype validPrefixLength(QByteArrayView bytes);
    static bool isValid(QByteArrayView bytes) { return validPrefixLength(bytes) == bytes.size(); }
    // Appends `bytes` to `out`, replacing ill-formed sequences with U+FFFD (EF BF BD). An
    // incomplete sequence at the end counts as ill-formed: callers pass whole units (lines).
    static void appendSanitized(QByteArray &out, QByteArrayView bytes);
    static QByteArray sanitized(QByteArrayView bytes);
};

} // namespace inkstream::core
