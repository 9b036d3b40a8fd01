// SPDX-License-Identifier: MIT
// Private OpenSSL plumbing of the crypto module: contexts, fetched ciphers, keystream engines.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/crypto/header_fields.hpp>

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace ssw::crypto::detail {

struct ctx_deleter {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_deleter>;

// crypto_error "<what>: <OpenSSL's queued reason>" (the queue is cleared).
error openssl_failure(std::string_view what);

// Ciphers fetched once per process. RC4 comes from a private library context with the
// legacy and default providers loaded; crypto_error names the provider when it is missing.
result<const EVP_CIPHER*> fetch_rc4();
result<const EVP_CIPHER*> fetch_aes128(std::string_view name); // "AES-128-ECB", "AES-128-CBC"

// A new context initialised for `cipher` with `key` (no IV), padding off.
result<ctx_ptr> make_ctx(const EVP_CIPHER* cipher, std::span<const std::uint8_t> key, bool encrypt);

void store_be32(std::uint8_t* p, std::uint32_t v) noexcept;
void xor_bytes(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) noexcept;

// AES-128-CTR keystream by encrypting counter blocks with ECB in batches (no per-packet
// re-initialisation, which would dominate at 160-byte payloads).
class aes_ctr_engine {
public:
    static result<aes_ctr_engine> make(std::span<const std::uint8_t> key16);
    result<void> apply(std::span<std::uint8_t> payload, const header_fields& f);

private:
    static constexpr std::size_t batch_blocks = 64;
    ctx_ptr ecb_;
    std::array<std::uint8_t, batch_blocks * 16> counter_{};
    std::array<std::uint8_t, batch_blocks * 16> keystream_{};
};

// RC4 through EVP. With `append_fields`, each packet re-keys with key || SSRC || TS || SEQ
// (native mode 2); otherwise rekey() restarts the key-only stream.
class rc4_engine {
public:
    static result<rc4_engine> make(std::span<const std::uint8_t> key, bool append_fields);
    result<void> apply_native(std::span<std::uint8_t> payload, const header_fields& f);
    result<void> rekey();
    result<void> stream(std::span<std::uint8_t> payload);

private:
    ctx_ptr ctx_;
    std::array<std::uint8_t, 256> key_{};
    std::size_t key_size_ = 0;   // the user key part
    bool append_fields_ = false;
};

} // namespace ssw::crypto::detail
