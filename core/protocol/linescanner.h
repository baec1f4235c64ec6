#pragma once

#include <QtGlobal>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace inkstream::core {

// Finds line ends (CR or LF) in one buffer, and whether each line is pure ASCII, looking at
// every byte once: a 64-byte block is classified at a time into two bit masks (line ends, bytes
// >= 0x80) and the lines inside it are then found by bit arithmetic. Event streams have short
// lines (`id:`, `event:`, blank), so this beats scanning afresh from every line start.
// Inline, because the SSE parser's loop calls it for every line.
class LineScanner final
{
public:
    LineScanner(const char *begin, const char *end)
        : m_begin(begin)
        , m_end(end)
    {
        load(begin);
    }

    // The first CR or LF at or after `p` (p >= every earlier `p`, p <= end), or end. Clears
    // *ascii when a byte in [p, result) is not ASCII.
    const char *lineEnd(const char *p, bool *ascii)
    {
        if (p - m_block >= kBlock)
            load(m_begin + (p - m_begin) / kBlock * kBlock);
        unsigned shift = unsigned(p - m_block);
        for (;;) {
            const std::uint64_t ends = m_ends >> shift;
            const std::uint64_t high = m_high >> shift;
            if (ends != 0) {
                const unsigned at = unsigned(__builtin_ctzll(ends));
                if ((high & ((std::uint64_t(1) << at) - 1)) != 0) // at <= 63 here
                    *ascii = false;
                return m_block + shift + at;
            }
            if (high != 0)
                *ascii = false;
            if (m_end - m_block <= kBlock)
                return m_end;
            load(m_block + kBlock);
            shift = 0;
        }
    }

private:
    static constexpr qsizetype kBlock = 64;

    void load(const char *block)
    {
        m_block = block;
        const qsizetype available = m_end - block;
        if (available >= kBlock) {
            classify(block);
            return;
        }
        // The buffer's last partial block: zero padding holds neither line ends nor high bytes.
        alignas(16) char padded[kBlock] = {};
        if (available > 0)
            std::memcpy(padded, block, size_t(available));
        classify(padded);
    }

    void classify(const char *bytes)
    {
#if defined(__SSE2__)
        const __m128i cr = _mm_set1_epi8('\r');
        const __m128i lf = _mm_set1_epi8('\n');
        std::uint64_t ends = 0;
        std::uint64_t high = 0;
        for (int part = 0; part < 4; ++part) {
            const __m128i chunk
                = _mm_loadu_si128(reinterpret_cast<const __m128i *>(bytes + part * 16));
            const auto endMask = std::uint32_t(_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(chunk, cr), _mm_cmpeq_epi8(chunk, lf))));
            const auto highMask = std::uint32_t(_mm_movemask_epi8(chunk));
            ends |= std::uint64_t(endMask) << (part * 16);
            high |= std::uint64_t(highMask) << (part * 16);
        }
        m_ends = ends;
        m_high = high;
#else
        m_ends = 0;
        m_high = 0;
        for (int i = 0; i < kBlock; ++i) {
            const auto byte = static_cast<unsigned char>(bytes[i]);
            if (byte == '\r' || byte == '\n')
                m_ends |= std::uint64_t(1) << i;
            if (byte >= 0x80)
                m_high |= std::uint64_t(1) << i;
        }
#endif
    }

    const char *const m_begin;
    const char *const m_end;
    const char *m_block = nullptr;
    std::uint64_t m_ends = 0; // bit i: m_block[i] is CR or LF
    std::uint64_t m_high = 0; // bit i: m_block[i] >= 0x80
};

} // namespace inkstream::core
