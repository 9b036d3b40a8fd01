// SPDX-License-Identifier: MIT
// Private OpenSSL plumbing of the crypto module: contexts, fetched ciphers, keystream engines.
#pragma once

#include <ssw/core/result.hpp>
#include <ssw/crypto/header_fields.hpp>

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstring>
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

inline void store_be32(std::uint8_t* p, std::uint32_t v) noexcept
{
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

// dst[i] ^= src[i] for i < n.
inline void xor_bytes(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) noexcept
{
    // 16-byte lanes (GCC/Clang vector extension: SSE2 on x86-64, NEON on arm64); -O2 does
    // not vectorise the plain loop, and this pass is a large share of mode 3's cost.
    using lane = std::uint8_t __attribute__((vector_size(16)));
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        lane a;
        lane b;
        std::memcpy(&a, dst + i, 16);
        std::memcpy(&b, src + i, 16);
        a ^= b;
        std::memcpy(dst + i, &a, 16);
    }
    for (; i + 8 <= n; i += 8) {
        std::uint64_t a;
        std::uint64_t b;
        std::memcpy(&a, dst + i, 8);
        std::memcpy(&b, src + i, 8);
        a ^= b;
        std::memcpy(dst + i, &a, 8);
    }
    for (; i < n; ++i) {
        dst[i] = static_cast<std::uint8_t>(dst[i] ^ src[i]);
    }
}

// AES-128-CTR per packet: counter blocks encrypted with ECB in batches and XORed over the
// payload. Re-initialising an EVP CTR context per packet measured slower at 160 bytes
// (the re-init costs more than the cipher) and no faster at 1200.
class aes_ctr_engine {
  public:
    static result<aes_ctr_engine> make(std::span<const std::uint8_t> key16);
    result<void> apply(std::span<std::uint8_t> payload, const header_fields& f);

  private:
    static constexpr std::size_t batch_blocks = 128; // 2048 bytes per EVP call
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
    std::size_t key_size_ = 0; // the user key part
    bool append_fields_ = false;
};

} // namespace ssw::crypto::detail
