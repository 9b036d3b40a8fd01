// SPDX-License-Identifier: MIT
// The native payload ciphers (modes 1 XOR, 2 RC4, 3 AES-128-CTR): in place, per packet, reusable.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/crypto/header_fields.hpp>
#include <ssw/crypto/key.hpp>

#include <cstdint>
#include <memory>
#include <span>

namespace ssw::crypto {

// Largest payload one call accepts (a UDP datagram).
inline constexpr std::size_t max_payload_bytes = 65535;

// One cipher context of the native scheme (specified in rtpcrypt(1), "Native scheme").
// Every packet is processed on its own, so encrypting and decrypting are the same XOR of
// a keystream derived from the key and the packet's header fields:
//   mode 1: payload[i] ^= key[i mod keylen]
//   mode 2: RC4 keyed with key || SSRC || TS || SEQ (big-endian), no bytes dropped
//   mode 3: AES-128-CTR, initial block SSRC || TS || SEQ || 0x0000 || counter(32)=0
// Build one per key and direction (the relay holds one per leg) and reuse it; apply()
// allocates nothing. A context is not thread-safe; use one per thread.
class payload_cipher {
  public:
    // Checks the key for the mode (check_key) and sets up OpenSSL. crypto_error when the
    // key does not fit or OpenSSL refuses; RC4 fails with crypto_error naming the legacy
    // provider when it cannot be loaded. mode::none gives a context that changes nothing.
    [[nodiscard]] static result<payload_cipher> make(mode m, std::span<const std::uint8_t> key);

    payload_cipher(payload_cipher&& other) noexcept;
    payload_cipher& operator=(payload_cipher&& other) noexcept;
    payload_cipher(const payload_cipher&) = delete;
    payload_cipher& operator=(const payload_cipher&) = delete;
    ~payload_cipher();

    // XORs the keystream for this packet over `payload` in place (encrypt == decrypt).
    // limit_exceeded above max_payload_bytes; crypto_error if OpenSSL fails.
    [[nodiscard]] result<void> apply(std::span<std::uint8_t> payload, const header_fields& fields);

    [[nodiscard]] mode cipher_mode() const noexcept;

    struct impl;

  private:
    explicit payload_cipher(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

// Test hook: the OpenSSL provider name loaded for RC4 ("legacy" by default, or
// $SSW_OPENSSL_LEGACY_PROVIDER). Naming one that does not exist simulates a system without
// the legacy provider. Empty restores the default. Affects contexts made afterwards.
void set_legacy_provider_name(std::string_view name);

} // namespace ssw::crypto
