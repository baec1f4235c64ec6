#include "core/protocol/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace inkstream::core {

namespace {

struct LeadInfo
{
    int continuations = -1; // -1: not a lead byte
    unsigned char lower = 0x80;
    unsigned char upper = 0xBF;
};

// The Encoding standard's table of lead bytes and the bounds of the first continuation byte.
LeadInfo leadInfo(unsigned char c)
{
    if (c >= 0xC2 && c <= 0xDF)
        return {1, 0x80, 0xBF};
    if (c == 0xE0)
        return {2, 0xA0, 0xBF};
    if (c == 0xED)
        return {2, 0x80, 0x9F};
    if (c >= 0xE1 && c <= 0xEF)
        return {2, 0x80, 0xBF};
    if (c == 0xF0)
        return {3, 0x90, 0xBF};
    if (c >= 0xF1 && c <= 0xF3)
        return {3, 0x80, 0xBF};
    if (c == 0xF4)
        return {3, 0x80, 0x8F};
    return {};
}

qsizetype validPrefix(const unsigned char *s, qsizetype n)
{
    qsizetype i = 0;
    while (i < n) {
#if defined(__SSE2__)
        while (n - i >= 16) {
            const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s + i));
            const int mask = _mm_movemask_epi8(chunk);
            if (mask != 0) {
                i += __builtin_ctz(static_cast<unsigned>(mask));
                break;
            }
            i += 16;
        }
        if (i >= n)
            break;
#endif
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        const LeadInfo lead = leadInfo(c);
        if (lead.continuations < 0 || n - i <= lead.continuations)
            return i;
        const unsigned char first = s[i + 1];
        if (first < lead.lower || first > lead.upper)
            return i;
        for (int k = 2; k <= lead.continuations; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        }
        i += lead.continuations + 1;
    }
    return n;
}

// Bytes of the maximal subpart starting at an ill-formed position (at least one).
qsizetype maximalSubpart(const unsigned char *s, qsizetype n)
{
    const LeadInfo lead = leadInfo(s[0]);
    qsizetype consumed = 1;
    if (lead.continuations < 0)
        return consumed;
    unsigned char lower = lead.lower;
    unsigned char upper = lead.upper;
    for (int k = 1; k <= lead.continuations && consumed < n; ++k) {
        const unsigned char b = s[consumed];
        if (b < lower || b > upper)
            break;
        lower = 0x80;
        upper = 0xBF;
        ++consumed;
    }
    return consumed;
}

} // namespace

qsizetype Utf8::validPrefixLength(QByteArrayView bytes)
{
    return validPrefix(reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
}

void Utf8::appendSanitized(QByteArray &out, QByteArrayView bytes)
{
    const auto *s = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype n = bytes.size();
    qsizetype valid = validPrefix(s, n);
    if (valid == n) {
        out.append(bytes);
        return;
    }
    qsizetype i = 0;
    for (;;) {
        out.append(bytes.data() + i, valid);
        i += valid;
        if (i >= n)
            break;
        out.append("\xEF\xBF\xBD", 3);
        i += maximalSubpart(s + i, n - i);
        valid = validPrefix(s + i, n - i);
    }
}

QByteArray Utf8::sanitized(QByteArrayView bytes)
{
    QByteArray out;
    appendSanitized(out, bytes);
    return out;
}

} // namespace inkstream::core
