// SPDX-License-Identifier: MIT
// Digest hashes with fetched algorithms and a reused context; HMAC-SHA256 from pre-keyed states.
#include <ssw/core/text.hpp>
#include <ssw/crypto/hash.hpp>
#include <ssw/crypto/secure.hpp>

#include <openssl/evp.h>

#include <algorithm>

namespace ssw::crypto {

namespace {

// OpenSSL 3 looks an algorithm up on every EVP_Digest with EVP_md5() ("implicit fetch"):
// fetch once, reuse.
const EVP_MD* fetched(hash_algorithm algorithm)
{
    static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    return algorithm == hash_algorithm::md5 ? md5 : sha256;
}

struct md_ctx_deleter {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using md_ctx = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

} // namespace

std::string hash_hex(hash_algorithm algorithm, std::initializer_list<std::string_view> parts)
{
    thread_local const md_ctx ctx(EVP_MD_CTX_new());
    const EVP_MD* md = fetched(algorithm);
    if (!ctx || md == nullptr || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) {
        return {};
    }
    bool first = true;
    for (const auto p : parts) {
        if ((!first && EVP_DigestUpdate(ctx.get(), ":", 1) != 1) ||
            EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) {
            return {};
        }
        first = false;
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) {
        return {};
    }
    return core::to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

struct hmac_sha256::state {
    md_ctx inner{EVP_MD_CTX_new()};
    md_ctx outer{EVP_MD_CTX_new()};
    md_ctx work{EVP_MD_CTX_new()};
    bool ready = false;
};

hmac_sha256::hmac_sha256(std::span<const std::uint8_t> key) : state_(std::make_unique<state>())
{
    const EVP_MD* sha256 = fetched(hash_algorithm::sha256);
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> hashed_key{};
    if (key.size() > block_bytes) {
        unsigned int len = 0;
        if (sha256 == nullptr ||
            EVP_Digest(key.data(), key.size(), hashed_key.data(), &len, sha256, nullptr) != 1) {
            return; // not ready: every MAC is zeros
        }
        key = std::span<const std::uint8_t>(hashed_key.data(), len);
    }
    std::array<std::uint8_t, block_bytes> ipad{};
    std::array<std::uint8_t, block_bytes> opad{};
    for (std::size_t i = 0; i < block_bytes; ++i) {
        const std::uint8_t k = i < key.size() ? key[i] : 0;
        ipad[i] = static_cast<std::uint8_t>(k ^ 0x36);
        opad[i] = static_cast<std::uint8_t>(k ^ 0x5c);
    }
    auto& s = *state_;
    s.ready = s.inner && s.outer && s.work && sha256 != nullptr &&
              EVP_DigestInit_ex2(s.inner.get(), sha256, nullptr) == 1 &&
              EVP_DigestUpdate(s.inner.get(), ipad.data(), ipad.size()) == 1 &&
              EVP_DigestInit_ex2(s.outer.get(), sha256, nullptr) == 1 &&
              EVP_DigestUpdate(s.outer.get(), opad.data(), opad.size()) == 1;
    cleanse(ipad);
    cleanse(opad);
    cleanse(hashed_key);
}

hmac_sha256::hmac_sha256(hmac_sha256&&) noexcept = default;
hmac_sha256& hmac_sha256::operator=(hmac_sha256&&) noexcept = default;
hmac_sha256::~hmac_sha256() = default;

hmac_sha256::mac_type hmac_sha256::mac(std::initializer_list<std::string_view> parts) const
{
    mac_type out{};
    const auto& s = *state_;
    if (!s.ready || EVP_MD_CTX_copy_ex(s.work.get(), s.inner.get()) != 1) {
        return out;
    }
    for (const auto p : parts) {
        if (EVP_DigestUpdate(s.work.get(), p.data(), p.size()) != 1) {
            return out;
        }
    }
    unsigned char inner_hash[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    unsigned char result[EVP_MAX_MD_SIZE];
    unsigned int result_len = 0;
    if (EVP_DigestFinal_ex(s.work.get(), inner_hash, &len) != 1 ||
        EVP_MD_CTX_copy_ex(s.work.get(), s.outer.get()) != 1 ||
        EVP_DigestUpdate(s.work.get(), inner_hash, len) != 1 ||
        EVP_DigestFinal_ex(s.work.get(), result, &result_len) != 1 || result_len != mac_bytes) {
        return out;
    }
    std::copy(result, result + mac_bytes, out.begin());
    return out;
}

} // namespace ssw::crypto
