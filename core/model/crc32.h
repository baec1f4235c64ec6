#pragma once

#include <QByteArrayView>

namespace inkstream::core {

// CRC-32 as zlib, PNG and Ethernet compute it (reflected polynomial 0xEDB88320), the checksum of
// every record of a recording or session log (LogRecord). On x86-64 CPUs with carry-less
// multiplication (PCLMULQDQ, every one since 2010) runs of 64 bytes and more are folded 16 bytes
// at a time; elsewhere, and for the rest, eight bytes at a time through tables.
class Crc32 final
{
public:
    // The CRC of `bytes`; pass a previous result as `crc` to continue it over more bytes.
    static quint32 compute(QByteArrayView bytes, quint32 crc = 0);
    // The same through the tables only (what compute() does without PCLMULQDQ).
    static quint32 computeByTables(QByteArrayView bytes, quint32 crc = 0);
    // Whether compute() folds with carry-less multiplication on this CPU.
    static bool usesCarryLessMultiply();
};

} // namespace inkstream::core
