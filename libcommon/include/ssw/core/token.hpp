// SPDX-License-Identifier: MIT
// ssw::core::token_source: the one generator of the random words SIP needs (tags, branches,
// cnonces, Call-IDs). Uniqueness, not secrecy, is asked of them (RFC 3261 §19.3: "globally
// unique and cryptographically random" for tags is met in practice by 64 well-mixed bits per
// token from a seed drawn at start); digest nonces, which must resist guessing, are HMACs
// made by registrar::nonce_manager instead. A fixed seed makes tests reproducible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ssw::core {

class token_source {
  public:
    // A seed of 0 draws one from std::random_device.
    explicit token_source(std::uint64_t seed = 0);

    // The next 64 bits (splitmix64).
    std::uint64_t next() noexcept;
    // `digits` lowercase hex digits (at most 16) of the next 64 bits.
    [[nodiscard]] std::string hex(std::size_t digits = 16);
    // A branch with RFC 3261's magic cookie: "z9hG4bK" and 16 hex digits.
    [[nodiscard]] std::string branch();

  private:
    std::uint64_t state_;
};

} // namespace ssw::core
