#include "core/model/crc32.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define INKSTREAM_CRC32_CLMUL 1
#endif

namespace inkstream::core {

namespace {

using CrcTables = std::array<std::array<quint32, 256>, 8>;

constexpr CrcTables makeTables()
{
    CrcTables tables {};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 crc = i;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        tables[0][i] = crc;
    }
    for (quint32 i = 0; i < 256; ++i) {
        for (std::size_t t = 1; t < tables.size(); ++t)
            tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][tables[t - 1][i] & 0xFF];
    }
    return tables;
}

constexpr CrcTables kTables = makeTables();

// Slicing by eight on the register value (the CRC already inverted).
quint32 updateByTables(quint32 crc, const unsigned char *p, qsizetype left)
{
    while (left >= 8) {
        quint32 low = 0;
        quint32 high = 0;
        std::memcpy(&low, p, 4);
        std::memcpy(&high, p + 4, 4);
        low ^= crc; // little-endian, as every machine this builds for
        crc = kTables[7][low & 0xFF] ^ kTables[6][(low >> 8) & 0xFF]
            ^ kTables[5][(low >> 16) & 0xFF] ^ kTables[4][low >> 24] ^ kTables[3][high & 0xFF]
            ^ kTables[2][(high >> 8) & 0xFF] ^ kTables[1][(high >> 16) & 0xFF]
            ^ kTables[0][high >> 24];
        p += 8;
        left -= 8;
    }
    while (left-- > 0)
        crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xFF];
    return crc;
}

#ifdef INKSTREAM_CRC32_CLMUL

// Folding constants for the reflected polynomial (Intel, "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ Instruction", 2009): x^k mod P, bit-reflected, for the distances
// folded over — 4 x 128 bits (+/- 32), 128 bits (+/- 32), 64 bits — and Barrett's constant
// floor(x^64 / P) with P itself for the last step.
constexpr quint64 kFold4Low = 0x154442bd4; // x^(4*128+32) mod P
constexpr quint64 kFold4High = 0x1c6e41596; // x^(4*128-32) mod P
constexpr quint64 kFold1Low = 0x1751997d0; // x^(128+32) mod P
constexpr quint64 kFold1High = 0x0ccaa009e; // x^(128-32) mod P
constexpr quint64 kFold64 = 0x163cd6124; // x^64 mod P
constexpr quint64 kPolynomial = 0x1db710641;
constexpr quint64 kBarrett = 0x1f7011641;

__attribute__((target("pclmul,sse4.1"))) inline __m128i fold(__m128i value, __m128i constants,
                                                             __m128i next)
{
    const __m128i low = _mm_clmulepi64_si128(value, constants, 0x00);
    const __m128i high = _mm_clmulepi64_si128(value, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("pclmul,sse4.1"))) inline __m128i load(const unsigned char *p)
{
    return _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
}

// `length` is at least 64 and a multiple of 16; returns the register value after those bytes.
__attribute__((target("pclmul,sse4.1"))) quint32
updateByFolding(quint32 crc, const unsigned char *p, qsizetype length)
{
    __m128i x0 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(int(crc)));
    __m128i x1 = load(p + 16);
    __m128i x2 = load(p + 32);
    __m128i x3 = load(p + 48);
    p += 64;
    length -= 64;
    const __m128i fold4 = _mm_set_epi64x(qint64(kFold4High), qint64(kFold4Low));
    while (length >= 64) {
        x0 = fold(x0, fold4, load(p));
        x1 = fold(x1, fold4, load(p + 16));
        x2 = fold(x2, fold4, load(p + 32));
        x3 = fold(x3, fold4, load(p + 48));
        p += 64;
        length -= 64;
    }
    const __m128i fold1 = _mm_set_epi64x(qint64(kFold1High), qint64(kFold1Low));
    __m128i x = fold(x0, fold1, x1);
    x = fold(x, fold1, x2);
    x = fold(x, fold1, x3);
    while (length >= 16) {
        x = fold(x, fold1, load(p));
        p += 16;
        length -= 16;
    }
    // 128 bits to 64: the low half moves up by 64 bits' worth.
    x = _mm_xor_si128(_mm_clmulepi64_si128(x, fold1, 0x10), _mm_srli_si128(x, 8));
    // 64 bits to 32 (kept in 64 bits of the register).
    const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
    const __m128i fold64 = _mm_set_epi64x(0, qint64(kFold64));
    x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, mask32), fold64, 0x00),
                      _mm_srli_si128(x, 4));
    // Barrett reduction to the 32-bit remainder.
    const __m128i barrett = _mm_set_epi64x(qint64(kBarrett), qint64(kPolynomial));
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), barrett, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), barrett, 0x00);
    return quint32(_mm_extract_epi32(_mm_xor_si128(x, t), 1));
}

bool detectCarryLessMultiply()
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

const bool kHasCarryLessMultiply = detectCarryLessMultiply();

#endif

} // namespace

quint32 Crc32::computeByTables(QByteArrayView bytes, quint32 crc)
{
    return ~updateByTables(~crc, reinterpret_cast<const unsigned char *>(bytes.data()),
                           bytes.size());
}

quint32 Crc32::compute(QByteArrayView bytes, quint32 crc)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    qsizetype left = bytes.size();
    crc = ~crc;
#ifdef INKSTREAM_CRC32_CLMUL
    if (left >= 64 && kHasCarryLessMultiply) {
        const qsizetype folded = left & ~qsizetype(15);
        crc = updateByFolding(crc, p, folded);
        p += folded;
        left -= folded;
    }
#endif
    return ~updateByTables(crc, p, left);
}

bool Crc32::usesCarryLessMultiply()
{
#ifdef INKSTREAM_CRC32_CLMUL
    return kHasCarryLessMultiply;
#else
    return false;
#endif
}

} // namespace inkstream::core
