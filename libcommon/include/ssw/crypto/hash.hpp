// SPDX-License-Identifier: MIT
// The hashes of digest authentication (MD5, SHA-256) and a pre-keyed HMAC-SHA256, over OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace ssw::crypto {

enum class hash_algorithm : std::uint8_t { md5, sha256 };

// H(p1 ":" p2 ":" ...) in lowercase hex: the H() and KD() of RFC 7616 §3.4.1 without building
// the joined string. The algorithm is fetched once per process and one context is reused per
// thread (a registrar hashes four or five times per REGISTER). Returns an empty string if
// OpenSSL refuses (a broken installation): it never equals a client's response.
[[nodiscard]] std::string hash_hex(hash_algorithm algorithm,
                                   std::initializer_list<std::string_view> parts);

// HMAC-SHA256 (RFC 2104) with the key schedule done once: the SHA-256 states after the
// ipad and opad blocks are kept and copied for each message, half the compressions of
// re-keying.
class hmac_sha256 {
  public:
    static constexpr std::size_t block_bytes = 64;
    static constexpr std::size_t mac_bytes = 32;
    using mac_type = std::array<std::uint8_t, mac_bytes>;

    // Keys longer than block_bytes are hashed first (RFC 2104 §2). The key bytes are not
    // kept, only the two hash states.
    explicit hmac_sha256(std::span<const std::uint8_t> key);
    hmac_sha256(hmac_sha256&&) noexcept;
    hmac_sha256& operator=(hmac_sha256&&) noexcept;
    ~hmac_sha256();

    // HMAC(key, p1 || p2 || ...). All zero bytes if OpenSSL refuses (never in practice;
    // a zero MAC matches nothing the callers issued). Not thread-safe: one scratch context.
    [[nodiscard]] mac_type mac(std::initializer_list<std::string_view> parts) const;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

} // namespace ssw::crypto
