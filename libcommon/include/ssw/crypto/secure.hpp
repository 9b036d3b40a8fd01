// SPDX-License-Identifier: MIT
// Randomness, constant-time comparison and wiping of secrets, over OpenSSL.
#pragma once

#include <ssw/core/result.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace ssw::crypto {

// Fills `out` from OpenSSL's CSPRNG (RAND_bytes). crypto_error, with OpenSSL's reason, when
// the generator cannot deliver (not seeded, no entropy source): callers must not go on with
// the buffer's old contents.
[[nodiscard]] result<void> random_bytes(std::span<std::uint8_t> out);

// a == b in time that depends only on the length (CRYPTO_memcmp); different lengths are
// unequal at once, lengths are not secret here.
[[nodiscard]] bool equal_constant_time(std::string_view a, std::string_view b) noexcept;

// Overwrites `bytes` with zeros in a way the compiler cannot drop (OPENSSL_cleanse).
void cleanse(std::span<std::uint8_t> bytes) noexcept;

} // namespace ssw::crypto
