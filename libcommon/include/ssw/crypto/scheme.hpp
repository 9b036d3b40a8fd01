// SPDX-License-Identifier: MIT
// Cipher schemes as data: the native scheme and the provisional hypotheses rtpcrypt can test.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/crypto/header_fields.hpp>
#include <ssw/crypto/key.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ssw::crypto {

// The primitive a scheme runs.
enum class cipher_kind : std::uint8_t { xor_pad, rc4, aes_ctr, aes_ecb, aes_cbc };

// How the AES key is made from the key bytes (rtpcrypt(1), --kdf).
enum class key_derivation : std::uint8_t {
    raw,    // the key bytes as they are; exactly 16 required
    padded, // zero-padded or truncated to 16 bytes
    md5,    // MD5(key bytes)
};

// Whether the keystream restarts with every packet or runs on across a stream.
enum class keystream_reset : std::uint8_t { per_packet, per_stream };

// What seeds the keystream besides the key.
enum class iv_source : std::uint8_t {
    none,          // the key alone
    header_fields, // SSRC || TS || SEQ (native RC4 key suffix, native AES counter block)
    zero,          // an all-zero IV (CBC)
};

// What happens to the bytes after the last whole 16-byte block.
enum class tail_policy : std::uint8_t { keystream, clear };

// One scheme: {mode, key derivation, reset, IV source, tail policy} (rtpcrypt(1),
// "Provisional schemes").
// `native` is true only for the scheme ssw itself speaks; all others are provisional
// hypotheses and must be called so in output.
struct scheme {
    std::string_view name;
    mode native_mode; // the SS_RTPENCRYPTIONMODE value the scheme belongs to
    cipher_kind cipher;
    keystream_reset reset;
    iv_source iv;
    tail_policy tail;
    bool native;
    std::string_view summary; // one line for --help and diagnosis output
};

// Every scheme, native ones first (one per mode 1-3), then the hypotheses.
[[nodiscard]] std::span<const scheme> all_schemes() noexcept;

// The scheme called `name` for `m`: "native" needs the mode (1-3); a hypothesis name fixes its
// own mode, and a given mode that disagrees is invalid_argument. not_found for unknown names
// (the message lists the known ones).
[[nodiscard]] result<const scheme*> find_scheme(std::string_view name, std::optional<mode> m);

// "raw", "pad" (also "padded"), "md5".
[[nodiscard]] result<key_derivation> parse_key_derivation(std::string_view text);
[[nodiscard]] std::string_view to_string(key_derivation d) noexcept;

// The AES key a derivation gives (16 bytes); crypto_error when raw and not 16 bytes.
[[nodiscard]] result<key_bytes> derive_aes_key(key_derivation d, std::span<const std::uint8_t> key);

// A cipher context for any scheme. Per-packet schemes behave like payload_cipher; a
// per-stream scheme (rc4-stream) carries its keystream across calls in the order packets
// are given, so hold one per direction and call reset() to restart it. ECB and CBC schemes
// differ between encrypt and decrypt; the XOR-keystream ones do not. No allocation per call.
class scheme_cipher {
  public:
    // crypto_error when the key does not fit the scheme and derivation (derivation applies
    // to AES schemes only; others ignore it) or OpenSSL refuses.
    [[nodiscard]] static result<scheme_cipher> make(const scheme& s, key_derivation d,
                                                    std::span<const std::uint8_t> key);

    scheme_cipher(scheme_cipher&& other) noexcept;
    scheme_cipher& operator=(scheme_cipher&& other) noexcept;
    scheme_cipher(const scheme_cipher&) = delete;
    scheme_cipher& operator=(const scheme_cipher&) = delete;
    ~scheme_cipher();

    // Encrypts or decrypts `payload` in place; length never changes. limit_exceeded above
    // max_payload_bytes, crypto_error if OpenSSL fails.
    [[nodiscard]] result<void> encrypt(std::span<std::uint8_t> payload,
                                       const header_fields& fields);
    [[nodiscard]] result<void> decrypt(std::span<std::uint8_t> payload,
                                       const header_fields& fields);

    // Restarts a per-stream keystream (no effect on per-packet schemes).
    [[nodiscard]] result<void> reset();

    [[nodiscard]] const scheme& get_scheme() const noexcept;
    [[nodiscard]] key_derivation derivation() const noexcept;

    struct impl;

  private:
    explicit scheme_cipher(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

} // namespace ssw::crypto
