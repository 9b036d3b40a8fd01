// SPDX-License-Identifier: MIT
// OpenSSL contexts, provider loading for RC4, and the CTR / RC4 keystream engines.
#include "crypto/openssl_detail.hpp"

#include <ssw/crypto/payload_cipher.hpp>

#include <openssl/err.h>
#include <openssl/provider.h>

#include <bit>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>

namespace ssw::crypto {

namespace {

struct rc4_registry {
    std::mutex mutex;
    std::string override_name;
    std::string loaded_name;
    OSSL_LIB_CTX* libctx = nullptr;
    EVP_CIPHER* rc4 = nullptr;
};

rc4_registry& registry()
{
    static rc4_registry r;
    return r;
}

std::string effective_provider_name(const rc4_registry& r)
{
    if (!r.override_name.empty()) {
        return r.override_name;
    }
    const char* env = std::getenv("SSW_OPENSSL_LEGACY_PROVIDER");
    return env != nullptr && *env != '\0' ? std::string(env) : std::string("legacy");
}

} // namespace

void set_legacy_provider_name(std::string_view name)
{
    auto& r = registry();
    const std::lock_guard lock(r.mutex);
    r.override_name = std::string(name);
}

namespace detail {

error openssl_failure(std::string_view what)
{
    std::string msg(what);
    const unsigned long code = ERR_get_error();
    if (code != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        msg += ": ";
        msg += buf;
    }
    ERR_clear_error();
    return make_error(errc::crypto_error, std::move(msg));
}

result<const EVP_CIPHER*> fetch_rc4()
{
    auto& r = registry();
    const std::lock_guard lock(r.mutex);
    const std::string name = effective_provider_name(r);
    if (r.rc4 != nullptr && r.loaded_name == name) {
        return static_cast<const EVP_CIPHER*>(r.rc4);
    }
    // Kept for the life of the process once loaded (contexts made earlier point into it).
    OSSL_LIB_CTX* libctx = OSSL_LIB_CTX_new();
    if (libctx == nullptr) {
        return unexpected(openssl_failure("cannot create an OpenSSL library context"));
    }
    OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(libctx, name.c_str());
    OSSL_PROVIDER* deflt = OSSL_PROVIDER_load(libctx, "default");
    EVP_CIPHER* rc4 =
        legacy != nullptr && deflt != nullptr ? EVP_CIPHER_fetch(libctx, "RC4", nullptr) : nullptr;
    if (rc4 == nullptr) {
        ERR_clear_error();
        if (legacy != nullptr) {
            OSSL_PROVIDER_unload(legacy);
        }
        if (deflt != nullptr) {
            OSSL_PROVIDER_unload(deflt);
        }
        OSSL_LIB_CTX_free(libctx);
        return unexpected(
            make_error(errc::crypto_error, "mode 2 (RC4) needs the OpenSSL \"" + name +
                                               "\" provider, which could not be loaded (is "
                                               "legacy.so installed, or OPENSSL_MODULES set?); "
                                               "modes 1 and 3 do not need it"));
    }
    r.libctx = libctx;
    r.rc4 = rc4;
    r.loaded_name = name;
    return static_cast<const EVP_CIPHER*>(rc4);
}

result<const EVP_CIPHER*> fetch_aes128(std::string_view name)
{
    static EVP_CIPHER* ecb = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
    static EVP_CIPHER* cbc = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
    EVP_CIPHER* c = name == "AES-128-ECB" ? ecb : name == "AES-128-CBC" ? cbc : nullptr;
    if (c == nullptr) {
        return unexpected(openssl_failure("OpenSSL has no " + std::string(name)));
    }
    return static_cast<const EVP_CIPHER*>(c);
}

result<ctx_ptr> make_ctx(const EVP_CIPHER* cipher, std::span<const std::uint8_t> key, bool encrypt)
{
    ctx_ptr ctx{EVP_CIPHER_CTX_new()};
    if (!ctx) {
        return unexpected(openssl_failure("cannot allocate a cipher context"));
    }
    if (EVP_CipherInit_ex2(ctx.get(), cipher, nullptr, nullptr, encrypt ? 1 : 0, nullptr) != 1) {
        return unexpected(openssl_failure("cipher init failed"));
    }
    if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        EVP_CIPHER_CTX_set_key_length(ctx.get(), static_cast<int>(key.size())) != 1) {
        return unexpected(
            openssl_failure("cipher refused a key of " + std::to_string(key.size()) + " bytes"));
    }
    if (EVP_CipherInit_ex2(ctx.get(), nullptr, key.data(), nullptr, encrypt ? 1 : 0, nullptr) !=
        1) {
        return unexpected(openssl_failure("cipher key setup failed"));
    }
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    return ctx;
}

result<aes_ctr_engine> aes_ctr_engine::make(std::span<const std::uint8_t> key16)
{
    SSW_TRY_ASSIGN(const EVP_CIPHER* ecb, fetch_aes128("AES-128-ECB"));
    aes_ctr_engine e;
    SSW_TRY_ASSIGN(e.ecb_, make_ctx(ecb, key16, true));
    return e;
}

result<void> aes_ctr_engine::apply(std::span<std::uint8_t> payload, const header_fields& f)
{
    std::uint8_t block[16];
    store_be32(block, f.ssrc);
    store_be32(block + 4, f.timestamp);
    block[8] = static_cast<std::uint8_t>(f.sequence >> 8);
    block[9] = static_cast<std::uint8_t>(f.sequence);
    block[10] = 0;
    block[11] = 0;
    std::uint32_t counter = 0;
    std::size_t done = 0;
    while (done < payload.size()) {
        const std::size_t left = payload.size() - done;
        const std::size_t blocks = std::min(batch_blocks, (left + 15) / 16);
        for (std::size_t b = 0; b < blocks; ++b) {
            std::uint8_t* c = counter_.data() + 16 * b;
            std::memcpy(c, block, 12);
            std::uint32_t be = counter++;
            if constexpr (std::endian::native == std::endian::little) {
                be = __builtin_bswap32(be);
            }
            std::memcpy(c + 12, &be, 4);
        }
        int out_len = 0;
        if (EVP_EncryptUpdate(ecb_.get(), keystream_.data(), &out_len, counter_.data(),
                              static_cast<int>(blocks * 16)) != 1) {
            return unexpected(openssl_failure("AES-128 keystream failed"));
        }
        const std::size_t n = std::min(left, blocks * 16);
        xor_bytes(payload.data() + done, keystream_.data(), n);
        done += n;
    }
    return {};
}

result<rc4_engine> rc4_engine::make(std::span<const std::uint8_t> key, bool append_fields)
{
    const std::size_t total = key.size() + (append_fields ? 10 : 0);
    if (key.empty() || total > 256) {
        return unexpected(
            make_error(errc::crypto_error,
                       "rc4 key of " + std::to_string(key.size()) + " bytes does not fit"));
    }
    SSW_TRY_ASSIGN(const EVP_CIPHER* rc4, fetch_rc4());
    rc4_engine e;
    std::memcpy(e.key_.data(), key.data(), key.size());
    e.key_size_ = key.size();
    e.append_fields_ = append_fields;
    SSW_TRY_ASSIGN(e.ctx_,
                   make_ctx(rc4, std::span<const std::uint8_t>(e.key_.data(), total), true));
    return e;
}

result<void> rc4_engine::apply_native(std::span<std::uint8_t> payload, const header_fields& f)
{
    std::uint8_t* k = key_.data() + key_size_;
    store_be32(k, f.ssrc);
    store_be32(k + 4, f.timestamp);
    k[8] = static_cast<std::uint8_t>(f.sequence >> 8);
    k[9] = static_cast<std::uint8_t>(f.sequence);
    SSW_TRY(rekey());
    return stream(payload);
}

result<void> rc4_engine::rekey()
{
    if (EVP_EncryptInit_ex2(ctx_.get(), nullptr, key_.data(), nullptr, nullptr) != 1) {
        return unexpected(openssl_failure("RC4 key setup failed"));
    }
    return {};
}

result<void> rc4_engine::stream(std::span<std::uint8_t> payload)
{
    if (payload.empty()) {
        return {};
    }
    int out_len = 0;
    if (EVP_EncryptUpdate(ctx_.get(), payload.data(), &out_len, payload.data(),
                          static_cast<int>(payload.size())) != 1) {
        return unexpected(openssl_failure("RC4 keystream failed"));
    }
    return {};
}

} // namespace detail
} // namespace ssw::crypto
