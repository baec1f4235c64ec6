#pragma once

// Whether this test binary was built with AddressSanitizer (GCC says so with a macro, Clang
// through __has_feature): tests that read the process's memory use then measure ASan's
// allocator, not the one users run.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif
